// ensure-builder end to end: the built CLI, the fake buildx of each output generation, and real TLS servers
// for the preflight. Asserts exit codes, buildx's resulting store, and the docker calls made.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDirOf } from '../../src/state/lock.js';
import type { FakeDocker, FakeVersion } from '../helpers/fake-docker.js';
import type { FleetNode } from '../helpers/fleet.js';
import { fleetWorld } from '../helpers/flow-world.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

const NODES: FleetNode[] = [
  { name: 'linux-amd64', platforms: ['linux/amd64'] },
  { name: 'linux-arm64', platforms: ['linux/arm64'] },
];
const MUTATING = new Set(['create', 'rm', 'use', 'stop']);

const buildxCalls = (fake: FakeDocker) => fake.calls().filter((argv) => argv[1] === 'buildx');
const mutations = (fake: FakeDocker) => buildxCalls(fake).filter((argv) => MUTATING.has(argv[2] ?? ''));
const storeOf = (fake: FakeDocker, name = 'fleet') => fake.state().builders[name];

async function setup(version: FakeVersion, nodes = NODES) {
  const w = await fleetWorld(nodes, { version });
  // The arm64 server is an arm64 machine: its BuildKit reports arm64 first.
  w.fake.setState((s) => {
    s.workers[w.fleet.endpoints['linux-arm64']!] = {
      platforms: ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6'],
    };
  });
  return w;
}

describe.each(VERSIONS)('ensure-builder on buildx %s', (version) => {
  it('creates the builder, then a second run is a no-op of one buildx call', async () => {
    const { fake, fleet, mpb } = await setup(version);
    const first = await mpb(['ensure-builder', '--json']);
    expect(first.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(first.exitCode).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.builders[0].plan.actions.map((a: { kind: string }) => a.kind)).toEqual([
      'create',
      'append',
    ]);
    expect(report.builders[0].health.state).toBe('healthy');
    expect(storeOf(fake)?.nodes.map((n) => [n.name, n.endpoint, n.platforms])).toEqual([
      ['linux-amd64', fleet.endpoints['linux-amd64'], ['linux/amd64']],
      ['linux-arm64', fleet.endpoints['linux-arm64'], ['linux/arm64']],
    ]);

    const before = buildxCalls(fake).length;
    const second = await mpb(['ensure-builder']);
    expect(second.exitCode).toBe(0);
    const calls = buildxCalls(fake).slice(before);
    // The first run asked `buildx version`; the plugin is unchanged, so the second remembers it.
    expect(calls.map((c) => c.slice(1, 3))).toEqual([['buildx', 'inspect']]);
    expect(second.stdout).toContain('healthy');
  });

  it('repairs drift: a node left by hand and a changed pin', async () => {
    const { fake, mpb } = await setup(version);
    expect((await mpb(['ensure-builder'])).exitCode).toBe(0);
    fake.setState((s) => {
      const b = s.builders['fleet']!;
      b.nodes.pop();
      b.nodes[0]!.platforms = ['linux/386'];
    });
    const repair = await mpb(['ensure-builder', '--json']);
    expect(repair.exitCode).toBe(0);
    const kinds = JSON.parse(repair.stdout).builders[0].plan.actions.map(
      (a: { kind: string; node: string }) => [a.kind, a.node],
    );
    expect(kinds).toEqual([
      ['update', 'linux-amd64'],
      ['append', 'linux-arm64'],
    ]);
    expect(storeOf(fake)?.nodes.map((n) => n.platforms)).toEqual([['linux/amd64'], ['linux/arm64']]);
  });

  it('--dry-run prints the docker commands with reasons and changes nothing', async () => {
    const { fake, fleet, mpb } = await setup(version);
    const r = await mpb(['ensure-builder', '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      `docker buildx create --name fleet --node linux-amd64 --driver remote --platform linux/amd64 --driver-opt cacert=${fleet.tls.ca}`,
    );
    expect(r.stdout).toMatch(/# .*create it with its first node "linux-amd64"/);
    expect(mutations(fake)).toEqual([]);
    expect(storeOf(fake)).toBeUndefined();
  });

  it('reports a dead node from the preflight (exit 3), and exits 0 under --allow-degraded while its platforms are covered', async () => {
    const nodes: FleetNode[] = [
      { name: 'linux-amd64', platforms: ['linux/amd64'] },
      { name: 'linux-arm64', platforms: ['linux/arm64'], dead: true },
      { name: 'spare-arm64', platforms: ['linux/arm/v7'] },
    ];
    const { fake, fleet, mpb } = await fleetWorld(nodes, { version, down: [], downDelayMs: 100 });
    fake.setState((s) => {
      s.down = [fleet.endpoints['linux-arm64']!];
      s.workers[fleet.endpoints['spare-arm64']!] = { platforms: ['linux/arm64', 'linux/arm/v7'] };
    });
    const strict = await mpb(['ensure-builder', '--probe-timeout', '3', '--timeout', '5']);
    expect(strict.exitCode).toBe(3);
    expect(strict.stdout).toMatch(/^ {2}linux-arm64: down: connection to .* refused \[tcp\.refused\]$/m);
    expect(strict.stdout).toContain('builder "fleet": degraded');

    const degraded = await mpb([
      'ensure-builder',
      '--allow-degraded',
      '--probe-timeout',
      '3',
      '--timeout',
      '5',
    ]);
    expect(degraded.stderr).toContain('degraded: linux-arm64 down');
    expect(degraded.exitCode).toBe(0);
  });

  it('four concurrent runs all succeed and leave one consistent builder', async () => {
    const { fake, fleet, mpb } = await setup(version);
    const runs = await Promise.all(Array.from({ length: 4 }, () => mpb(['ensure-builder'])));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
    expect(storeOf(fake)?.nodes.map((n) => n.endpoint)).toEqual([
      fleet.endpoints['linux-amd64'],
      fleet.endpoints['linux-arm64'],
    ]);
    // Only one run had anything to create; the others found it done.
    expect(mutations(fake).filter((c) => c[2] === 'create')).toHaveLength(2);
  });

  it('a run killed between create and append is repaired by the next one', async () => {
    const { fake, mpb } = await setup(version);
    const failing = { MPB_FAKE_FAIL: 'create:exit=1:match=--append:stderr=killed' };
    const broken = await mpb(['ensure-builder'], { env: failing });
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain('add node "linux-arm64"');
    expect(storeOf(fake)?.nodes.map((n) => n.name)).toEqual(['linux-amd64']);

    const repaired = await mpb(['ensure-builder', '--json']);
    expect(repaired.exitCode).toBe(0);
    expect(JSON.parse(repaired.stdout).builders[0].plan.actions.map((a: { kind: string }) => a.kind)).toEqual(
      ['append'],
    );
  });
});

describe('ensure-builder errors', () => {
  it('a builder not in the config is a usage error (exit 2)', async () => {
    const { mpb } = await setup('0.29.1');
    const r = await mpb(['ensure-builder', 'nope']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('builder "nope" is not declared');
  });

  it('a SIGKILLed run leaves a stale lock that the next run takes over', async () => {
    const { fake, env, mpb } = await setup('0.13.1');
    const slow = { ...env, MPB_FAKE_SLOW: 'create:3000' };
    const { spawn } = await import('node:child_process');
    const { MPB_BIN } = await import('../helpers/built-cli.js');
    const child = spawn(process.execPath, [MPB_BIN, 'ensure-builder'], { env: slow, stdio: 'ignore' });
    // Kill it while its first `create` is under way: the lock stays behind with a dead pid.
    const creating = () => mutations(fake).some((c) => c[2] === 'create');
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    // Until the create shows, however slowly a loaded machine gets there (the test's own timeout bounds it).
    while (!creating() && !exited) await new Promise((r) => setTimeout(r, 50));
    expect(creating()).toBe(true); // killed mid-run, not before it took the lock
    child.kill('SIGKILL');
    await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
    // The lock really was left behind, owned by the killed process: the next run has something to take over.
    const lock = join(lockDirOf(env), 'fleet.lock');
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: child.pid, host: hostname() });
    expect(() => process.kill(child.pid!, 0)).toThrow();
    const next = await mpb(['ensure-builder']);
    expect(next.exitCode).toBe(0);
    expect(storeOf(fake)?.nodes.map((n) => n.name)).toEqual(['linux-amd64', 'linux-arm64']);
    expect(existsSync(lock)).toBe(false); // and released it
  });
});

describe('ensure-builder --json codes', () => {
  it('the preflight and the node verdicts carry stable codes: a dead node is tcp.refused in both', async () => {
    const nodes: FleetNode[] = [
      { name: 'linux-amd64', platforms: ['linux/amd64'] },
      { name: 'linux-arm64', platforms: ['linux/arm64'], dead: true },
    ];
    const { fake, fleet, mpb } = await fleetWorld(nodes, { version: '0.29.1', down: [], downDelayMs: 100 });
    fake.setState((s) => {
      s.down = [fleet.endpoints['linux-arm64']!];
    });
    const r = await mpb(['ensure-builder', '--json', '--probe-timeout', '3', '--timeout', '5']);
    expect(r.exitCode).toBe(3);
    const [report] = JSON.parse(r.stdout).builders;
    expect(report.preflight.map((p: { node: string; code: string }) => [p.node, p.code])).toEqual([
      ['linux-amd64', 'ok'],
      ['linux-arm64', 'tcp.refused'],
    ]);
    expect(
      report.health.nodes.map((n: { node: string; verdict: { code: string } }) => [n.node, n.verdict.code]),
    ).toEqual([
      ['linux-amd64', 'ok'],
      ['linux-arm64', 'tcp.refused'],
    ]);
  });
});
