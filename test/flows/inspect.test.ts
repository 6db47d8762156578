// `mpb inspect` end to end over a fake runner answering with real captures: output, exit codes, refusals.
import { describe, expect, it } from 'vitest';
import { parseImagetoolsJson } from '../../src/buildx/parse/imagetools.js';
import { runInspect } from '../../src/commands/inspect.js';
import { checkPlatforms } from '../../src/core/platform-check.js';
import type { InspectOptions } from '../../src/options.js';
import { capture, type FakeRow, fakeRun } from '../helpers/fake-run.js';
import type { CapturedVersion } from '../helpers/versions.js';
import { captureDeps } from '../unit/ui/capture.js';

type Version = CapturedVersion;
const REF = (version: Version) => `localhost:5000/capture/hello:${version}`;

function buildxRows(version: Version): FakeRow[] {
  return [
    [['docker', 'buildx', 'version'], capture(version, 'version')],
    [
      ['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .}}'],
      capture(version, 'imagetools-json'),
    ],
    [['docker', 'buildx', 'imagetools', 'inspect', '--raw'], capture(version, 'imagetools-raw')],
  ];
}

/** Runs the command as src/cli.ts does: its return value, or its error through reportError. */
async function inspect(
  ref: string,
  options: InspectOptions,
  settings: { json?: boolean; version?: Version; rows?: FakeRow[] } = {},
) {
  const run = fakeRun(settings.rows ?? buildxRows(settings.version ?? '0.13.1'));
  const { deps, exit, stdout, stderr } = captureDeps({ json: settings.json, color: false }, { run });
  const code = await exit(() => runInspect(deps, ref, options));
  return { code, stdout: stdout(), stderr: stderr(), calls: run.calls };
}

describe('mpb inspect IMAGE', () => {
  it.each<[Version, string, string, string]>([
    [
      '0.10.5',
      'fe839b2ea4eff64f3f5ec135c6417a3c00db5ed97df37b932ff069c836e122f5',
      '1b63a56e5d2d',
      '09e3a68e3087',
    ],
    [
      '0.13.1',
      'b079fab631bbd49e20842814d4bec2b0199b8d6e516b3530f8f4ffa8dd918f3d',
      'abc6000be2ea',
      'b0eda12b4bb4',
    ],
    [
      '0.29.1',
      '7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0',
      '19c3b7ca82b2',
      '1aaa4a0b6166',
    ],
  ])('v%s: a table with each attestation under its image', async (version, index, att1, att2) => {
    const r = await inspect(REF(version), {}, { version });
    const mediaType =
      version === '0.10.5'
        ? 'application/vnd.docker.distribution.manifest.list.v2+json'
        : 'application/vnd.oci.image.index.v1+json';
    expect(r).toEqual({
      code: 0,
      stdout: [
        REF(version),
        `index sha256:${index}  1.6 KiB  ${mediaType}`,
        '',
        'PLATFORM       DIGEST               SIZE   MEDIA TYPE',
        'linux/amd64    sha256:11a125ddd795  476 B  application/vnd.oci.image.manifest.v1+json',
        `  attestation  sha256:${att1}  565 B  application/vnd.oci.image.manifest.v1+json`,
        'linux/arm64    sha256:6c5dc8318803  476 B  application/vnd.oci.image.manifest.v1+json',
        `  attestation  sha256:${att2}  565 B  application/vnd.oci.image.manifest.v1+json`,
        '',
      ].join('\n'),
      stderr: '',
      calls: [
        ['docker', 'buildx', 'version'],
        ['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .}}', REF(version)],
      ],
    });
  });

  it('--json: one document, the report as parsed', async () => {
    const r = await inspect(REF('0.29.1'), {}, { json: true, version: '0.29.1' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['ok', 'image']);
    expect(doc.ok).toBe(true);
    expect(doc.image).toMatchObject({
      ref: REF('0.29.1'),
      kind: 'index',
      digest: 'sha256:7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0',
      size: 1607,
    });
    expect(doc.image.platforms.map((p: { platform: string }) => p.platform)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('--raw: the manifest byte for byte, no newline added, no version call', async () => {
    const r = await inspect(REF('0.13.1'), { raw: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(capture('0.13.1', 'imagetools-raw').stdout);
    expect(r.stderr).toBe('');
    expect(r.calls).toEqual([['docker', 'buildx', 'imagetools', 'inspect', '--raw', REF('0.13.1')]]);
  });
});

describe('--expect-platforms', () => {
  it('passes with short forms, and says so on stderr', async () => {
    const r = await inspect(REF('0.13.1'), { expectPlatforms: ['amd64', 'linux/arm64/v8'], exact: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `✓ ${REF('0.13.1')} has exactly the expected platforms: linux/amd64, linux/arm64\n`,
    );
  });

  it('exits 3 naming what is missing; the table is still printed', async () => {
    const r = await inspect(REF('0.13.1'), { expectPlatforms: ['linux/amd64', 'linux/arm/v7', 's390x'] });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('linux/arm64    sha256:6c5dc8318803');
    expect(r.stderr).toBe(
      [
        `error: ${REF('0.13.1')} does not have the expected platforms: missing linux/arm/v7, linux/s390x`,
        `  → Build and push exactly these: mpb build --platform linux/amd64,linux/arm/v7,linux/s390x -t ${REF('0.13.1')} --push .`,
        '',
      ].join('\n'),
    );
  });

  it('extra platforms fail only with --exact', async () => {
    expect((await inspect(REF('0.13.1'), { expectPlatforms: ['linux/amd64'] })).code).toBe(0);
    const r = await inspect(REF('0.13.1'), { expectPlatforms: ['linux/amd64'], exact: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: \S+ does not have the expected platforms: not expected linux\/arm64\n/);
  });

  it('--json: the check and the error in the one document, exit 3', async () => {
    const r = await inspect(
      REF('0.13.1'),
      { expectPlatforms: ['linux/amd64', 'linux/riscv64'] },
      { json: true },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.check).toEqual({
      expected: ['linux/amd64', 'linux/riscv64'],
      exact: false,
      missing: ['linux/riscv64'],
      extra: ['linux/arm64'],
      ok: false,
    });
    expect(doc.errors).toEqual([
      {
        message: `${REF('0.13.1')} does not have the expected platforms: missing linux/riscv64`,
        hint: `Build and push exactly these: mpb build --platform linux/amd64,linux/riscv64 -t ${REF('0.13.1')} --push .`,
      },
    ]);
  });

  it('with --raw: the manifest untouched on stdout, the verdict from it', async () => {
    const r = await inspect(
      REF('0.29.1'),
      { raw: true, expectPlatforms: ['linux/ppc64le'] },
      { version: '0.29.1' },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(capture('0.29.1', 'imagetools-raw').stdout);
    expect(r.stderr).toMatch(/^error: .* missing linux\/ppc64le\n/);
  });
});

describe('checkPlatforms', () => {
  const parsed = parseImagetoolsJson(capture('0.13.1', 'imagetools-json').stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const withUnknown = {
    ...parsed.value,
    platforms: [...parsed.value.platforms, { ...parsed.value.platforms[0]!, platform: 'unknown' }],
  };
  it.each([
    [['linux/amd64', 'linux/arm64'], true, { missing: [], extra: [], ok: true }],
    [['linux/amd64'], false, { missing: [], extra: ['linux/arm64'], ok: true }],
    [['linux/amd64'], true, { missing: [], extra: ['linux/arm64'], ok: false }],
    [['linux/386'], false, { missing: ['linux/386'], extra: ['linux/amd64', 'linux/arm64'], ok: false }],
  ])('expects %j (exact %s)', (expected, exact, verdict) => {
    expect(checkPlatforms(parsed.value, expected, exact)).toEqual({ expected, exact, ...verdict });
  });
  it('an entry without a platform stays `unknown`, not linux/unknown', () => {
    expect(checkPlatforms(withUnknown, ['linux/amd64', 'linux/arm64'], true).extra).toEqual(['unknown']);
  });
});

describe('refusals and failures', () => {
  it.each<[string, InspectOptions, boolean, RegExp]>([
    ['--raw with --json', { raw: true }, true, /^--raw and --json cannot be used together$/],
    ['--exact alone', { exact: true }, false, /^--exact needs --expect-platforms$/],
    [
      'a platform that is none',
      { expectPlatforms: ['linux/amd64', 'not a platform'] },
      false,
      /"not a platform" is not a platform/,
    ],
  ])('%s: usage error, exit 2, nothing run', async (_name, options, json, message) => {
    const r = await inspect('r:1', options, { json });
    expect(r.code).toBe(2);
    expect(r.calls).toEqual([]);
    const text = json
      ? JSON.parse(r.stdout).errors[0].message
      : r.stderr.split('\n')[0]!.replace(/^error: /, '');
    expect(text).toMatch(message);
  });

  it.each<[string, FakeRow, string]>([
    [
      'a missing tag (capture imagetools-missing)',
      [['docker', 'buildx', 'imagetools'], capture('0.29.1', 'imagetools-missing')],
      'error: localhost:5000/capture/nosuch:1 was not found: localhost:5000 has no such image or tag\n',
    ],
    [
      'a closed port (capture imagetools-noregistry)',
      [['docker', 'buildx', 'imagetools'], capture('0.29.1', 'imagetools-noregistry')],
      'error: cannot reach the registry localhost:5000: failed to do request: Head "http://127.0.0.1:5999/v2/x/y/manifests/1": dial tcp 127.0.0.1:5999: connect: connection refused\n',
    ],
  ])('%s: exit 1, its own message, no stack', async (_name, row, first) => {
    const rows: FakeRow[] = [[['docker', 'buildx', 'version'], capture('0.29.1', 'version')], row];
    const r = await inspect('localhost:5000/capture/nosuch:1', {}, { rows });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(first)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
