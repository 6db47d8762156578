// `mpb build` end to end on the fake buildx (each version): ensure, routing, refusals before anything is built,
// the exact `buildx build` argv per flag, the summary from the metadata file, exit codes and Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPB_BIN } from '../helpers/built-cli.js';
import { type FakeDocker, type FakeVersion, withFakeDocker } from '../helpers/fake-docker.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { closedPort, type Listener, loopbackListeners } from '../helpers/listeners.js';
import { loopbackConfig } from '../helpers/loopback-config.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

let ports: { amd64: number; arm64: number; qemu: number; closed: number };
let listeners: Listener[];

beforeAll(async () => {
  listeners = await loopbackListeners(3);
  const [amd64, arm64, qemu] = listeners.map((l) => l.port);
  ports = { amd64: amd64!, arm64: arm64!, qemu: qemu!, closed: await closedPort() };
});
afterAll(() => Promise.all(listeners.map((l) => l.close())));

// fleet: two remote nodes, each native for its platform (the fake's default worker is an amd64 host; arm64 is
// set below). qemu: an amd64 host that serves arm64 by emulation. broken: its second node is down.
const config = () =>
  loopbackConfig(
    {
      fleet: [
        { name: 'amd64', port: ports.amd64, platforms: ['linux/amd64'] },
        { name: 'arm64', port: ports.arm64, platforms: ['linux/arm64'] },
      ],
      qemu: [{ name: 'qemu0', port: ports.qemu, platforms: ['linux/amd64'], emulate: ['linux/arm64'] }],
      broken: [
        { name: 'amd64', port: ports.amd64, platforms: ['linux/amd64'] },
        { name: 'dead', port: ports.closed, platforms: ['linux/arm64'] },
      ],
    },
    'fleet',
  );

async function setup(
  version: FakeVersion,
  options: {
    daemon?: boolean;
    fail?: { command: string; exit: number }[];
    noConfig?: boolean;
    /** A fake set up by the test itself (another mode, slow calls). */
    fake?: FakeDocker;
  } = {},
): Promise<FlowWorld> {
  const { daemon, fail, fake, noConfig } = options;
  const w = await flowWorld({ version, daemon, fail, fake, config: noConfig ? undefined : config() });
  w.fake.setState((s) => {
    s.workers[`tcp://127.0.0.1:${ports.arm64}`] = { platforms: ['linux/arm64'] };
    s.workers[`tcp://127.0.0.1:${ports.qemu}`] = { preset: 'buildkit-v0.32.2' };
    s.down.push(`tcp://127.0.0.1:${ports.closed}`);
  });
  mkdirSync(join(w.dir, 'app'));
  writeFileSync(
    join(w.dir, 'app', 'Dockerfile'),
    'FROM scratch\nARG TARGETPLATFORM\nCOPY hello.txt /hello.txt\n',
  );
  writeFileSync(join(w.dir, 'app', 'hello.txt'), 'hello\n');
  return w;
}

const mpb = (w: FlowWorld, args: string[], cwd = w.dir) => w.mpb(args, { cwd });
const buildCalls = (w: FlowWorld) => w.buildxCalls('build');
const mutations = (w: FlowWorld) =>
  w.fake.calls().filter((c) => c[1] === 'buildx' && ['create', 'rm', 'use', 'build'].includes(c[2] ?? ''));
/** The argv of the one build, with mpb's temp metadata file replaced. */
function builtArgv(w: FlowWorld): string[] {
  const calls = buildCalls(w);
  expect(calls).toHaveLength(1);
  return calls[0]!.map((a) => (/mpb-build-\w+\/job-\d+\.json$/.test(a) ? '$META' : a));
}

describe.each(VERSIONS)('mpb build on buildx %s', (version) => {
  it('ensures the fleet, builds each platform on its native node, and sums up from the metadata file', async () => {
    const w = await setup(version);
    const r = await mpb(w, [
      'build',
      '-p',
      'amd64,linux/arm64/v8',
      '-t',
      'localhost:5000/app:1',
      '--push',
      'app',
    ]);
    expect(r.stderr).toContain(
      'PLATFORM     NODE   BUILD\nlinux/amd64  amd64  native\nlinux/arm64  arm64  native\n',
    );
    expect(r.exitCode).toBe(0);
    expect(builtArgv(w)).toEqual([
      'docker',
      'buildx',
      'build',
      '--builder',
      'fleet',
      '--platform',
      'linux/amd64,linux/arm64',
      '--tag',
      'localhost:5000/app:1',
      '--push',
      '--metadata-file',
      '$META',
      'app',
    ]);
    const state = w.fake.state();
    expect(state.builds.map((b) => b.routing)).toEqual([{ 'linux/amd64': 'amd64', 'linux/arm64': 'arm64' }]);
    const digest = state.registry['localhost:5000/app:1'];
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const meta = buildCalls(w)[0]!.find((a) => a.endsWith('metadata.json'))!;
    expect(existsSync(meta)).toBe(false);
    // The summary, then the build report (issue 16) after it, which alone carries the per-platform rows.
    const [summary, report] = r.stdout.replace(/in [\d.]+ m?s/, 'in TIME').split(/\n(?=single build in)/);
    expect(`${summary}\n`).toBe(
      [
        '✓ built on builder "fleet" in TIME',
        '  image   localhost:5000/app:1',
        `  digest  ${digest}`,
        '',
      ].join('\n'),
    );
    expect(report).toMatch(/^single build in .*\n {2}PLATFORM {5}NODE {3}BUILT ON/);
  });

  it('refuses a platform no node serves, before building (capture build-noplatform-node)', async () => {
    const w = await setup(version);
    const r = await mpb(w, [
      'build',
      '-p',
      'linux/amd64,linux/riscv64',
      '-t',
      'localhost:5000/app:1',
      '--push',
      'app',
    ]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(
      'error: not building: no node serves linux/riscv64: buildx would build it on node "amd64" anyway\n',
    );
    expect(buildCalls(w)).toEqual([]);
  });

  it('passes buildx exit code back', async () => {
    const w = await setup(version, { fail: [{ command: 'build', exit: 7 }] });
    const r = await mpb(w, ['build', '-p', 'amd64', 'app']);
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('error: docker buildx build exited with 7\n');
    expect(buildCalls(w)).toHaveLength(1);
  });

  it('two platforms on one node: each report row its own steps from `history logs`, not the node’s whole record', async () => {
    const w = await setup(version);
    const args = [
      '--json',
      'build',
      '--builder',
      'qemu',
      '-p',
      'amd64,arm64',
      '-t',
      'localhost:5000/q:1',
      '--push',
      'app',
    ];
    const rows = async () => {
      const r = await mpb(w, args);
      expect(r.exitCode, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { platforms: Record<string, unknown>[]; emulation: string };
      return doc;
    };
    const first = await rows();
    const history = Number(version.split('.')[1]) >= 23;
    // The record holds 5 vertices: the Dockerfile, .dockerignore and context loads shared, one COPY per platform.
    expect(first.platforms.map((p) => [p.platform, p.builtOn, p.cachedSteps, p.totalSteps])).toEqual(
      history
        ? [
            ['linux/amd64', 'qemu0', 0, 1],
            ['linux/arm64', 'qemu0', 0, 1],
          ]
        : [
            ['linux/amd64', null, null, null],
            ['linux/arm64', null, null, null],
          ],
    );
    // No RUN step ran natively beside the emulated one: the range is the typical one, and says so.
    expect(first.emulation).toContain('typically 4–10× faster (a typical range, not measured in this build)');
    if (!history) return;
    const again = await rows();
    expect(again.platforms.map((p) => [p.cachedSteps, p.totalSteps])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const logs = w.fake.calls().filter((c) => c[2] === 'history' && c[3] === 'logs');
    expect(logs.at(-1)).toEqual(expect.arrayContaining(['--builder', 'qemu', '--progress', 'rawjson']));
  });
});

describe.each(VERSIONS)('mpb build refusals on buildx %s: exit code, and nothing built', (version) => {
  it('--load with two platforms: exit 2 before ensure touches anything (capture build-load-multi)', async () => {
    const w = await setup(version);
    const r = await mpb(w, ['build', '-p', 'amd64,arm64', '--load', 'app']);
    expect(r.exitCode).toBe(2);
    // Why (the image store docker info shows, or this buildx) is build-flags.test.ts's, on the fake engine.
    expect(r.stderr).toContain(
      'error: not building: --load of several platforms (linux/amd64, linux/arm64): ',
    );
    expect(r.stderr).toContain('or load one platform (--platform linux/amd64).\n');
    expect(mutations(w)).toEqual([]);
  });

  it('an emulated platform under --native-only: exit 3; without it, a warning and the build', async () => {
    const w = await setup(version);
    const args = [
      'build',
      '--builder',
      'qemu',
      '-p',
      'amd64,arm64',
      '-t',
      'localhost:5000/q:1',
      '--push',
      'app',
    ];
    const strict = await mpb(w, [...args, '--native-only']);
    expect(strict.exitCode).toBe(3);
    expect(strict.stderr).toContain('linux/arm64  qemu0  emulated (QEMU)\n');
    expect(strict.stderr).toContain(
      'error: not building: --native-only: linux/arm64 would be emulated (QEMU) on node "qemu0"\n',
    );
    expect(buildCalls(w)).toEqual([]);
    const r = await mpb(w, args);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(
      'warning: linux/arm64 will be emulated (QEMU) on node "qemu0": expect it to be several times slower\n',
    );
    expect(buildCalls(w)).toHaveLength(1);
  });

  it('a node down that a platform needs: exit 3, --allow-degraded neither suggested nor obeyed; it builds what is on nodes that are up', async () => {
    const w = await setup(version);
    const both = ['build', '--builder', 'broken', '-p', 'amd64,arm64', '-t', 'localhost:5000/b:1', '--push'];
    const fix =
      '  → Bring node "dead" back (mpb doctor shows why it is down), or build the rest without it: --platform linux/amd64. --allow-degraded does not help: it never builds on a node that is down.\n';
    const r = await mpb(w, [...both, 'app']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(
      'error: not building: builder "broken" is unhealthy after ensure-builder\n  node "dead" is down, and linux/arm64 is built there\n',
    );
    expect(r.stderr).toContain(fix);
    expect(r.stderr).not.toContain('pass --allow-degraded');
    expect(buildCalls(w)).toEqual([]);
    // Issue 22: buildx used to wait ~20 s on the dead node, and mpb said it "stopped answering while building".
    const refused = await mpb(w, [...both, '--allow-degraded', 'app']);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain(
      '  node "dead" is down, and linux/arm64 is built there (--allow-degraded builds only on nodes that are up)\n',
    );
    expect(refused.stderr).toContain(fix);
    expect(refused.stderr).not.toContain('node.died');
    expect(buildCalls(w)).toEqual([]);
    // Every platform asked for on a node that is up: now --allow-degraded is the way, and it builds.
    const amd64 = ['build', '--builder', 'broken', '-p', 'amd64', '-t', 'localhost:5000/b:1', '--push'];
    const offered = await mpb(w, [...amd64, 'app']);
    expect(offered.exitCode).toBe(3);
    expect(offered.stderr).toContain(
      '  → Fix the nodes above (mpb doctor broken), or pass --allow-degraded: every requested platform is still built on a node that is up.\n',
    );
    expect(buildCalls(w)).toEqual([]);
    const degraded = await mpb(w, [...amd64, '--allow-degraded', 'app']);
    expect(degraded.exitCode).toBe(0);
    expect(w.fake.state().builds.map((b) => b.routing)).toEqual([{ 'linux/amd64': 'amd64' }]);
  });

  it('a build that exports nothing says its result stays in the build cache, in the dry run and the summary', async () => {
    const w = await setup(version);
    const args = ['build', '-p', 'amd64', '-t', 'localhost:5000/c:1', 'app'];
    const note =
      'warning: no --push, --load or --output: the result stays in the build cache only. To get the image out, add --push (with -t REPO:TAG), --load, or -o type=oci,dest=FILE (or type=local,dest=DIR).\n';
    const dry = await mpb(w, [...args, '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain(note);
    expect(dry.stdout).toContain(
      '\n# exports nothing: the result would stay in the build cache only (add --push with -t, --load, or -o type=…)\n',
    );
    const r = await mpb(w, args);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(note);
    const summary = r.stdout.replace(/in [\d.]+ m?s/, 'in TIME').split(/\n(?=single build in)/)[0];
    expect(summary).toContain(
      '✓ built on builder "fleet" in TIME: the result is in the build cache only\n  nothing exported it (no --push, --load or --output). To get the image out,\n  build again with --push (and -t REPO:TAG), --load or -o type=oci,dest=FILE.\n',
    );
    expect(summary).toMatch(/\n {2}tag\s+localhost:5000\/c:1 \(not exported\)/);
    expect(summary).not.toMatch(/image\s+localhost:5000\/c:1/);
    expect(w.fake.state().registry['localhost:5000/c:1']).toBeUndefined();
    // An exporter after `--` counts.
    const out = await mpb(w, [...args, '--', '--output', 'type=local,dest=out']);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).not.toContain('build cache only');
    expect(out.stdout).not.toContain('build cache only');
  });

  it('a platform that is not one: exit 2, nothing run', async () => {
    const w = await setup(version);
    const r = await mpb(w, ['build', '-p', 'linux/amd64,banana', 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: --platform: "banana" is not a platform\n');
    expect(w.fake.calls()).toEqual([]);
  });
});

describe.each(VERSIONS)("buildx's own builders on buildx %s, with no config file", (version) => {
  it('builds on `default` as buildx has it: no ensure, routing from what buildx reports', async () => {
    const w = await setup(version, { daemon: true, noConfig: true });
    const r = await mpb(w, [
      'build',
      '--builder',
      'default',
      '-p',
      'arm64',
      '-t',
      'localhost:5000/d:1',
      '--push',
      'app',
    ]);
    expect(r.stderr).toContain('PLATFORM     NODE     BUILD\nlinux/arm64  default  emulated (QEMU)\n');
    expect(r.exitCode).toBe(0);
    expect(mutations(w).map((c) => c[2])).toEqual(['build']);
  });

  it('`default` without a Docker daemon: its context is probed, docker.down named before buildx runs, exit 3', async () => {
    // buildx lists no node for it then (capture ls-empty); 'path': the fake docker answers for the context.
    const fake = await withFakeDocker({ version, mode: 'path' });
    const w = await setup(version, { fake, noConfig: true });
    const r = await mpb(w, ['--json', 'build', '--builder', 'default', '-p', 'amd64', 'app']);
    expect(r.exitCode).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.preflight).toMatchObject([
      { builder: 'default', node: 'default', endpoint: 'default', state: 'down', code: 'docker.down' },
    ]);
    expect(doc.errors[0]).toMatchObject({
      code: 'docker.down',
      message: expect.stringContaining('Docker daemon'),
    });
    expect(buildCalls(w)).toEqual([]);
  });

  it('refuses several platforms on the docker driver (capture default-build-multi)', async () => {
    const w = await setup(version, { daemon: true, noConfig: true });
    const r = await mpb(w, ['build', '--builder', 'default', '-p', 'amd64,arm64', 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'error: not building: builder "default" uses the docker driver, which cannot build several platforms in one build (linux/amd64, linux/arm64)\n',
    );
    expect(buildCalls(w)).toEqual([]);
  });
});

describe('mpb build flags, on buildx 0.29.1', () => {
  it('passes every flag to buildx in order, the words after -- before the context', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, [
      'build',
      '-p',
      'amd64',
      '-t',
      'localhost:5000/f:1',
      '--tag',
      'localhost:5000/f:latest',
      '-f',
      'app/Dockerfile',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=two words',
      '--load',
      '--cache-from',
      'type=local,src=cache',
      '--cache-to',
      'type=local,dest=cache',
      '--secret',
      'id=s,src=app/hello.txt',
      '--ssh',
      'default',
      '--label',
      'org.example=1',
      '--progress',
      'plain',
      '--provenance',
      'false',
      '--sbom',
      'true',
      '--metadata-file',
      'meta.json',
      '--pull',
      '--no-cache',
      'app',
      '--',
      '--shm-size',
      '2g',
    ]);
    expect(r.exitCode).toBe(0);
    expect(builtArgv(w)).toEqual([
      'docker',
      'buildx',
      'build',
      '--builder',
      'fleet',
      '--platform',
      'linux/amd64',
      '--tag',
      'localhost:5000/f:1',
      '--tag',
      'localhost:5000/f:latest',
      '--file',
      'app/Dockerfile',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=two words',
      '--load',
      '--cache-from',
      'type=local,src=cache',
      '--cache-to',
      'type=local,dest=cache',
      '--secret',
      'id=s,src=app/hello.txt',
      '--ssh',
      'default',
      '--label',
      'org.example=1',
      '--progress',
      'plain',
      '--provenance=false',
      '--sbom=true',
      '--metadata-file',
      'meta.json',
      '--pull',
      '--no-cache',
      '--shm-size',
      '2g',
      'app',
    ]);
    // The user's metadata file stays, and the summary reads it.
    expect(existsSync(join(w.dir, 'meta.json'))).toBe(true);
    expect(r.stdout).toContain(
      '  image   localhost:5000/f:1\n  image   localhost:5000/f:latest\n  digest  sha256:',
    );
  });

  it('-o and --target; `mpb build -- ARGS` builds the current directory', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(
      w,
      [
        'build',
        '-p',
        'arm64',
        '-o',
        'type=oci,dest=out.tar',
        '--target',
        'final',
        '--',
        '--attest',
        'type=sbom',
      ],
      join(w.dir, 'app'),
    );
    expect(r.exitCode).toBe(0);
    expect(builtArgv(w).slice(5)).toEqual([
      '--platform',
      'linux/arm64',
      '--output',
      'type=oci,dest=out.tar',
      '--target',
      'final',
      '--metadata-file',
      '$META',
      '--attest',
      'type=sbom',
      '.',
    ]);
  });

  it('--dry-run prints the ensure plan and the buildx command, and changes nothing', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, [
      'build',
      '--dry-run',
      '-p',
      'amd64,arm64',
      '-t',
      'localhost:5000/app:1',
      '--push',
      'app',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Plan for builder "fleet" (dry run: nothing changed)\n');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'docker buildx build --builder fleet --platform linux/amd64,linux/arm64 --tag localhost:5000/app:1 --push app',
    );
    expect(r.stderr).toContain('linux/amd64  amd64  native\nlinux/arm64  arm64  native\n');
    expect(mutations(w)).toEqual([]);
  });

  it('--no-ensure reads the builder and builds: no create, no bootstrap', async () => {
    const w = await setup('0.29.1');
    expect((await mpb(w, ['build', '-p', 'amd64', 'app'])).exitCode).toBe(0);
    const before = w.fake.calls().length;
    const r = await mpb(w, ['build', '--no-ensure', '-p', 'amd64', 'app']);
    expect(r.exitCode).toBe(0);
    expect(
      w.fake
        .calls()
        .slice(before)
        .map((c) => c.slice(1, 3).join(' '))
        // After the build the report reads buildx's history (issue 16); nothing else changes. The first build
        // left buildx's version remembered for this plugin binary (issue 15), so it is not asked again.
        .filter((c) => c !== 'buildx history'),
    ).toEqual(['buildx inspect', 'buildx build']);
  });

  it('--json: one document on stdout with the digest; buildx output on stderr', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, [
      '--json',
      'build',
      '-p',
      'amd64,arm64',
      '-t',
      'localhost:5000/j:1',
      '--push',
      'app',
    ]);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      dryRun: false,
      builder: 'fleet',
      declared: true,
      // After a build, `platforms` is the report's (issue 16); the requested list is `requested`.
      requested: ['linux/amd64', 'linux/arm64'],
      strategy: 'single',
      routes: [
        { platform: 'linux/amd64', node: 'amd64', verdict: 'native', nodeDown: false },
        { platform: 'linux/arm64', node: 'arm64', verdict: 'native', nodeDown: false },
      ],
      images: ['localhost:5000/j:1'],
      digest: w.fake.state().registry['localhost:5000/j:1'],
      exitCode: 0,
    });
    expect(doc.ensure.health.state).toBe('healthy');
    expect(r.stderr).toContain('pushing layers');
  });
});

describe('mpb build without --platform, and refusals under --json (buildx 0.13.1)', () => {
  it('builds every platform the builder declares, each on its node', async () => {
    const w = await setup('0.13.1');
    const r = await mpb(w, ['build', '-t', 'localhost:5000/all:1', '--push', 'app']);
    expect(r.exitCode).toBe(0);
    expect(builtArgv(w).slice(5, 7)).toEqual(['--platform', 'linux/amd64,linux/arm64']);
    expect(w.fake.state().builds.map((b) => b.routing)).toEqual([
      { 'linux/amd64': 'amd64', 'linux/arm64': 'arm64' },
    ]);
  });

  it('a refusal is one JSON document with the routes and the reason', async () => {
    const w = await setup('0.13.1');
    const r = await mpb(w, ['--json', 'build', '-p', 'riscv64', 'app']);
    expect(r.exitCode).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: false,
      builder: 'fleet',
      routes: [{ platform: 'linux/riscv64', node: 'amd64', verdict: 'not-served', nodeDown: false }],
      errors: [{ message: 'no node serves linux/riscv64: buildx would build it on node "amd64" anyway' }],
    });
    expect(buildCalls(w)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  async function interrupt(mode: 'plugin' | 'path', signalGroup: boolean, signal: NodeJS.Signals = 'SIGINT') {
    const fake = await withFakeDocker({ version: '0.29.1', mode, slow: { build: 20_000 } });
    const w = await setup('0.29.1', { fake });
    // mpb's temp folder (the metadata file) goes here: nothing may be left in it.
    const tmp = mkdtempSync(join(w.dir, 'tmp-'));
    // detached: mpb leads its own process group, as a shell's foreground job does.
    const child = spawn(process.execPath, [MPB_BIN, 'build', '-p', 'amd64', 'app'], {
      cwd: w.dir,
      env: { ...w.env, TMPDIR: tmp },
      stdio: 'ignore',
      detached: signalGroup,
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (buildCalls(w).length === 0) await new Promise((r) => setTimeout(r, 50));
    if (signalGroup) process.kill(-child.pid!, signal);
    else child.kill(signal);
    const code = await exited;
    // mpb's own (Node 22+ may keep its compile cache in TMPDIR too).
    expect(readdirSync(tmp).filter((name) => name.startsWith('mpb-'))).toEqual([]);
    return { w, code };
  }

  it('in a terminal (the whole process group gets SIGINT): buildx stops, mpb exits 130', async () => {
    const { w, code } = await interrupt('plugin', true);
    expect(code).toBe(130);
    expect(w.fake.signals()).toContain('SIGINT');
    expect(w.fake.state().builds).toEqual([]);
  }, 30_000);

  it('during the preflight: mpb exits 130 once its docker calls end, and builds nothing', async () => {
    const fake = await withFakeDocker({ version: '0.29.1', mode: 'path', slow: { inspect: 20_000 } });
    const w = await setup('0.29.1', { fake });
    const child = spawn(process.execPath, [MPB_BIN, 'build', '-p', 'amd64', 'app'], {
      cwd: w.dir,
      env: w.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!w.fake.calls().some((c) => c[2] === 'inspect')) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    // Not carried on to a verdict or a build with the interrupted inspect's failure.
    expect(stderr).not.toMatch(/strategy:|error:/);
    expect(buildCalls(w)).toEqual([]);
  }, 30_000);

  it('SIGINT to mpb alone is forwarded to docker: buildx stops, mpb exits 130', async () => {
    const { w, code } = await interrupt('path', false);
    expect(code).toBe(130);
    expect(w.fake.signals()).toEqual(['SIGINT']);
    expect(w.fake.state().builds).toEqual([]);
  }, 30_000);

  it("SIGTERM to mpb alone (a CI runner's stop): buildx is stopped, the temp folder removed, mpb exits 143", async () => {
    const { w, code } = await interrupt('path', false, 'SIGTERM');
    expect(code).toBe(143);
    // mpb stops its children with SIGINT whatever stopped mpb: buildx cancels the build cleanly.
    expect(w.fake.signals()).toEqual(['SIGINT']);
    expect(w.fake.state().builds).toEqual([]);
  }, 30_000);
});
