// Issue 22 on the README's own example builder `qemu` (written for an Apple Silicon Mac: arm64 native, amd64
// emulated) on an amd64 Docker host (the fake's `Server.Arch`): what the node runs comes from the node, so amd64
// is native and arm64 emulated, in the routing, the dry run and ensure's health, and the declaration is warned.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runMpb } from '../helpers/built-cli.js';
import { type FakeDocker, withFakeDocker } from '../helpers/fake-docker.js';

const EXAMPLE = join(ROOT, 'builders.example.yaml');
const MISMATCH =
  'node "qemu0" declares linux/arm64 native, but it runs linux/amd64 (its Docker host): linux/arm64 is emulated there';

describe('the example builder `qemu` on an amd64 Docker host', () => {
  let fake: FakeDocker;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    fake = await withFakeDocker({ mode: 'path', daemon: true });
    env = cleanEnv({ ...fake.env, HOME: mkdtempSync(join(tmpdir(), 'mpb-home-')) });
  });
  afterAll(() => fake?.cleanup());

  const mpb = (args: string[]) => runMpb(['--config', EXAMPLE, ...args], { env });

  it('build --dry-run routes amd64 as native and arm64 as emulated, and warns about the declaration', () => {
    const r = mpb(['--json', 'build', '--builder', 'qemu', '-p', 'amd64,arm64', '--dry-run', '.']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.routes.map((x: { platform: string; verdict: string }) => [x.platform, x.verdict])).toEqual([
      ['linux/amd64', 'native'],
      ['linux/arm64', 'emulated'],
    ]);
    expect(doc.warnings.join('\n')).toContain(MISMATCH);
    // The node said it, through the probe of its Docker host: the preflight keeps it.
    expect(doc.ensure.preflight[0].native).toEqual({ platforms: ['linux/amd64'], source: 'docker-host' });
  });

  it('--native-only refuses arm64: the node emulates it, whatever the file says', () => {
    const r = mpb(['build', '--builder', 'qemu', '-p', 'arm64', '--native-only', '--dry-run', '.']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--native-only: linux/arm64 would be emulated (QEMU)');
  });

  it("doctor warns (exit 0) with the node's own word and what to write instead", () => {
    const r = mpb(['--json', 'doctor', 'qemu']);
    const check = JSON.parse(r.stdout).checks.find((c: { code: string }) => c.code === 'platform.emulated');
    expect(check).toMatchObject({ ok: true, warning: true });
    expect(check.detail).toContain(MISMATCH);
    expect(check.fix).toContain('Write linux/arm64 under emulate:');
  });

  it("ensure-builder's health shows amd64 native, arm64 emulated, and the warning once", () => {
    const r = mpb(['ensure-builder', 'qemu']);
    expect(r.code, r.stderr).toBe(0);
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out.split(MISMATCH).length - 1).toBe(1);
    const json = JSON.parse(mpb(['--json', 'ensure-builder', 'qemu']).stdout);
    const node = json.builders?.[0]?.health?.nodes?.[0] ?? json.health?.nodes?.[0];
    expect(node).toMatchObject({
      nativeSource: 'docker-host',
      emulated: expect.arrayContaining(['linux/arm64']),
    });
    expect(node.native).toContain('linux/amd64');
  });
});
