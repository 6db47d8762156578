// Real buildx 0.13.1 and 0.29.1: builders created from config nodes through args.ts read back through
// read.ts exactly as declared. No daemon: remote nodes point at closed ports, so they stay `inactive`, and
// `inspect` still shows their pinned platforms (`linux/amd64*`) and driver options.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { createNodeArgs, leaveNodeArgs, rmBuilderArgs, useBuilderArgs } from '../../src/buildx/args.js';
import { createRunner } from '../../src/buildx/exec.js';
import type { BuildxBuilder, BuildxNode } from '../../src/buildx/model.js';
import { readBuilder, readBuilders } from '../../src/buildx/read.js';
import type { Runner } from '../../src/buildx/run-types.js';
import type { BuilderSpec, NodeSpec } from '../../src/config/types.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { closedPorts } from '../helpers/listeners.js';
import { itUnless } from '../helpers/skip.js';

const world = await e2eWorld();

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

describe.each(world.suites)('real buildx from Debian %s (%s)', (suite, expectedVersion) => {
  const bx = world.suite(suite);
  const test = itUnless(bx.skip, 60_000);

  let run: Runner;
  let fleet: BuilderSpec;
  let expected: { amd64: BuildxNode; arm64: BuildxNode; spare: BuildxNode };
  const version = () => bx.buildx.version;
  const ok = async (args: string[]) => expect((await run('docker', args)).exitCode).toBe(0);

  beforeAll(async () => {
    if (bx.skip) return;
    const certs = world.temp('mpb-e2e-certs-');
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, f), `not really ${f}\n`);
    run = createRunner({ env: bx.dockerEnv().env });
    const [p1, p2, p3] = (await closedPorts(3)) as [number, number, number];
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
