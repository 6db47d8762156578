import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BuildMetadata, parseMetadataFile } from '../../../src/buildx/parse/metadata.js';
import { CAPTURES } from '../../helpers/fake-run.js';

const reference = (name: string) =>
  readFileSync(new URL(`../../fixtures/reference/${name}`, import.meta.url), 'utf8');
const captured = (version: string) => readFileSync(`${CAPTURES}v${version}/build-push.metadata.json`, 'utf8');

const EMPTY: BuildMetadata = {
  digest: undefined,
  descriptor: undefined,
  configDigest: undefined,
  imageNames: [],
  buildRef: undefined,
  provenance: {},
};
const SINGLE = 'sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3';
const SINGLE_DESCRIPTOR = {
  digest: SINGLE,
  size: 506,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
};
const CONFIG = 'sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66';

describe('parseMetadataFile', () => {
  // The captures pushed linux/amd64 and linux/arm64 from two nodes: buildx merges the index itself
  // and writes only its digest, in every version.
  it.each([
    ['0.10.5', 'sha256:fe839b2ea4eff64f3f5ec135c6417a3c00db5ed97df37b932ff069c836e122f5'],
    ['0.13.1', 'sha256:b079fab631bbd49e20842814d4bec2b0199b8d6e516b3530f8f4ffa8dd918f3d'],
    ['0.29.1', 'sha256:7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0'],
  ])('v%s build-push (multi-node push): the index digest only', (version, digest) => {
    expect(parseMetadataFile(captured(version))).toEqual({
      ok: true,
      value: { ...EMPTY, digest },
      unparsed: [],
    });
  });

  it.each<[string, BuildMetadata, string[]]>([
    [
      'metadata-file-multinode-push.json',
      { ...EMPTY, digest: 'sha256:31d52d33ca5916de21e8d4e2589e434ec924e1c4e386c0b5888772be80d68a96' },
      [],
    ],
    [
      'metadata-file-v0.13-multiplatform-push-single-node.json',
      {
        ...EMPTY,
        digest: 'sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6',
        descriptor: {
          digest: 'sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6',
          size: 1609,
          mediaType: 'application/vnd.oci.image.index.v1+json',
        },
        imageNames: ['myorg/app:1.0', 'myorg/app:latest'],
        buildRef: 'mybuilder/mybuilder0/k2b7c1xq9r0h5t3m8n4p6w2zd',
      },
      [],
    ],
    [
      // The BuildKit 0.10 era wrote build info; mpb does not read it, and says so.
      'metadata-file-v0.10.0-docs.json',
      { ...EMPTY, digest: SINGLE, descriptor: SINGLE_DESCRIPTOR, configDigest: CONFIG },
      ['containerimage.buildinfo'],
    ],
    [
      'metadata-file-v0.36.1-docs.json',
      {
        ...EMPTY,
        digest: SINGLE,
        descriptor: SINGLE_DESCRIPTOR,
        configDigest: CONFIG,
        buildRef: 'mybuilder/mybuilder0/0fjb6ubs52xx3vygf6fgdl611',
        provenance: { '': {} },
      },
      ['buildx.build.warnings'],
    ],
  ])('%s', (name, value, unparsed) => {
    expect(parseMetadataFile(reference(name))).toEqual({ ok: true, value, unparsed });
  });

  it('keys per-platform provenance (v0.14+) by platform', () => {
    const text = JSON.stringify({
      'buildx.build.provenance/linux/amd64': { buildType: 'a' },
      'buildx.build.provenance/linux/arm64': { buildType: 'b' },
    });
    const parsed = parseMetadataFile(text);
    expect(parsed.ok && parsed.value.provenance).toEqual({
      'linux/amd64': { buildType: 'a' },
      'linux/arm64': { buildType: 'b' },
    });
  });

  it.each([
    ['an empty file (the build failed before writing it)', '', /^not JSON/],
    ['a digest that is not a string', '{"containerimage.digest": 1}', /^containerimage\.digest: /],
    ['an array', '[]', /^\(document\): /],
  ])('refuses %s', (_name, text, message) => {
    const parsed = parseMetadataFile(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error).toMatchObject({ kind: 'parse-error', format: 'build metadata file', message });
  });
});
