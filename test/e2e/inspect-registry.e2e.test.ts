// Real tier: `mpb inspect` against a real docker-registry on 127.0.0.1, with real buildx 0.13.1 and 0.29.1.
// The multi-platform image is made here: single-platform OCI layouts pushed by skopeo, joined by
// real `docker buildx imagetools create`. Nothing is pulled from the internet.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createRunner } from '../../src/buildx/exec.js';
import { expectOk } from '../../src/buildx/run-result.js';
import { runMpb } from '../helpers/built-cli.js';
import { e2eWorld, type SuiteBuildx } from '../helpers/e2e-world.js';
import {
  type Descriptor,
  freePort,
  HTPASSWD,
  type Registry,
  startRegistry,
  writeAttestedLayout,
  writeImageLayout,
} from '../helpers/registry.js';
import { itUnless } from '../helpers/skip.js';

const run = createRunner();
const world = await e2eWorld({ tools: ['docker-registry', 'skopeo'] });
const usable = world.suites.map(([suite]) => world.suite(suite)).filter((bx) => !bx.skip);
const temp = world.temp('mpb-inspect-e2e-');

/** The env of a DOCKER_CONFIG holding the suite's buildx and, optionally, registry credentials. */
function envWith(bx: SuiteBuildx, auths?: Record<string, string>): NodeJS.ProcessEnv {
  const { dockerConfig, env } = bx.dockerEnv();
  const encode = (userPass: string) => ({ auth: Buffer.from(userPass).toString('base64') });
  if (auths) {
    const entries = Object.entries(auths).map(([host, userPass]) => [host, encode(userPass)]);
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: Object.fromEntries(entries) }));
  }
  return env;
}

let open: Registry;
let locked: Registry;
let closedPort: number;
const images: Record<string, Descriptor> = {};
let attested: ReturnType<typeof writeAttestedLayout>;

beforeAll(async () => {
  if (usable.length === 0) return;
  [open, locked, closedPort] = await Promise.all([
    startRegistry(),
    startRegistry({ htpasswd: HTPASSWD }),
    freePort(),
  ]);
  const platforms = {
    amd64: { os: 'linux', architecture: 'amd64' },
    arm64: { os: 'linux', architecture: 'arm64' },
  };
  for (const [tag, platform] of Object.entries({
    ...platforms,
    armv7: { os: 'linux', architecture: 'arm', variant: 'v7' },
  })) {
    images[tag] = writeImageLayout(join(temp, tag), platform);
    await open.push(join(temp, tag), `test/app:${tag}`);
  }
  await locked.push(join(temp, 'amd64'), 'test/app:amd64');
  attested = writeAttestedLayout(join(temp, 'attested'), platforms.amd64);
  await open.push(join(temp, 'attested'), 'test/app:attested');
  const sources = ['amd64', 'arm64', 'armv7'].map((tag) => `${open.host}/test/app:${tag}`);
  const create = ['buildx', 'imagetools', 'create', '-t', `${open.host}/test/app:multi`, ...sources];
  const withBuildx = createRunner({ env: envWith(usable[0]!) });
  expectOk(await withBuildx('docker', create, { timeoutMs: 60_000 }), 'imagetools create');
}, 600_000);

afterAll(() => Promise.all([open?.stop(), locked?.stop()]));

// The registry's own view, read by skopeo rather than buildx, to compare --raw with.
async function skopeoRaw(ref: string): Promise<string> {
  return expectOk(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const row = (platform: string, d: Descriptor) =>
  new RegExp(
    `^${platform}\\s+${d.digest.slice(0, 19)}\\s+${d.size} B\\s+${OCI_MANIFEST.replaceAll('.', '\\.').replace('+', '\\+')}$`,
    'm',
  );

const VERSIONS = world.suites.map(([suite, version]) => [version, suite] as const);
describe.each(VERSIONS)('mpb inspect with real buildx %s', (_version, suite) => {
  const bx = world.suite(suite);
  const check = itUnless(bx.skip, 60_000);
  const mpb = (args: string[], auths?: Record<string, string>) =>
    runMpb(['inspect', ...args], { env: envWith(bx, auths) });

  check('a table of the three platforms that imagetools create joined', () => {
    const r = mpb([`${open.host}/test/app:multi`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PLATFORM\s+DIGEST\s+SIZE\s+MEDIA TYPE$/m);
    expect(r.stdout).toMatch(row('linux/amd64', images['amd64']!));
    expect(r.stdout).toMatch(row('linux/arm64', images['arm64']!));
    expect(r.stdout).toMatch(row('linux/arm/v7', images['armv7']!));
  });

  check('--json: the same digests, and the index digest is the hash of the registry bytes', async () => {
    const r = mpb([`${open.host}/test/app:multi`, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const raw = await skopeoRaw(`${open.host}/test/app:multi`);
    expect(doc.ok).toBe(true);
    expect(doc.image.digest).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    expect(doc.image.platforms).toEqual([
      { platform: 'linux/amd64', ...images['amd64'], mediaType: OCI_MANIFEST, attestations: [] },
      { platform: 'linux/arm64', ...images['arm64'], mediaType: OCI_MANIFEST, attestations: [] },
      { platform: 'linux/arm/v7', ...images['armv7'], mediaType: OCI_MANIFEST, attestations: [] },
    ]);
  });

  check('an attestation manifest is listed under its image, not as unknown/unknown', () => {
    const doc = JSON.parse(mpb([`${open.host}/test/app:attested`, '--json']).stdout);
    expect(doc.image.digest).toBe(attested.index.digest);
    expect(doc.image.platforms).toEqual([
      {
        platform: 'linux/amd64',
        ...attested.image,
        mediaType: OCI_MANIFEST,
        attestations: [{ ...attested.attestation, mediaType: OCI_MANIFEST }],
      },
    ]);
    const table = mpb([`${open.host}/test/app:attested`]).stdout;
    expect(table).toMatch(row('  attestation', attested.attestation));
    expect(table).not.toContain('unknown');
  });

  check('a single manifest shows its platform from the image config', () => {
    const doc = JSON.parse(mpb([`${open.host}/test/app:arm64`, '--json']).stdout);
    expect(doc.image).toMatchObject({ kind: 'manifest', ...images['arm64'] });
    expect(doc.image.platforms.map((p: { platform: string }) => p.platform)).toEqual(['linux/arm64']);
  });

  check('--raw prints the registry bytes untouched', async () => {
    const r = mpb([`${open.host}/test/app:multi`, '--raw']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await skopeoRaw(`${open.host}/test/app:multi`));
  });

  check('--expect-platforms passes with short forms, and with --exact when nothing else is there', () => {
    const r = mpb([
      `${open.host}/test/app:multi`,
      '--expect-platforms',
      'amd64,linux/arm64,linux/arm/v7',
      '--exact',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`✓ ${open.host}/test/app:multi has exactly the expected platforms`);
  });

  check('--expect-platforms exits 3 naming what is missing, and with --exact what is extra', () => {
    const missing = mpb([`${open.host}/test/app:multi`, '--expect-platforms', 'linux/amd64,linux/s390x']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      `error: ${open.host}/test/app:multi does not have the expected platforms: missing linux/s390x\n`,
    );
    const extra = mpb([
      `${open.host}/test/app:multi`,
      '--expect-platforms',
      'linux/amd64,linux/arm64',
      '--exact',
    ]);
    expect(extra.code).toBe(3);
    expect(extra.stderr).toContain('does not have the expected platforms: not expected linux/arm/v7\n');
  });

  check('a missing tag', () => {
    const r = mpb([`${open.host}/test/app:nosuch`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `error: ${open.host}/test/app:nosuch was not found: ${open.host} has no such image or tag\n`,
    );
  });

  check('a closed port', () => {
    const r = mpb([`127.0.0.1:${closedPort}/test/app:1`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: cannot reach the registry 127.0.0.1:${closedPort}: failed to do request: Head "http://127.0.0.1:${closedPort}/v2/test/app/manifests/1": dial tcp 127.0.0.1:${closedPort}: connect: connection refused\n`,
    );
  });

  check('authentication: no login, a wrong password, then the right one', () => {
    const ref = `${locked.host}/test/app:amd64`;
    const none = mpb([ref]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      `error: ${locked.host} refused access to ${ref}: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials\n`,
    );
    expect(none.stderr).toContain(`docker login ${locked.host}`);
    const wrong = mpb([ref], { [locked.host]: 'mpb:wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `error: ${locked.host} refused access to ${ref}: unexpected status from HEAD request to http://${locked.host}/v2/test/app/manifests/amd64: 401 Unauthorized\n`,
    );
    expect(mpb([ref], { [locked.host]: 'mpb:secret' }).code).toBe(0);
  });
});
