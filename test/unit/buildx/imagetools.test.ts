import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ImageReport,
  parseImagetoolsJson,
  parseRawManifest,
} from '../../../src/buildx/parse/imagetools.js';
import { capture } from '../../helpers/fake-run.js';

const reference = (name: string) =>
  readFileSync(new URL(`../../fixtures/reference/${name}`, import.meta.url), 'utf8');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

// The capture image: `./hello` built for linux/amd64 and linux/arm64 by two nodes, pushed with
// buildx's default provenance (one attestation manifest per image). Image digests are the same in
// every version; the attestation and index digests are not.
function captureReport(
  version: string,
  index: { digest: string; size: number; mediaType: string },
  att: [string, string],
) {
  const attestation = (hex: string) => ({ digest: `sha256:${hex}`, size: 565, mediaType: OCI_MANIFEST });
  return {
    ref: `localhost:5000/capture/hello:${version}`,
    kind: 'index',
    ...index,
    platforms: [
      {
        platform: 'linux/amd64',
        digest: 'sha256:11a125ddd7954dcdb56e343762c519515184c79caf4fafdb37dfb9d725bfd054',
        size: 476,
        mediaType: OCI_MANIFEST,
        attestations: [attestation(att[0])],
      },
      {
        platform: 'linux/arm64',
        digest: 'sha256:6c5dc831880398dd7089469d38227bd40d96ba546e7b026fec7e819d36370ef1',
        size: 476,
        mediaType: OCI_MANIFEST,
        attestations: [attestation(att[1])],
      },
    ],
  } satisfies ImageReport;
}

const CAPTURES = [
  captureReport(
    '0.10.5',
    {
      digest: 'sha256:fe839b2ea4eff64f3f5ec135c6417a3c00db5ed97df37b932ff069c836e122f5',
      size: 1625,
      // buildx 0.10.5 pushed a Docker manifest list holding OCI manifests.
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    },
    [
      '1b63a56e5d2d5aa809a541740d1c21a58d0a87bc1652d6147a70425a01b48e4f',
      '09e3a68e308795ad0437e21ec3132c03a2a768b241bac029880cc0e7cc700d0f',
    ],
  ),
  captureReport(
    '0.13.1',
    {
      digest: 'sha256:b079fab631bbd49e20842814d4bec2b0199b8d6e516b3530f8f4ffa8dd918f3d',
      size: 1607,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    },
    [
      'abc6000be2ea5fe9353fc9c7a6c6c8a383f059412b8d206aa7e241a2fb65d7d0',
      'b0eda12b4bb40cbffdf807c112271da45b023a99888b90a7a1612f3925a614fe',
    ],
  ),
  captureReport(
    '0.29.1',
    {
      digest: 'sha256:7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0',
      size: 1607,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    },
    [
      '19c3b7ca82b20b4cb921506205dd10cd7d1db0649372a986e8663468212fd15d',
      '1aaa4a0b61660ee7fdeae9b1df1f51ece9117a4034c8355c0ca681bb7276b513',
    ],
  ),
] as const;

describe('parseImagetoolsJson on captures', () => {
  it.each(CAPTURES.map((r) => [r.ref.split(':').at(-1)!, r] as const))(
    'v%s imagetools-json: attestations under their images',
    (version, expected) => {
      const parsed = parseImagetoolsJson(capture(version as '0.13.1', 'imagetools-json').stdout);
      expect(parsed).toEqual({ ok: true, value: expected, unparsed: [] });
    },
  );
});

describe('parseRawManifest on captures', () => {
  // --raw carries no digest or size: they come from the bytes, and must equal what --format reported.
  it.each(CAPTURES.map((r) => [r.ref.split(':').at(-1)!, r] as const))(
    'v%s imagetools-raw equals the json report',
    (version, expected) => {
      const parsed = parseRawManifest(capture(version as '0.13.1', 'imagetools-raw').stdout, expected.ref);
      expect(parsed).toEqual({ ok: true, value: expected, unparsed: [] });
    },
  );

  it('keeps an attestation whose image is not in the index apart', () => {
    const raw = capture('0.13.1', 'imagetools-raw').stdout.replace(
      '"vnd.docker.reference.digest": "sha256:6c5dc831880398dd7089469d38227bd40d96ba546e7b026fec7e819d36370ef1"',
      `"vnd.docker.reference.digest": "sha256:${'0'.repeat(64)}"`,
    );
    const parsed = parseRawManifest(raw, 'r');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.platforms.map((p) => [p.platform, p.attestations.length])).toEqual([
      ['linux/amd64', 1],
      ['linux/arm64', 0],
    ]);
    expect(parsed.value.attestationsUnattached).toEqual([
      {
        digest: 'sha256:b0eda12b4bb40cbffdf807c112271da45b023a99888b90a7a1612f3925a614fe',
        size: 565,
        mediaType: OCI_MANIFEST,
      },
    ]);
  });
});

describe('parseImagetoolsJson on reference fixtures', () => {
  const amd64 = {
    platform: 'linux/amd64',
    digest: 'sha256:b2e6d606c88404bb97e4495cbc0b732d38d6ffe11400d1188683dc3a17433d3e',
    size: 1047,
    mediaType: OCI_MANIFEST,
    attestations: [
      {
        digest: 'sha256:416a233318964d76e7b2867e6236a82ca4d5a910f4b881291ee13f50603a6ad1',
        size: 566,
        mediaType: OCI_MANIFEST,
      },
    ],
  };
  it.each<[string, ImageReport]>([
    [
      // Both images first, both attestations after: attachment goes by digest, not by position.
      'imagetools-inspect-format-json-multiplatform.json',
      {
        ref: 'myorg/app:1.0',
        kind: 'index',
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: 'sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6',
        size: 1609,
        platforms: [
          amd64,
          {
            platform: 'linux/arm64',
            digest: 'sha256:2d0734fa51e1aecf1638d06718d6cd49031998ff3e32c2d525ef7224738a4ed2',
            size: 1047,
            mediaType: OCI_MANIFEST,
            attestations: [
              {
                digest: 'sha256:354badfd410f3ad3a31990c4f58e143dde3db3cf76a49206feb69769d58bef5f',
                size: 566,
                mediaType: OCI_MANIFEST,
              },
            ],
          },
        ],
      },
    ],
    [
      'imagetools-inspect-format-json-single-platform.json',
      {
        ref: 'myorg/app:1.0',
        kind: 'index',
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: 'sha256:af63aa5d479600ad9e01a1455aa5cafcc2932868f424fb477945e152d1ff59bf',
        size: 856,
        platforms: [amd64],
      },
    ],
    [
      // A plain manifest: `manifest` is its descriptor and `image` its config, which names the platform.
      'imagetools-inspect-format-json-single-manifest.json',
      {
        ref: 'myorg/single:latest',
        kind: 'manifest',
        mediaType: DOCKER_MANIFEST,
        digest: 'sha256:947f187506f7629c81c81879a2cb2256455038e4ac770091d897fa0a8b945e3b',
        size: 739,
        platforms: [
          {
            platform: 'linux/amd64',
            digest: 'sha256:947f187506f7629c81c81879a2cb2256455038e4ac770091d897fa0a8b945e3b',
            size: 739,
            mediaType: DOCKER_MANIFEST,
            attestations: [],
          },
        ],
      },
    ],
    [
      'imagetools-inspect-v0.36.1-docs-json-dot.json',
      {
        ref: 'crazymax/buildkit:attest',
        kind: 'index',
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: 'sha256:7007b387ccd52bd42a050f2e8020e56e64622c9269bf7bbe257b326fe99daf19',
        size: 855,
        platforms: [
          {
            platform: 'linux/amd64',
            digest: 'sha256:fbd10fe50b4b174bb9ea273e2eb9827fa8bf5c88edd8635a93dc83e0d1aecb55',
            size: 673,
            mediaType: OCI_MANIFEST,
            attestations: [
              {
                digest: 'sha256:a9de632c16998489fd63fbca42a03431df00639cfb2ecb8982bf9984b83c5b2b',
                size: 839,
                mediaType: OCI_MANIFEST,
              },
            ],
          },
        ],
      },
    ],
  ])('%s', (name, expected) => {
    expect(parseImagetoolsJson(reference(name))).toEqual({ ok: true, value: expected, unparsed: [] });
  });
});

describe('parseRawManifest on reference fixtures', () => {
  it('a Docker manifest list: six platforms, arm with its variant', () => {
    const parsed = parseRawManifest(
      reference('imagetools-inspect-v0.36.1-docs-raw-manifest-list.json'),
      'busybox',
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { platforms, ...head } = parsed.value;
    expect(head).toEqual({
      ref: 'busybox',
      kind: 'index',
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      digest: 'sha256:e6b8c22ddbe9045d81dcf96b913f5f0b35b9401579c8f674068fcb4965ef1fc4',
      size: 1841,
    });
    expect(
      platforms.map((p) => [p.platform, p.digest.slice(7, 19), p.size, p.mediaType, p.attestations]),
    ).toEqual([
      ['linux/amd64', 'f9f41c851246', 1158, DOCKER_MANIFEST, []],
      ['linux/arm/v7', '82097c2be19c', 1158, DOCKER_MANIFEST, []],
      ['linux/arm64', 'b6b91e6c823d', 1158, DOCKER_MANIFEST, []],
      ['linux/s390x', '797061bcc167', 1158, DOCKER_MANIFEST, []],
      ['linux/ppc64le', 'b93d3a84d18c', 1159, DOCKER_MANIFEST, []],
      ['linux/riscv64', 'd5c950dd1b27', 1158, DOCKER_MANIFEST, []],
    ]);
  });

  it('a single manifest: its platform is in the config blob, which --raw does not fetch', () => {
    const digest = 'sha256:522e03f27a222d8cbeb3233af610dab0b6480541de8b559b38d7882e43a797dd';
    expect(
      parseRawManifest(reference('imagetools-inspect-v0.36.1-docs-raw-manifest.json'), 'alpine'),
    ).toEqual({
      ok: true,
      value: {
        ref: 'alpine',
        kind: 'manifest',
        mediaType: DOCKER_MANIFEST,
        digest,
        size: 899,
        platforms: [{ platform: 'unknown', digest, size: 899, mediaType: DOCKER_MANIFEST, attestations: [] }],
      },
      unparsed: [],
    });
  });
});

describe('platform details', () => {
  it("keeps a Windows image's OS version and names an entry without a platform `unknown`", () => {
    const ref = (digest: string) => ({ mediaType: DOCKER_MANIFEST, digest, size: 1 });
    const entry = (digest: string, platform?: object) => ({ ...ref(digest), platform });
    const raw = JSON.stringify({
      manifests: [
        entry('sha256:a', { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2340' }),
        entry('sha256:b'),
      ],
    });
    const parsed = parseRawManifest(raw, 'r');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(parsed.value.platforms).toEqual([
      { platform: 'windows/amd64', osVersion: '10.0.20348.2340', ...ref('sha256:a'), attestations: [] },
      { platform: 'unknown', ...ref('sha256:b'), attestations: [] },
    ]);
  });
});

describe('what the parsers refuse', () => {
  it.each([
    [
      'default text output (v0.13.1 imagetools)',
      () => parseImagetoolsJson(capture('0.13.1', 'imagetools').stdout),
      /^not JSON/,
    ],
    ['JSON without a manifest', () => parseImagetoolsJson('{"name":"x"}'), /^manifest: /],
    [
      'an index entry without a digest',
      () => parseRawManifest('{"manifests":[{"mediaType":"m","size":1}]}', 'x'),
      /^manifests\.0\.digest: /,
    ],
    ['nothing at all', () => parseRawManifest('', 'x'), /^not JSON/],
  ])('%s', (_name, parse, message) => {
    const parsed = parse();
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(message);
  });

  it('keeps top-level keys it does not read (v0.10.0 Provenance/SBOM) as unparsed', () => {
    const text = capture('0.13.1', 'imagetools-json').stdout.replace(
      '{\n  "name"',
      '{\n  "SBOM": {},\n  "name"',
    );
    const parsed = parseImagetoolsJson(text);
    expect(parsed.ok && parsed.unparsed).toEqual(['SBOM']);
  });
});
