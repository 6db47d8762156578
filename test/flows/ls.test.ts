// `mpb ls` / `mpb status` against the fake buildx of each output generation: converged, drifted, missing and
// undeclared builders, human output and the --json document, the exit codes and the buildx calls made.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FakeDockerOptions, findRealDocker, runMpb } from '../helpers/fake-docker.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { closedPort } from '../helpers/listeners.js';
import { itUnless } from '../helpers/skip.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

const AMD64_ALL = ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'];

function certsIn(dir: string) {
  const certs = join(dir, 'certs');
  mkdirSync(certs, { recursive: true });
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), '');
  return { ca: join(certs, 'ca.pem'), cert: join(certs, 'cert.pem'), key: join(certs, 'key.pem') };
}

/** A world whose config declares the fleet of the captures: two mTLS nodes, amd64 and arm64 pinned. */
async function declared(options: FakeDockerOptions, extra = ''): Promise<FlowWorld> {
  const w = await flowWorld(options);
  const tls = certsIn(w.dir);
  w.writeConfig(
    `version: 1
builders:
  fleet:
    driver: remote
    nodes:
      - name: linux-amd64
        endpoint: tcp://127.0.0.1:1234
        platforms: [linux/amd64]
        tls: { ca: ${tls.ca}, cert: ${tls.cert}, key: ${tls.key} }
      - name: linux-arm64
        endpoint: tcp://127.0.0.1:1235
        platforms: [linux/arm64]
        tls: { ca: ${tls.ca}, cert: ${tls.cert}, key: ${tls.key} }
${extra}`,
  );
  return w;
}

function createFleet(w: FlowWorld, arm64Endpoint = 'tcp://127.0.0.1:1235'): void {
  const tls = certsIn(w.dir);
  const opts = [
    '--driver-opt',
    `cacert=${tls.ca}`,
    '--driver-opt',
    `cert=${tls.cert}`,
    '--driver-opt',
    `key=${tls.key}`,
  ];
  const node = (name: string, platform: string, endpoint: string, append: string[]) => [
    'buildx',
    'create',
    '--name',
    'fleet',
    '--node',
    name,
    '--driver',
    'remote',
    ...append,
    '--platform',
    platform,
    ...opts,
    endpoint,
  ];
  w.docker(...node('linux-amd64', 'linux/amd64', 'tcp://127.0.0.1:1234', []));
  w.docker(...node('linux-arm64', 'linux/arm64', arm64Endpoint, ['--append']));
}

const mpb = (w: FlowWorld, ...args: string[]) => w.mpb(args);

describe.each(VERSIONS)('buildx %s', (version) => {
  it('a converged fleet: in sync, one ls (and one inspect where buildx has no JSON); undeclared default listed as such', async () => {
    const w = await declared({ version, mode: 'path' });
    createFleet(w);
    const before = w.fake.calls().length;
    const r = await mpb(w, '--json', 'ls');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, inSync: true, config: w.config });
    expect(doc.builders.map((b: { name: string; state: string }) => [b.name, b.state])).toEqual([
      ['fleet', 'in-sync'],
      ['default', 'undeclared'],
    ]);
    const tls = certsIn(w.dir);
    const driverOpts = { cacert: tls.ca, cert: tls.cert, key: tls.key };
    expect(doc.builders[0].nodes).toEqual([
      {
        name: 'linux-amd64',
        declared: true,
        endpoint: 'tcp://127.0.0.1:1234',
        driverOpts,
        status: 'running',
        buildkitVersion: 'v0.11.6',
        pinned: ['linux/amd64'],
        native: AMD64_ALL,
        emulated: [],
        // ls asks no node what it runs: the config's word, and the view says so.
        nativeSource: 'declared',
      },
      {
        name: 'linux-arm64',
        declared: true,
        endpoint: 'tcp://127.0.0.1:1235',
        driverOpts,
        status: 'running',
        buildkitVersion: 'v0.11.6',
        pinned: ['linux/arm64'],
        native: ['linux/arm64'],
        emulated: AMD64_ALL,
        nativeSource: 'declared',
      },
    ]);
    const ls =
      version === '0.10.5' ? ['docker', 'buildx', 'ls'] : ['docker', 'buildx', 'ls', '--format', 'json'];
    // From 0.13 `ls --format json` with buildx's record gives the pins (issue #15): no inspect of the fleet.
    const inspect = version === '0.10.5' ? [['docker', 'buildx', 'inspect', 'fleet']] : [];
    // `default` has no Docker daemon here: buildx's own error says so (the Docker client's words), so its
    // context is not asked again with `docker version`.
    expect(doc.builders[1].drift).toEqual([expect.objectContaining({ kind: 'down', code: 'docker.down' })]);
    const sorted = (calls: string[][]) => calls.map((c) => c.join(' ')).sort();
    expect(sorted(w.fake.calls().slice(before))).toEqual(
      sorted([['docker', 'buildx', 'version'], ls, ...inspect]),
    );
    expect((await mpb(w, 'status')).exitCode).toBe(0);
  });

  itUnless(!findRealDocker() && 'no docker CLI on PATH')(
    'with the plugin where docker finds it: its version remembered, then ls alone, started ahead of the command',
    async () => {
      const w = await declared({ version, mode: 'plugin' });
      createFleet(w);
      const ls =
        version === '0.10.5' ? ['docker', 'buildx', 'ls'] : ['docker', 'buildx', 'ls', '--format', 'json'];
      const inspect = version === '0.10.5' ? [['docker', 'buildx', 'inspect', 'fleet']] : [];
      const sorted = (calls: string[][]) => calls.map((c) => c.join(' ')).sort();
      for (const expected of [
        [['docker', 'buildx', 'version'], ls, ...inspect],
        [ls, ...inspect],
      ]) {
        const before = w.fake.calls().length;
        const r = await mpb(w, '--json', 'status');
        expect(r.exitCode).toBe(0);
        expect(JSON.parse(r.stdout).inSync).toBe(true);
        expect(sorted(w.fake.calls().slice(before))).toEqual(sorted(expected));
      }
    },
  );

  it('drift: a missing node, a changed endpoint, an extra node, a missing builder; status exits 3', async () => {
    const w = await declared(
      { version, mode: 'path' },
      `      - name: riscv
        endpoint: tcp://127.0.0.1:1236
        platforms: [linux/riscv64]
  ghost:
    driver: remote
    nodes:
      - name: g0
        endpoint: tcp://127.0.0.1:1240
`,
    );
    createFleet(w, 'tcp://127.0.0.1:1239');
    w.docker(
      'buildx',
      'create',
      '--append',
      '--name',
      'fleet',
      '--node',
      'old',
      '--driver',
      'remote',
      'tcp://127.0.0.1:1238',
    );
    const r = await mpb(w, '--json', 'ls');
    expect(r.exitCode).toBe(0);
    const [fleet, ghost] = JSON.parse(r.stdout).builders;
    expect(fleet.state).toBe('drifted');
    expect(fleet.drift).toEqual([
      {
        kind: 'changed',
        node: 'linux-arm64',
        detail: 'endpoint tcp://127.0.0.1:1239 → tcp://127.0.0.1:1235',
      },
      { kind: 'missing', node: 'riscv', detail: 'buildx has no node "riscv"; run: mpb ensure-builder fleet' },
      {
        kind: 'extra',
        node: 'old',
        detail: 'not in the config; run: mpb ensure-builder fleet --prune to remove it',
      },
    ]);
    expect(ghost).toMatchObject({
      name: 'ghost',
      state: 'missing',
      drift: [{ kind: 'missing', detail: 'buildx has no builder "ghost"; run: mpb ensure-builder ghost' }],
    });

    const status = await mpb(w, 'status');
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toContain('builder "fleet" (remote): drifted');
    expect(status.stdout).toContain(
      '  changed linux-arm64: endpoint tcp://127.0.0.1:1239 → tcp://127.0.0.1:1235',
    );
    expect(status.stdout).toContain(
      '  missing riscv: buildx has no node "riscv"; run: mpb ensure-builder fleet',
    );
    expect(status.stdout).toContain('  extra old: not in the config;');
    expect(status.stdout).toContain('builder "ghost" (remote): missing');
    // Named: only that builder is read and shown.
    const one = await mpb(w, 'status', 'ghost');
    expect(one.exitCode).toBe(3);
    expect(one.stdout).not.toContain('fleet');
  });

  it('a node that does not answer is down', async () => {
    const w = await declared({ version, mode: 'path', down: ['tcp://127.0.0.1:1235'] });
    createFleet(w);
    const r = await mpb(w, '--json', 'status');
    expect(r.exitCode).toBe(3);
    const fleet = JSON.parse(r.stdout).builders[0];
    expect(fleet.drift.map((d: { kind: string; node: string }) => [d.kind, d.node])).toEqual([
      ['down', 'linux-arm64'],
    ]);
  });

  it('an undeclared node is probed with the TLS files buildx has; `status NAME` judges that builder', async () => {
    const port = await closedPort();
    const w = await declared({ version, mode: 'path', down: [`tcp://127.0.0.1:${port}`] });
    createFleet(w);
    // The files exist but hold no PEM: only a probe that read buildx's driver options can say so.
    const tls = certsIn(w.dir);
    const opts = [`cacert=${tls.ca}`, `cert=${tls.cert}`, `key=${tls.key}`].flatMap((o) => [
      '--driver-opt',
      o,
    ]);
    w.docker(
      'buildx',
      'create',
      '--name',
      'rt',
      '--node',
      'dead',
      '--driver',
      'remote',
      ...opts,
      `tcp://127.0.0.1:${port}`,
    );
    // Read-only commands: run at once.
    const [r, json, status, named] = await Promise.all([
      mpb(w, 'ls'),
      mpb(w, '--json', 'ls', 'rt'),
      mpb(w, 'status'),
      mpb(w, 'status', 'rt'),
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}rt +remote +dead +tcp:\/\/127\.0\.0\.1:\d+ +inactive: tls\.files-invalid /m,
    );
    expect(r.stdout).toMatch(/^ {2}down rt\/dead: .+ \[tls\.files-invalid\]$/m);
    expect(r.stdout).toMatch(/^ {4}→ /m);
    const doc = JSON.parse(json.stdout);
    expect(doc.builders[0].nodes[0].probe).toMatchObject({ state: 'down', code: 'tls.files-invalid' });
    expect(doc.builders[0].drift).toEqual([
      {
        kind: 'down',
        node: 'dead',
        detail: expect.any(String),
        code: 'tls.files-invalid',
        fix: expect.any(String),
      },
    ]);
    // Without names, status judges the declared builders only (fleet is in sync); named, rt is judged.
    expect(status.exitCode).toBe(0);
    expect(named.exitCode).toBe(3);
  });

  it('undeclared builders are listed apart, and a name neither declared nor known is a usage error', async () => {
    const w = await declared({ version, mode: 'path' });
    createFleet(w);
    w.docker(
      'buildx',
      'create',
      '--name',
      'other',
      '--node',
      'o0',
      '--driver',
      'remote',
      'tcp://127.0.0.1:1237',
    );
    const r = await mpb(w, 'ls');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    const title = lines.indexOf('Not declared in the config (mpb leaves them alone):');
    expect(title).toBeGreaterThan(0);
    expect(lines[title + 1]).toMatch(/^ {2}BUILDER +DRIVER +NODE +ENDPOINT +STATUS +BUILDKIT +PLATFORMS$/);
    expect(lines[title + 2]).toMatch(
      /^ {2}other +remote +o0 +tcp:\/\/127\.0\.0\.1:1237 +running +v0\.11\.6 +linux\/amd64 \(\+v2[^)]*\),/,
    );
    expect(lines.slice(title).some((l) => /^ {2}default /.test(l))).toBe(true);

    const unknown = await mpb(w, 'ls', 'nosuch');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no builder "nosuch": not declared in');
  });
});

// ensure-builder first: slower than the others.
describe('a local node', { timeout: 90_000 }, () => {
  it('shows its BuildKit container state, and a stopped container as drift', async () => {
    const w = await flowWorld({
      version: '0.29.1',
      mode: 'path',
      daemon: true,
      config: `version: 1
builders:
  mixed:
    driver: remote
    nodes:
      - name: mac
        local: true
        platforms: [linux/arm64]
`,
    });
    expect((await mpb(w, 'ensure-builder')).exitCode).toBe(0);
    const ok = JSON.parse((await mpb(w, '--json', 'ls')).stdout).builders[0];
    expect(ok.state).toBe('in-sync');
    expect(ok.nodes[0]).toMatchObject({
      name: 'mac',
      endpoint: 'docker-container://mpb-buildkit-mixed-mac',
      container: { name: 'mpb-buildkit-mixed-mac', state: 'running', status: 'running' },
    });

    w.docker('container', 'stop', 'mpb-buildkit-mixed-mac');
    const r = await mpb(w, 'ls');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/CONTAINER\n.*mpb-buildkit-mixed-mac \(exited\)/);
    expect(r.stdout).toContain(
      '  changed mac: BuildKit container mpb-buildkit-mixed-mac is exited; run: mpb ensure-builder mixed',
    );
  });
});

describe('the buildx ls started ahead', () => {
  it('a bad config is still the error (exit 2), and mpb stops the early ls instead of waiting for it', async () => {
    // A plugin that answers `version`, and an `ls` that hangs once told to (what a stuck buildx does), noting
    // the signal that ends it: SIGINT is mpb stopping it, SIGTERM would be its 30 s timeout.
    const dir = mkdtempSync(join(tmpdir(), 'mpb-ahead-'));
    const plugins = join(dir, 'docker', 'cli-plugins');
    mkdirSync(plugins, { recursive: true });
    mkdirSync(join(dir, 'bin'));
    const signals = join(dir, 'signals');
    const script = (body: string) => `#!/bin/sh\n${body}\n`;
    writeFileSync(join(dir, 'bin', 'docker'), script('exit 1'), { mode: 0o755 });
    writeFileSync(
      join(plugins, 'docker-buildx'),
      script(`case "$1" in
  version) echo 'github.com/docker/buildx v0.29.1 abc1234' ;;
  ls) [ -e '${dir}/hang' ] || exit 0
    trap "echo INT >> '${signals}'; exit 130" INT
    trap "echo TERM >> '${signals}'; exit 143" TERM
    while :; do sleep 0.1; done ;;
esac`),
      { mode: 0o755 },
    );
    const config = join(dir, 'builders.yaml');
    const env = {
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: dir,
      DOCKER_CONFIG: join(dir, 'docker'),
    };
    try {
      // The first run remembers buildx's version (asked beside the config load); then `ls` is started ahead.
      writeFileSync(config, 'version: 1\n');
      await runMpb(['--config', config, 'ls'], env);
      writeFileSync(join(dir, 'hang'), '');
      writeFileSync(config, 'version: 1\nbuilders:\n  fleet:\n    driver: remote\n    nodes: [oops\n');
      const r = await runMpb(['--config', config, 'ls'], env);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('builders.yaml:');
      for (let i = 0; i < 100 && !existsSync(signals); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(readFileSync(signals, 'utf8')).toBe('INT\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
