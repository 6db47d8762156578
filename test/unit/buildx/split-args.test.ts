import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BuildArgsInput } from '../../../src/buildx/build-args.js';
import { repositoryOf } from '../../../src/buildx/image-ref.js';
import { parseRawManifest } from '../../../src/buildx/parse/imagetools.js';
import { parseMetadataFile } from '../../../src/buildx/parse/metadata.js';
import { digestOutputOf, mergeArgs, pushRepositoryOf, splitJobArgs } from '../../../src/buildx/split-args.js';
import { checkPlatforms } from '../../../src/core/platform-check.js';

const input: BuildArgsInput = {
  builder: 'fleet',
  platforms: ['linux/amd64', 'linux/arm64'],
  flags: {
    tag: ['localhost:5000/app:1', 'localhost:5000/app:latest'],
    file: 'Dockerfile.prod',
    buildArg: ['V=1'],
    push: true,
    load: false,
    output: [],
    cacheFrom: ['type=registry,ref=localhost:5000/app:buildcache'],
    cacheTo: [],
    secret: ['id=npm,src=.npmrc'],
    ssh: ['default'],
    label: ['org.example=1'],
    target: 'prod',
    progress: 'plain',
    provenance: 'mode=max',
    sbom: 'true',
    metadataFile: 'user-metadata.json',
    pull: true,
    cache: false,
  },
  extra: ['--attest', 'type=sbom'],
  context: '.',
};

describe('repositoryOf', () => {
  it.each([
    ['localhost:5000/app:1', 'localhost:5000/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    ['app:1', 'app'],
    ['ghcr.io/me/app@sha256:abc', 'ghcr.io/me/app'],
    ['ghcr.io/me/app:1@sha256:abc', 'ghcr.io/me/app'],
  ])('%s → %s', (ref, repo) => {
    expect(repositoryOf(ref)).toBe(repo);
  });
});

describe('pushRepositoryOf', () => {
  it('is the first tag’s repository; none without a tag', () => {
    expect(pushRepositoryOf(['reg/a:1', 'other/b:2'])).toBe('reg/a');
    expect(pushRepositoryOf([])).toBeUndefined();
  });
});

describe('splitJobArgs', () => {
  it('keeps every user flag, but builds the job’s platforms untagged, pushed by digest, with its own metadata file', () => {
    const job = {
      builder: 'mpb-via-fleet-arm',
      platforms: ['linux/arm64'],
      metadataFile: '/tmp/mpb-split/arm.json',
      cacheFrom: ['type=registry,ref=c:linux-arm64'],
      cacheTo: ['type=registry,ref=c:linux-arm64,mode=max'],
    };
    expect(splitJobArgs(input, job, 'localhost:5000/app')).toEqual([
      'buildx',
      'build',
      '--builder',
      'mpb-via-fleet-arm',
      '--platform',
      'linux/arm64',
      '--file',
      'Dockerfile.prod',
      '--build-arg',
      'V=1',
      '--output',
      'type=image,name=localhost:5000/app,push-by-digest=true,name-canonical=true,push=true',
      '--cache-from',
      'type=registry,ref=localhost:5000/app:buildcache',
      '--cache-from',
      'type=registry,ref=c:linux-arm64',
      '--cache-to',
      'type=registry,ref=c:linux-arm64,mode=max',
      '--secret',
      'id=npm,src=.npmrc',
      '--ssh',
      'default',
      '--label',
      'org.example=1',
      '--target',
      'prod',
      '--progress',
      'plain',
      '--provenance=mode=max',
      '--sbom=true',
      '--metadata-file',
      '/tmp/mpb-split/arm.json',
      '--pull',
      '--no-cache',
      '--attest',
      'type=sbom',
      '.',
    ]);
  });
  it('has no --tag, --push or --load of its own', () => {
    const argv = splitJobArgs(
      { ...input, flags: { ...input.flags, load: true } },
      { builder: 'b', platforms: ['linux/amd64'], metadataFile: 'm', cacheFrom: [], cacheTo: [] },
      'r',
    );
    expect(argv.filter((a) => ['--tag', '--push', '--load'].includes(a))).toEqual([]);
  });
});

describe('digestOutputOf', () => {
  it('pushes by digest, untagged', () => {
    expect(digestOutputOf('r/app')).toBe(
      'type=image,name=r/app,push-by-digest=true,name-canonical=true,push=true',
    );
  });
});

describe('mergeArgs', () => {
  it('one imagetools create: every tag, then every job’s digest in the push repository', () => {
    const digests = ['amd64', 'arm64'].map((arch) => {
      const file = new URL(
        `../../fixtures/captures-local/v0.29.1/build-push-by-digest-${arch}.metadata.json`,
        import.meta.url,
      );
      const parsed = parseMetadataFile(readFileSync(file, 'utf8'));
      return parsed.ok ? parsed.value.digest : undefined;
    });
    expect(
      mergeArgs(
        ['127.0.0.1:25000/capture/split:1', 'other.example/split:1'],
        '127.0.0.1:25000/capture/split',
        digests.filter((d) => d !== undefined),
      ),
    ).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--tag',
      '127.0.0.1:25000/capture/split:1',
      '--tag',
      'other.example/split:1',
      '127.0.0.1:25000/capture/split@sha256:928b44834d43df6beaa36a45452c646328ffedd8a04ca13d5aa939fc5626ca2c',
      '127.0.0.1:25000/capture/split@sha256:ef34565080e29c8be756ea195327c086d7bc3b5ab0fa0e3a2217103d5ca22c77',
    ]);
  });
});

describe('after the merge', () => {
  // imagetools create --dry-run prints the index it would push: here, of the two digests above.
  const index = readFileSync(
    new URL('../../fixtures/captures-local/v0.29.1/imagetools-create-dry-run.stdout', import.meta.url),
    'utf8',
  );
  const parsed = parseRawManifest(index, '127.0.0.1:25000/capture/split:1');
  const report = parsed.ok ? parsed.value : undefined;

  it('the index holds both platforms, each with its attestation kept', () => {
    expect(report?.platforms.map((p) => [p.platform, p.attestations.length])).toEqual([
      ['linux/amd64', 1],
      ['linux/arm64', 1],
    ]);
  });
  it.each<[string[], boolean]>([
    [['linux/amd64', 'linux/arm64'], true],
    [['linux/amd64'], false],
    [['linux/amd64', 'linux/arm64', 'linux/riscv64'], false],
  ])('is checked as mpb inspect --expect-platforms %j --exact does: ok=%s', (expected, ok) => {
    expect(report && checkPlatforms(report, expected, true).ok).toBe(ok);
  });
});
