import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BakeMetadata, parseBakeMetadataFile } from '../../../src/buildx/parse/bake-metadata.js';
import type { BuildMetadata } from '../../../src/buildx/parse/metadata.js';

const captured = (version: string, name: string) =>
  readFileSync(new URL(`../../fixtures/bake/v${version}/${name}.metadata.json`, import.meta.url), 'utf8');

const INDEX = 'application/vnd.oci.image.index.v1+json';
const built = (buildRef: string, digest: string, imageName: string): BuildMetadata => ({
  digest,
  descriptor: { digest, size: 855, mediaType: INDEX },
  configDigest: undefined,
  imageNames: [imageName],
  buildRef,
  provenance: {},
});
const contextOnly = (buildRef: string): BuildMetadata => ({
  digest: undefined,
  descriptor: undefined,
  configDigest: undefined,
  imageNames: [],
  buildRef,
  provenance: {},
});
const withoutProvenance = (m: BakeMetadata) => ({
  warnings: m.warnings,
  targets: Object.fromEntries(Object.entries(m.targets).map(([t, v]) => [t, { ...v, provenance: {} }])),
});
const read = (version: string, name: string) => {
  const parsed = parseBakeMetadataFile(captured(version, name));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed;
};

describe('parseBakeMetadataFile', () => {
  it.each([
    [
      '0.13.1',
      {
        app: built(
          'bk/bk0/klkonijrtb89sn50pvpkrt9sh',
          'sha256:c399e24aca2cdf03ddb05782ca134c14ca604817a75a6f3d0386238830b16f9c',
          '127.0.0.1:25123/bake/app:1',
        ),
        base: built(
          'bk/bk0/j3wm02sww3rhroifq54czhoxg',
          'sha256:a1dbef3d37daa268b970cf335c4e67310e3281a1ceacca8e592f16ae1dca9c90',
          '127.0.0.1:25123/bake/base:1',
        ),
      },
    ],
    [
      '0.29.1',
      {
        app: built(
          'bk/bk0/t3h6mriqt9k1gygdwb2bmz6re',
          'sha256:d68fc6b970415ac9ea40e6b477eaca76bb7b7f6c6db86c3d4f19625c7c1fe180',
          '127.0.0.1:25123/bake/app:1',
        ),
        base: built(
          'bk/bk0/zpfjnfq2swtbw691118550lfp',
          'sha256:9e5995c92aef882d96dbd9f0b4283fd3007d5c4bf50ba6fab5ddf4664c605f29',
          '127.0.0.1:25123/bake/base:1',
        ),
      },
    ],
  ])('v%s bake-push: one entry per target', (version, targets) => {
    const parsed = read(version, 'bake-push');
    expect(withoutProvenance(parsed.value)).toEqual({ targets, warnings: [] });
    expect(parsed.unparsed).toEqual([]);
  });

  // mpb's per-job bake: the pushed-by-digest target has its digest; the linked base, built as a context, only a ref.
  it.each([
    [
      '0.13.1',
      'sha256:1aa3d627f681f8f6efecf80e18b1f72844966a713a1ce8028aec83f71fccfa27',
      'bk/bk0/4kfjjue3mv5tt4o2d44bdwuea',
      'bk/bk0/budemgerpctxppgyrg63m0emf',
    ],
    [
      '0.29.1',
      'sha256:98b7335197b49d82cd710f02085cf2e4e495020c8289ac1c5d650532912a676a',
      'bk/bk0/k70nmxx835j0w99h0nz42wv3g',
      'bk/bk0/fzjrykso9pdmvve9lctvx79tt',
    ],
  ])(
    'v%s bake-job: the digest of the job target, a ref for its linked base',
    (version, digest, appRef, baseRef) => {
      const { value } = read(version, 'bake-job');
      expect(value.targets.app?.digest).toBe(digest);
      expect(value.targets.app?.imageNames).toEqual(['127.0.0.1:25123/bake/app']);
      expect(value.targets.app?.buildRef).toBe(appRef);
      expect(withoutProvenance(value).targets.base).toEqual(contextOnly(baseRef));
    },
  );

  it('v0.29.1 keeps each target provenance under its key', () => {
    const { value } = read('0.29.1', 'bake-push');
    expect(Object.keys(value.targets.app?.provenance ?? {})).toEqual(['']);
  });

  it('reads buildx.build.warnings and names unknown keys by target', () => {
    const text = JSON.stringify({
      app: { 'containerimage.digest': 'sha256:1', 'new.key': 1 },
      'buildx.build.warnings': [{ vertex: 'sha256:2', level: 1 }],
      other: [],
    });
    const parsed = parseBakeMetadataFile(text);
    expect(parsed.ok && parsed.value.warnings).toEqual([{ vertex: 'sha256:2', level: 1 }]);
    expect(parsed.ok && parsed.unparsed).toEqual(['app.new.key', 'other']);
  });

  it('is a parse error when a target is not an object', () => {
    expect(parseBakeMetadataFile('{"app": "x"}')).toMatchObject({
      ok: false,
      error: { format: 'bake metadata file' },
    });
  });
});
