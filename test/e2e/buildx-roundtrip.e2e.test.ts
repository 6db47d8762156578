// Real buildx 0.13.1 and 0.29.1: builders created from config nodes through args.ts read back through
// read.ts exactly as declared. No daemon: remote nodes point at closed ports, so they stay `inactive`, and
// `inspect` still shows their pinned platforms (`linux/amd64*`) and driver options.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeArgs, leaveNodeArgs, rmBuilderArgs, useBuilderArgs } from '../../src/buildx/args.js';
import { createRunner, type Runner } from '../../src/buildx/exec.js';
import type { BuildxBuilder, BuildxNode } from '../../src/buildx/model.js';
import { readBuilder, readBuilders } from '../../src/buildx/read.js';
import type { BuilderSpec, NodeSpec } from '../../src/config/types.js';
import { dockerConfigWith, hasDockerCli, installRealBuildx } from '../helpers/real-buildx.js';
import { REAL_BUILDX } from '../helpers/versions.js';

const cli = await hasDockerCli();
const SUITES = REAL_BUILDX.map(({ suite, version }) => [suite, version] as const);
const installed = new Map(
  await Promise.all(SUITES.map(async ([suite]) => [suite, await installRealBuildx(suite)] as const)),
);

/** A port on 127.0.0.1 that nothing listens on: taken from the kernel, then let go. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

const POS = { path: '/e2e/builders.yaml', line: 1, column: 1 };
function nodeSpec(fields: Partial<NodeSpec> & { name: string }): NodeSpec {
  const empty = { endpoint: undefined, platforms: [], emulate: [], tls: undefined, driverOpts: {} };
  const unset = { buildkitdFlags: undefined, buildkitdConfig: undefined, local: undefined };
  return { ...empty, ...unset, pos: POS, ...fields };
}

/** What `inspect` shows of an inactive remote node: every pinned platform with `*`, the stored options. */
function inactive(
  name: string,
  endpoint: string,
  pins: string[],
  driverOpts: Record<string, string>,
): BuildxNode {
  return {
    name,
    endpoint,
    status: 'inactive',
    buildkitVersion: undefined,
    platforms: pins.map((platform) => ({ platform, pinned: true })),
    platformsComplete: true,
    driverOpts,
    buildkitdFlags: undefined,
    error: undefined,
    labels: {},
  };
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe.each(SUITES)('real buildx from Debian %s (%s)', (suite, expectedVersion) => {
  const got = installed.get(suite)!;
  const skip = !cli ? 'no docker CLI on PATH' : 'skip' in got ? got.skip : undefined;
  const test = (title: string, fn: () => Promise<void>) =>
    it.skipIf(skip)(`${title}${skip ? ` (skipped: ${skip})` : ''}`, fn, 60_000);

  let run: Runner;
  let dirs: string[] = [];
  let fleet: BuilderSpec;
  let expected: { amd64: BuildxNode; arm64: BuildxNode; spare: BuildxNode };
  const version = () => ('version' in got ? got.version : undefined)!;
  const ok = async (args: string[]) => expect((await run('docker', args)).exitCode).toBe(0);

  beforeAll(async () => {
    if (skip || 'skip' in got) return;
    const config = await dockerConfigWith(got.pluginDir);
    const certs = await mkdtemp(join(tmpdir(), 'mpb-e2e-certs-'));
    dirs = [config, certs];
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, f), `not really ${f}\n`);
    const { BUILDX_BUILDER: _b, DOCKER_CONTEXT: _c, ...env } = process.env;
    run = createRunner({ env: { ...env, DOCKER_CONFIG: config } });
    const [p1, p2, p3] = [await closedPort(), await closedPort(), await closedPort()];
    const tls = (servername: string | undefined) => ({
      ca: join(certs, 'ca.pem'),
      cert: join(certs, 'cert.pem'),
      key: join(certs, 'key.pem'),
      servername,
    });
    const opts = {
      cacert: join(certs, 'ca.pem'),
      cert: join(certs, 'cert.pem'),
      key: join(certs, 'key.pem'),
    };
    fleet = {
      name: 'mpb-roundtrip',
      driver: 'remote',
      use: true,
      pos: POS,
      nodes: [
        nodeSpec({
          name: 'amd64',
          endpoint: `tcp://127.0.0.1:${p1}`,
          platforms: ['linux/amd64'],
          emulate: ['linux/386'],
          tls: tls('buildkitd'),
        }),
        nodeSpec({
          name: 'arm64',
          endpoint: `tcp://127.0.0.1:${p2}`,
          platforms: ['linux/arm64'],
          tls: tls(undefined),
        }),
        nodeSpec({ name: 'spare', endpoint: `tcp://127.0.0.1:${p3}` }),
      ],
    };
    expected = {
      amd64: inactive('amd64', `tcp://127.0.0.1:${p1}`, ['linux/amd64', 'linux/386'], {
        ...opts,
        servername: 'buildkitd',
      }),
      arm64: inactive('arm64', `tcp://127.0.0.1:${p2}`, ['linux/arm64'], opts),
      spare: inactive('spare', `tcp://127.0.0.1:${p3}`, [], {}),
    };
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const declared = (nodes: BuildxNode[]): BuildxBuilder => ({
    name: 'mpb-roundtrip',
    driver: 'remote',
    current: false,
    error: undefined,
    lastActivity: expect.stringMatching(RFC3339) as unknown as string,
    nodes,
  });

  test('is the version the suite ships', async () => {
    expect(version().raw).toBe(`${expectedVersion}+ds1`);
  });

  test('create and --append make the builder inspect reads back exactly', async () => {
    const [amd64, arm64, spare] = fleet.nodes as [NodeSpec, NodeSpec, NodeSpec];
    await ok(createNodeArgs(fleet, amd64, { append: false, version: version() }));
    await ok(createNodeArgs(fleet, arm64, { append: true, version: version() }));
    await ok(createNodeArgs(fleet, spare, { append: true, version: version() }));
    const actual = await readBuilder(run, version(), fleet.name);
    expect(actual).toStrictEqual(declared([expected.amd64, expected.arm64, expected.spare]));
  });

  test('ls --format json lists the same nodes, without pins', async () => {
    const listed = (await readBuilders(run, version())).find((b) => b.name === fleet.name);
    const unpinned = (n: BuildxNode): BuildxNode => ({
      ...n,
      platforms: n.platforms.map((p) => ({ ...p, pinned: false })),
      platformsComplete: false,
    });
    expect(listed).toStrictEqual(declared([expected.amd64, expected.arm64, expected.spare].map(unpinned)));
  });

  test('create on an existing node updates its pins in place', async () => {
    const arm64 = { ...fleet.nodes[1]!, platforms: ['linux/arm64', 'linux/arm/v7'] };
    await ok(createNodeArgs(fleet, arm64, { append: true, version: version() }));
    expected.arm64 = {
      ...expected.arm64,
      platforms: [expected.arm64.platforms[0]!, { platform: 'linux/arm/v7', pinned: true }],
    };
    const actual = await readBuilder(run, version(), fleet.name);
    expect(actual).toStrictEqual(declared([expected.amd64, expected.arm64, expected.spare]));
  });

  test('--leave removes one node', async () => {
    await ok(leaveNodeArgs(fleet.name, 'spare'));
    expect(await readBuilder(run, version(), fleet.name)).toStrictEqual(
      declared([expected.amd64, expected.arm64]),
    );
  });

  test('use makes it current, which ls --format json says from 0.24 only', async () => {
    await ok(useBuilderArgs(fleet.name));
    const listed = (await readBuilders(run, version())).find((b) => b.name === fleet.name);
    expect(listed?.current).toBe(version().caps.lsJsonCurrent);
  });

  test('rm removes it: inspect finds nothing, ls lists nothing', async () => {
    await ok(rmBuilderArgs(fleet.name, { keepState: false }));
    expect(await readBuilder(run, version(), fleet.name)).toBeUndefined();
    expect((await readBuilders(run, version())).map((b) => b.name)).not.toContain(fleet.name);
  });
});
