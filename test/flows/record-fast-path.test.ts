// The converged fast path, end to end: the built CLI, the fake buildx (which writes buildx's record files as real
// buildx does) and mutual-TLS servers answering ListWorkers with two real BuildKit daemons' bytes. A converged
// run makes no buildx call and reports what the inspect path (MPB_BUILDX_RECORD=0) reports; a changed record,
// config or certificate, a dead node or a buildx whose record mpb does not know goes back to `buildx inspect`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListWorkers } from '../../src/buildx/parse/list-workers.js';
import { createCertSet } from '../../src/certs/generate.js';
import type { FakeDocker, FakeVersion } from '../helpers/fake-docker.js';
import type { FleetNode } from '../helpers/fleet.js';
import { fleetWorld, flowWorld, type OnFinished } from '../helpers/flow-world.js';

const LOCAL = new URL('../fixtures/captures-local/', import.meta.url);
const REPLY = {
  a: readFileSync(new URL('buildkit-v0.32.2/listworkers-a.bin', LOCAL)),
  b: readFileSync(new URL('buildkit-v0.32.2/listworkers-b.bin', LOCAL)),
};
const NODES: FleetNode[] = [
  { name: 'amd', platforms: ['linux/amd64'], workersReply: REPLY.a },
  { name: 'arm', platforms: ['linux/arm64'], workersReply: REPLY.b },
];
// A daemon on a machine with every QEMU emulator registered: it lists `{arm, linux}` with no variant, which real
// buildx prints `linux/arm/v7` (captures-local, "every QEMU emulator registered"); the fake is given buildx's list.
const ALL_QEMU = {
  reply: readFileSync(new URL('buildkit-v0.32.2/listworkers-amd64-all-qemu.bin', LOCAL)),
  printed: (
    JSON.parse(
      readFileSync(new URL('v0.29.1/record-allqemu-ls-json.stdout', LOCAL), 'utf8').split('\n')[0]!,
    ) as {
      Nodes: { Platforms: string[] }[];
    }
  ).Nodes[0]!.Platforms,
};
const FAST = "converged by buildx's record and the nodes' own answers (no buildx inspect)";

/** The platforms a captured answer lists, for the fake's worker behind the same endpoint. */
function platformsOf(reply: Buffer): string[] {
  const read = parseListWorkers(reply);
  if (!read.ok) throw new Error(read.why);
  return read.workers[0]!.platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}

// Every case has its own fake and servers, so they run at once (CI's flow tier is near its time limit): each
// registers its removal with its own test context's onTestFinished.

const buildxCalls = (fake: FakeDocker) =>
  fake
    .calls()
    .filter((argv) => argv[1] === 'buildx')
    .map((argv) => argv.slice(2, 3).join(' '));
/** A --json document without the probe's timings (`gRPC ListWorkers in 12 ms`). */
const withoutTimes = (json: string) => json.replace(/ in \d+ ms/g, ' in N ms');

/** The fleet, the fake's workers answering as the served bytes say, and a first run that created the builder. */
async function converged(version: FakeVersion, onFinished: OnFinished, nodes = NODES) {
  const { fake, fleet, mpb } = await fleetWorld(nodes, { version, onFinished });
  fake.setState((s) => {
    for (const n of nodes)
      s.workers[fleet.endpoints[n.name]!] = {
        preset: 'buildkit-v0.32.2',
        platforms: n.workersReply === ALL_QEMU.reply ? ALL_QEMU.printed : platformsOf(n.workersReply!),
      };
  });
  const created = await mpb(['ensure-builder']);
  expect(created.exitCode, created.stderr).toBe(0);
  /** One `--verbose --json ensure-builder`, with the buildx calls it made. */
  const ensure = async (more: NodeJS.ProcessEnv = {}, ...args: string[]) => {
    const before = buildxCalls(fake).length;
    const r = await mpb(['--verbose', '--json', 'ensure-builder', ...args], { env: more });
    return { ...r, calls: buildxCalls(fake).slice(before) };
  };
  return { fake, fleet, ensure };
}

describe.each(['0.29.1', '0.13.1'] as const)('buildx %s: a converged remote builder', (version) => {
  it.concurrent('is read from the record with no buildx call, and reported as the inspect path reports it', async ({
    onTestFinished,
  }) => {
    const { ensure } = await converged(version, onTestFinished);
    const [byRecord, byInspect] = [await ensure(), await ensure({ MPB_BUILDX_RECORD: '0' })];
    expect(byRecord.stderr).toContain(FAST);
    expect(byRecord.calls).toEqual([]);
    expect(byInspect.stderr).toContain(
      "read with buildx inspect (buildx's record not used: reading it is off)",
    );
    expect(byInspect.calls).toEqual(['inspect']);
    expect([byRecord.exitCode, withoutTimes(byRecord.stdout)]).toEqual([0, withoutTimes(byInspect.stdout)]);
    expect(JSON.parse(byRecord.stdout).builders[0].health.state).toBe('healthy');
  });
});

it.concurrent('a node listing linux/arm without a variant (every QEMU emulator registered) is still read from the record', async ({
  onTestFinished,
}) => {
  const nodes = [{ ...NODES[0]!, workersReply: ALL_QEMU.reply }, NODES[1]!];
  const { ensure } = await converged('0.29.1', onTestFinished, nodes);
  const [byRecord, byInspect] = [await ensure(), await ensure({ MPB_BUILDX_RECORD: '0' })];
  expect(byRecord.stderr).toContain(FAST);
  expect(byRecord.calls).toEqual([]);
  expect([byRecord.exitCode, withoutTimes(byRecord.stdout)]).toEqual([0, withoutTimes(byInspect.stdout)]);
  expect(withoutTimes(byRecord.stdout)).toContain('linux/arm/v7');
});

describe('buildx 0.29.1: anything that differs reads with buildx inspect', () => {
  it.concurrent('a record changed by hand (a pin): inspect, then the update', async ({ onTestFinished }) => {
    const { fake, ensure } = await converged('0.29.1', onTestFinished);
    fake.setState((s) => {
      s.builders['fleet']!.nodes[1]!.platforms = ['linux/riscv64'];
    });
    const r = await ensure();
    expect(r.stderr).toContain("buildx's record not used: the builder is to change");
    // After a change the builder is read again, as always.
    expect(r.calls).toEqual(['inspect', 'create', 'inspect']);
    expect(r.exitCode).toBe(0);
  });

  it.concurrent('a changed config (another pin): inspect, then the update', async ({ onTestFinished }) => {
    const { fleet, ensure } = await converged('0.29.1', onTestFinished);
    await fleet.writeConfig([NODES[0]!, { ...NODES[1]!, platforms: ['linux/arm64', 'linux/riscv64'] }]);
    const r = await ensure();
    expect(r.calls).toEqual(['inspect', 'create', 'inspect']);
    expect(r.exitCode).toBe(0);
  });

  it.concurrent('other certificate files in the config: inspect, then the update', async ({
    onTestFinished,
  }) => {
    const { fleet, ensure } = await converged('0.29.1', onTestFinished);
    const moved = join(fleet.dir, 'moved-ca.pem');
    copyFileSync(fleet.tls.ca, moved);
    const config = readFileSync(fleet.configPath, 'utf8').replaceAll(fleet.tls.ca, moved);
    writeFileSync(fleet.configPath, config);
    const r = await ensure();
    expect(r.stderr).toContain(
      "buildx's record not used: node amd: buildx's TLS options are not the ones asked with",
    );
    expect(r.calls).toEqual(['inspect', 'create', 'create', 'inspect']);
  });

  it.concurrent('a client certificate the servers no longer accept: the node is down, read with inspect', async ({
    onTestFinished,
  }) => {
    const { fleet, ensure } = await converged('0.29.1', onTestFinished);
    const other = await createCertSet({ hosts: ['127.0.0.1'], days: 30 });
    writeFileSync(fleet.tls.cert, other.client.cert);
    writeFileSync(fleet.tls.key, other.client.key);
    const r = await ensure();
    expect(r.stderr).toMatch(/buildx's record not used: (amd, arm|arm, amd) did not answer/);
    expect(r.calls).toEqual(['inspect']);
    expect(JSON.parse(r.stdout).builders[0].preflight.map((p: { state: string }) => p.state)).toEqual([
      'down',
      'down',
    ]);
  });

  it.concurrent('a dead node: read with inspect, unhealthy', async ({ onTestFinished }) => {
    const { fake, fleet, ensure } = await converged('0.29.1', onTestFinished);
    await fleet.stopNode('arm');
    fake.setState((s) => {
      s.down = [fleet.endpoints['arm']!]; // buildx finds it down too
    });
    const r = await ensure({}, '--probe-timeout', '1');
    expect(r.stderr).toContain("buildx's record not used: arm did not answer");
    expect(r.calls).toEqual(['inspect']);
    expect(r.exitCode).toBe(3);
  });

  it.concurrent('no record (removed by hand): inspect', async ({ onTestFinished }) => {
    const { fake, ensure } = await converged('0.29.1', onTestFinished);
    rmSync(join(fake.env['DOCKER_CONFIG']!, 'buildx', 'instances', 'fleet'));
    const r = await ensure();
    expect(r.stderr).toMatch(/buildx's record not used: no record .*instances\/fleet\)/);
    expect(r.calls).toEqual(['inspect']);
    expect(r.exitCode).toBe(0);
  });
});

it.concurrent('buildx 0.10.5: a record of a version mpb does not know is not read', async ({
  onTestFinished,
}) => {
  const { ensure } = await converged('0.10.5', onTestFinished);
  const r = await ensure();
  expect(r.stderr).toContain("buildx's record not used: a record of buildx v0.10.5 is not known");
  expect(r.calls).toEqual(['inspect']);
  expect(r.exitCode).toBe(0);
});

it.concurrent('the fake writes the record byte for byte as buildx 0.29.1 did (captures record-duo, record-cross)', async ({
  onTestFinished,
}) => {
  const { fake } = await flowWorld({ version: '0.29.1', mode: 'path', onFinished: onTestFinished });
  const certs = '/tmp/mpb-bench-kit-K8OKoH/certs';
  const tls = ['cacert=ca.pem', 'cert=client-cert.pem', 'key=client-key.pem'].flatMap((o) => [
    '--driver-opt',
    o.replace('=', `=${certs}/`),
  ]);
  const [a, b] = ['tcp://127.0.0.1:45571', 'tcp://127.0.0.1:39469'];
  const create = (...args: string[]) =>
    execFileSync('docker', ['buildx', 'create', '--driver', 'remote', ...tls, ...args], { env: fake.env });
  create('--name', 'duo', '--node', 'a', '--platform', 'linux/amd64', a);
  create('--name', 'duo', '--append', '--node', 'b', '--platform', 'linux/arm64', b);
  create('--name', 'cross', '--node', 'b', '--platform', 'linux/riscv64', b);
  create('--name', 'cross', '--append', '--node', 'a', a);
  for (const name of ['duo', 'cross']) {
    const written = readFileSync(join(fake.env['DOCKER_CONFIG']!, 'buildx', 'instances', name));
    expect(written.toString()).toBe(
      readFileSync(new URL(`v0.29.1/record-buildx-instances-${name}.json`, LOCAL)).toString(),
    );
  }
});
