// Real buildx 0.13.1 and 0.29.1 driven by the built CLI, no daemon. Issue 4: a remote fleet on closed ports
// with TLS files from `mpb certs create` — the dry run, then create/append/update/leave/rm, each time read back
// through `mpb ls --json` and through buildx's own `inspect` text; the preflight names every dead endpoint, so
// no 20 s bootstrap is waited for. Issue 6: a node on a live mutual-TLS server passes the preflight and buildx
// takes the builder made from those files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { cleanEnv } from '../helpers/built-cli.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { runMpb } from '../helpers/fake-docker.js';
import { closedPorts } from '../helpers/listeners.js';
import { type RemoteNode, readStore, type StoredNode, writeRemoteConfig } from '../helpers/real-remote.js';
import { itUnless } from '../helpers/skip.js';
import { type Running, startTlsServer } from '../helpers/tls-server.js';

const world = await e2eWorld();
const SUITES = world.suites;

// One certificate set for the file, made by the built CLI as a user would, in the folder the configs sit in.
const root = world.temp('mpb-e2e-ensure-');
let files: Record<'ca' | 'clientCert' | 'clientKey' | 'serverCert' | 'serverKey', string>;
beforeAll(async () => {
  const made = await runMpb(
    ['--json', 'certs', 'create', '--host', '127.0.0.1', '--out', join(root, 'certs')],
    cleanEnv(),
  );
  expect(made.exitCode, made.stderr).toBe(0);
  files = JSON.parse(made.stdout).files;
});

const refused = (port: number) => `connection to 127.0.0.1:${port} refused`;
const tlsOpts = () => ({ cacert: files.ca, cert: files.clientCert, key: files.clientKey });

/** `docker buildx create` of a node as the plan prints it, shell-quoted (the temp paths need no quotes). */
function createLine(builder: string, node: RemoteNode, append: boolean): string {
  const opts = Object.entries(tlsOpts()).flatMap(([k, v]) => ['--driver-opt', `${k}=${v}`]);
  const appendFlag = append ? ['--append'] : [];
  const argv = ['docker', 'buildx', 'create', '--name', builder, '--node', node.name, '--driver', 'remote'];
  return [...argv, ...appendFlag, '--platform', node.platforms.join(','), ...opts, endpointOf(node)].join(
    ' ',
  );
}
const endpointOf = (node: RemoteNode) => `tcp://127.0.0.1:${node.port}`;

/** What the store must hold for these declared nodes: buildx's view and the one `mpb ls --json` gives. */
const storedOf = (nodes: readonly RemoteNode[]): StoredNode[] =>
  nodes.map((n) => ({ name: n.name, endpoint: endpointOf(n), driverOpts: tlsOpts(), pinned: n.platforms }));

describe.each(SUITES)('mpb ensure-builder with real buildx from Debian %s (%s)', (suite, expectedVersion) => {
  const bx = world.suite(suite);
  const skip = bx.skip;
  const test = itUnless(skip, 30_000);

  let env: NodeJS.ProcessEnv;
  const mpb = (config: string, ...args: string[]) => runMpb(['--config', config, ...args], env);
  const json = async (config: string, ...args: string[]) => {
    const r = await mpb(config, '--json', ...args);
    return { ...r, doc: JSON.parse(r.stdout) };
  };
  /** The builder as `mpb ls --json` shows it, reduced to what the store holds. */
  const listed = async (config: string, builder: string) => {
    const { exitCode, doc, stderr } = await json(config, 'ls', builder);
    expect(exitCode, stderr).toBe(0);
    expect(doc.buildx).toBe(`${expectedVersion}+ds1`);
    const view = doc.builders.find((b: { name: string }) => b.name === builder);
    const nodes = (view.nodes as StoredNode[]).map((n) => ({
      name: n.name,
      endpoint: n.endpoint,
      driverOpts: n.driverOpts,
      pinned: n.pinned,
    }));
    return { state: view.state as string, nodes };
  };

  beforeAll(() => {
    if (!skip) ({ env } = bx.dockerEnv());
  });

  describe('issue 4: a remote fleet whose endpoints have no daemon', () => {
    const config = () => join(root, `fleet-${suite}.yaml`);
    let first: RemoteNode[];
    /** The nodes the config declares now. */
    let declared: RemoteNode[];
    /** The port of the node a later config adds. */
    let riscvPort: number;
    beforeAll(async () => {
      if (skip) return;
      const [amd, arm, ppc, riscv] = (await closedPorts(4)) as [number, number, number, number];
      riscvPort = riscv;
      first = [
        { name: 'amd', port: amd, platforms: ['linux/amd64'] },
        { name: 'arm', port: arm, platforms: ['linux/arm64'] },
        { name: 'ppc', port: ppc, platforms: ['linux/ppc64le'] },
      ];
      declared = first;
      await writeRemoteConfig(config(), 'fleet', first);
    });

    test('--dry-run prints the plan and the dead endpoints, and changes nothing', async () => {
      const r = await mpb(config(), 'ensure-builder', '--dry-run', '--probe-timeout', '1');
      expect(r.exitCode, r.stderr).toBe(0);
      const [amd, arm, ppc] = first as [RemoteNode, RemoteNode, RemoteNode];
      expect(r.stdout.split('\n')).toEqual(
        expect.arrayContaining([
          'Plan for builder "fleet" (dry run: nothing changed)',
          '# builder "fleet" does not exist: create it with its first node "amd"',
          createLine('fleet', amd, false),
          '# add node "arm" to the new builder',
          createLine('fleet', arm, true),
          '# add node "ppc" to the new builder',
          createLine('fleet', ppc, true),
          ...first.map((n) => `  ✗ ${n.name} ${endpointOf(n)}: ${refused(n.port)} [tcp.refused]`),
        ]),
      );
      expect(await readStore(env, 'fleet')).toBeUndefined();
    });

    test('a run creates exactly the declared builder; the preflight reports every node down, no bootstrap', async () => {
      const { exitCode, doc, stderr } = await json(
        config(),
        '--verbose',
        'ensure-builder',
        '--probe-timeout',
        '1',
        '--timeout',
        '5',
      );
      expect(exitCode, stderr).toBe(3);
      const [report] = doc.builders;
      expect(report.plan.actions.map((a: { kind: string; node: string }) => [a.kind, a.node])).toEqual([
        ['create', 'amd'],
        ['append', 'arm'],
        ['append', 'ppc'],
      ]);
      expect(report.executed.map((a: { exitCode: number }) => a.exitCode)).toEqual([0, 0, 0]);
      type Probe = { node: string; state: string; code: string; detail: string };
      expect(report.preflight.map((p: Probe) => [p.node, p.state, p.code, p.detail])).toEqual(
        first.map((n) => [n.name, 'down', 'tcp.refused', refused(n.port)]),
      );
      type Verdict = { node: string; verdict: { result: string; code: string; why: string } };
      expect(
        report.health.nodes.map((n: Verdict) => [n.node, n.verdict.result, n.verdict.code, n.verdict.why]),
      ).toEqual(first.map((n) => [n.name, 'down', 'tcp.refused', refused(n.port)]));
      // The preflight already knows every node is dead: buildx's bootstrap (20 s from 0.13) is not started.
      expect(stderr).toContain('$ docker buildx create --name fleet --node amd ');
      expect(stderr).not.toContain('--bootstrap');
      expect(await readStore(env, 'fleet')).toEqual(storedOf(first));
      expect(await listed(config(), 'fleet')).toEqual({ state: 'drifted', nodes: storedOf(first) });
    });

    test('a changed config converges with --prune: a pin changed, a node added, a node dropped', async () => {
      const [amd, arm] = first as [RemoteNode, RemoteNode];
      const next = [amd, { ...arm, platforms: ['linux/arm64', 'linux/arm/v7'] }];
      next.push({ name: 'riscv', port: riscvPort, platforms: ['linux/riscv64'] });
      await writeRemoteConfig(config(), 'fleet', next);
      declared = next;
      const args = ['ensure-builder', '--prune', '--probe-timeout', '1'];
      const { exitCode, doc, stderr } = await json(config(), ...args, '--timeout', '5');
      expect(exitCode, stderr).toBe(3);
      expect(
        doc.builders[0].plan.actions.map((a: { kind: string; node: string }) => [a.kind, a.node]),
      ).toEqual([
        ['update', 'arm'],
        ['append', 'riscv'],
        ['leave', 'ppc'],
      ]);
      expect(await readStore(env, 'fleet')).toEqual(storedOf(next));
      expect(await listed(config(), 'fleet')).toEqual({ state: 'drifted', nodes: storedOf(next) });
      // Converged: read back from real buildx, nothing differs any more.
      const again = await json(config(), ...args, '--dry-run');
      expect(again.doc.builders[0].plan.actions).toEqual([]);
    });

    test('mpb rm removes it; mpb ls shows it missing', async () => {
      const r = await mpb(config(), 'rm', 'fleet', '--yes');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(await readStore(env, 'fleet')).toBeUndefined();
      expect(await listed(config(), 'fleet')).toEqual({
        state: 'missing',
        nodes: storedOf(declared).map((n) => ({ ...n, driverOpts: {}, pinned: [] })),
      });
    });
  });

  describe('issue 6: a node on a live mutual-TLS server using mpb certs create files', () => {
    const config = () => join(root, `tls-${suite}.yaml`);
    let server: Running | undefined;
    let node: RemoteNode;
    beforeAll(async () => {
      if (skip) return;
      // Answers BuildKit's ListWorkers, so the preflight's gRPC check passes; it serves nothing else.
      const read = (path: string) => readFile(path, 'utf8');
      server = await startTlsServer({
        cert: await read(files.serverCert),
        key: await read(files.serverKey),
        ca: await read(files.ca),
      });
      node = { name: 'tls0', port: server.port, platforms: ['linux/amd64'] };
      await writeRemoteConfig(config(), 'tls', [node]);
    });
    afterAll(() => server?.close());

    test('the preflight passes and buildx takes the builder; mpb ls shows its TLS driver options', async () => {
      const dry = await json(config(), 'ensure-builder', '--dry-run', '--probe-timeout', '1');
      expect(dry.exitCode, dry.stderr).toBe(0);
      const [plan] = dry.doc.builders;
      expect(plan.preflight.map((p: { node: string; state: string }) => [p.node, p.state])).toEqual([
        ['tls0', 'up'],
      ]);
      expect(plan.plan.actions.map((a: { argv: string[] }) => `docker ${a.argv.join(' ')}`)).toEqual([
        createLine('tls', node, false),
      ]);
      // The server answers only ListWorkers: the bootstrap cannot finish, so the run is unhealthy but the create is real.
      const args = ['ensure-builder', '--probe-timeout', '1', '--timeout', '2'];
      const ran = await json(config(), '--verbose', ...args);
      expect(ran.exitCode, ran.stderr).toBe(3);
      expect(ran.doc.builders[0].executed.map((a: { kind: string }) => a.kind)).toEqual(['create']);
      // A node the preflight found up is bootstrapped, under mpb's --timeout.
      expect(ran.stderr).toContain('$ docker buildx inspect --bootstrap tls\n');
      expect(await readStore(env, 'tls')).toEqual(storedOf([node]));
      expect(await listed(config(), 'tls')).toEqual({ state: 'drifted', nodes: storedOf([node]) });
    });
  });
});
