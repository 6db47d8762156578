import { describe, expect, it } from 'vitest';
import { type BuildArgsInput, buildArgs } from '../../../src/buildx/build-args.js';
import type { BuildFlags } from '../../../src/buildx/build-flags.js';

// A row gives the pass-through flags and the operands side by side; buildArgs takes them apart.
type Row = Partial<Omit<BuildArgsInput, 'flags'>> & BuildFlags;
const inputOf = ({
  builder = 'fleet',
  platforms = [],
  extra = [],
  context = '.',
  ...flags
}: Row): BuildArgsInput => ({
  builder,
  platforms,
  flags,
  extra,
  context,
});

const head = ['buildx', 'build', '--builder', 'fleet'];

describe('buildArgs', () => {
  it.each<[string, Row, string[]]>([
    ['nothing but the builder and context', {}, [...head, '.']],
    [
      'platforms joined by commas, as buildx writes them',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      [...head, '--platform', 'linux/amd64,linux/arm64', '.'],
    ],
    [
      'repeatable flags once per value, in the order given',
      { tag: ['r/app:1', 'r/app:latest'], buildArg: ['A=1', 'B=x y'], label: ['a=b'] },
      [
        ...head,
        '--tag',
        'r/app:1',
        '--tag',
        'r/app:latest',
        '--build-arg',
        'A=1',
        '--build-arg',
        'B=x y',
        '--label',
        'a=b',
        '.',
      ],
    ],
    ['a Dockerfile', { file: 'docker/Dockerfile.prod' }, [...head, '--file', 'docker/Dockerfile.prod', '.']],
    ['push', { push: true }, [...head, '--push', '.']],
    ['load', { load: true }, [...head, '--load', '.']],
    [
      'outputs and caches',
      {
        output: ['type=oci,dest=out.tar'],
        cacheFrom: ['type=registry,ref=r/app:cache'],
        cacheTo: ['type=registry,ref=r/app:cache,mode=max'],
      },
      [
        ...head,
        '--output',
        'type=oci,dest=out.tar',
        '--cache-from',
        'type=registry,ref=r/app:cache',
        '--cache-to',
        'type=registry,ref=r/app:cache,mode=max',
        '.',
      ],
    ],
    [
      'secrets and ssh',
      { secret: ['id=npm,src=/home/me/.npmrc'], ssh: ['default', 'github=/home/me/.ssh/id_ed25519'] },
      [
        ...head,
        '--secret',
        'id=npm,src=/home/me/.npmrc',
        '--ssh',
        'default',
        '--ssh',
        'github=/home/me/.ssh/id_ed25519',
        '.',
      ],
    ],
    [
      'target and progress',
      { target: 'runtime', progress: 'plain' },
      [...head, '--target', 'runtime', '--progress', 'plain', '.'],
    ],
    [
      'attestations as one --flag=value word each, so `false` is never read as the context',
      { provenance: 'false', sbom: 'true' },
      [...head, '--provenance=false', '--sbom=true', '.'],
    ],
    ['provenance mode', { provenance: 'mode=max' }, [...head, '--provenance=mode=max', '.']],
    [
      'metadata file, pull, no cache',
      { metadataFile: '/tmp/mpb-build-x/metadata.json', pull: true, cache: false },
      [...head, '--metadata-file', '/tmp/mpb-build-x/metadata.json', '--pull', '--no-cache', '.'],
    ],
    [
      'words after -- go untouched right before the context',
      { extra: ['--attest', 'type=sbom', '--shm-size=2g'], context: './app' },
      [...head, '--attest', 'type=sbom', '--shm-size=2g', './app'],
    ],
    ['a context read from stdin', { context: '-' }, [...head, '-']],
    [
      'every flag at once, in the documented order',
      {
        platforms: ['linux/amd64', 'linux/arm64'],
        tag: ['r/app:1'],
        file: 'Dockerfile',
        buildArg: ['V=1'],
        push: true,
        load: true,
        output: ['type=local,dest=out'],
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha'],
        secret: ['id=s'],
        ssh: ['default'],
        label: ['l=1'],
        target: 't',
        progress: 'quiet',
        provenance: 'mode=min',
        sbom: 'false',
        metadataFile: 'meta.json',
        pull: true,
        cache: false,
        extra: ['--network=host'],
        context: 'ctx',
      },
      [
        ...head,
        '--platform',
        'linux/amd64,linux/arm64',
        '--tag',
        'r/app:1',
        '--file',
        'Dockerfile',
        '--build-arg',
        'V=1',
        '--push',
        '--load',
        '--output',
        'type=local,dest=out',
        '--cache-from',
        'type=gha',
        '--cache-to',
        'type=gha',
        '--secret',
        'id=s',
        '--ssh',
        'default',
        '--label',
        'l=1',
        '--target',
        't',
        '--progress',
        'quiet',
        '--provenance=mode=min',
        '--sbom=false',
        '--metadata-file',
        'meta.json',
        '--pull',
        '--no-cache',
        '--network=host',
        'ctx',
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(buildArgs(inputOf(input))).toEqual(expected);
  });
});
