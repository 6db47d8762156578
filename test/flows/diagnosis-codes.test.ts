// One fault, one code (issue 22): the same dead node (a closed port, a server certificate from another CA) is
// named by the same code in ensure-builder, build --dry-run, ls, status and doctor, human output and --json
// alike; ensure-builder prints the diagnosis once.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCertSet } from '../../src/certs/generate.js';
import type { MpbRun } from '../helpers/fake-docker.js';
import type { FleetNode } from '../helpers/fleet.js';
import { fleetWorld } from '../helpers/flow-world.js';

const NODE = 'linux-arm64';
const TIMEOUTS = ['--probe-timeout', '3'];

/** The codes a human output gives the node: `[code]` on its lines, and a STATUS cell's `inactive: code`. */
function humanCodes(r: MpbRun): string[] {
  const lines = r.stdout.split('\n').filter((l) => l.includes(NODE));
  return lines.flatMap((l) => [
    ...[...l.matchAll(/\[([a-z0-9-]+\.[a-z0-9.-]+)\]/g)].map((m) => m[1]!),
    ...[...l.matchAll(/inactive: ([a-z0-9-]+\.[a-z0-9.-]+)/g)].map((m) => m[1]!),
  ]);
}

interface Down {
  node: string;
  code: string;
}
const codeOf = (list: Down[]) => list.find((p) => p.node === NODE)?.code;

/** Every code each --json document gives the node. */
function jsonCodes(docs: { ensure: string; build: string; ls: string; status: string; doctor: string }) {
  const ensure = JSON.parse(docs.ensure).builders[0];
  const build = JSON.parse(docs.build);
  const ls = JSON.parse(docs.ls).builders.find((b: { name: string }) => b.name === 'fleet');
  const status = JSON.parse(docs.status).builders.find((b: { name: string }) => b.name === 'fleet');
  const doctor = JSON.parse(docs.doctor);
  const nodeOf = (view: { nodes: { name: string; probe?: { code: string } }[] }) =>
    view.nodes.find((n) => n.name === NODE)?.probe?.code;
  return {
    'ensure preflight': codeOf(ensure.preflight),
    'ensure verdict': ensure.health.nodes.find((n: { node: string }) => n.node === NODE)?.verdict.code,
    'build preflight': codeOf(build.ensure.preflight),
    'ls probe': nodeOf(ls),
    'ls drift': codeOf(ls.drift),
    'status drift': codeOf(status.drift),
    doctor: doctor.checks.find((c: { id: string }) => c.id === `node:fleet/${NODE}`)?.code,
  };
}

async function world(fault: 'closed-port' | 'other-ca') {
  const nodes: FleetNode[] = [
    { name: 'linux-amd64', platforms: ['linux/amd64'] },
    { name: NODE, platforms: ['linux/arm64'], dead: fault === 'closed-port' },
  ];
  const w = await fleetWorld(fault === 'other-ca' ? [nodes[1]!] : nodes, {
    version: '0.29.1',
    downDelayMs: 100,
  });
  // The servers' certificates come from the fleet's CA; the config now trusts another one only.
  if (fault === 'other-ca') {
    const other = await createCertSet({ hosts: ['127.0.0.1'], days: 30 });
    writeFileSync(w.fleet.tls.ca, other.ca.cert);
  }
  // buildx cannot reach it either: it reports the node inactive.
  w.fake.setState((s) => {
    s.down = [w.fleet.endpoints[NODE]!];
  });
  return w;
}

describe.each([
  ['closed-port', 'tcp.refused', 'refused'],
  ['other-ca', 'tls.unknown-ca', 'tls-ca'],
] as const)('a node down for one fault (%s)', (fault, code, oldWord) => {
  it(`is ${code} in ensure-builder, build, ls, status and doctor, human and --json; ensure says it once`, async () => {
    const { mpb } = await world(fault);
    // ensure-builder creates the builder (the node stays down), then the read-only commands run at once.
    const ensure = await mpb(['ensure-builder', ...TIMEOUTS, '--timeout', '5']);
    const build = ['build', '--dry-run', '--platform', 'linux/arm64', ...TIMEOUTS, '.'];
    const [ensureJson, buildHuman, buildJson, ls, lsJson, status, statusJson, doctor, doctorJson] =
      await Promise.all([
        mpb(['--json', 'ensure-builder', ...TIMEOUTS, '--timeout', '5']),
        mpb(build),
        mpb(['--json', ...build]),
        mpb(['ls', ...TIMEOUTS]),
        mpb(['--json', 'ls', ...TIMEOUTS]),
        mpb(['status', ...TIMEOUTS]),
        mpb(['--json', 'status', ...TIMEOUTS]),
        mpb(['doctor', ...TIMEOUTS]),
        mpb(['--json', 'doctor', ...TIMEOUTS]),
      ]);
    expect(
      [ensure, ensureJson, buildHuman, buildJson, status, statusJson, doctor, doctorJson].map(
        (r) => r.exitCode,
      ),
    ).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    expect(ls.exitCode).toBe(0);

    const human = { ensure, build: buildHuman, ls, status, doctor };
    for (const [name, r] of Object.entries(human)) {
      const codes = humanCodes(r);
      expect(codes, `${name}:\n${r.stdout}`).not.toEqual([]);
      expect(new Set(codes), `${name}:\n${r.stdout}`).toEqual(new Set([code]));
      // The probe's internal word is not printed as a diagnosis.
      expect(r.stdout).not.toContain(`(${oldWord}:`);
      expect(r.stdout).not.toContain(`${oldWord}: `);
    }
    const json = jsonCodes({
      ensure: ensureJson.stdout,
      build: buildJson.stdout,
      ls: lsJson.stdout,
      status: statusJson.stdout,
      doctor: doctorJson.stdout,
    });
    expect(json).toEqual(Object.fromEntries(Object.keys(json).map((k) => [k, code])));
    // No second vocabulary in --json: a probe result has a code and no reason.
    const preflight = JSON.parse(ensureJson.stdout).builders[0].preflight;
    expect(preflight.filter((p: object) => 'reason' in p)).toEqual([]);

    // Once: the diagnosis, its code and its fix each appear one time in ensure's output (the verdict line).
    const down = preflight.find((p: Down) => p.node === NODE);
    const count = (text: string, part: string) => text.split(part).length - 1;
    expect(count(ensure.stdout, `[${code}]`), ensure.stdout).toBe(1);
    expect(count(ensure.stdout, down.detail), ensure.stdout).toBe(1);
    expect(count(ensure.stdout, down.fix), ensure.stdout).toBe(1);
    expect(ensure.stdout).toContain(`${NODE}: down: ${down.detail} [${code}]`);
  });
});
