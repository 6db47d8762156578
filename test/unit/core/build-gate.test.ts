import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { BuilderSpec } from '../../../src/config/types.js';
import {
  checkEnsured,
  checkPreflight,
  checkRequest,
  checkRoutes,
  isLive,
  REFUSAL_OUTCOME,
  type Refusal,
  summarizeRefusals,
} from '../../../src/core/build-gate.js';
import { type Route, routePlatforms, routingNodesOf } from '../../../src/core/routing.js';
import { exitCodeOf } from '../../../src/errors.js';
import type { ProbeResult } from '../../../src/probe/types.js';
import { builderFromCapture, FLEET, MIXED } from './fixtures.js';

const V13 = versionOf('0.13.1');
const CONFIG = '/work/builders.yaml';
const fleet = builderFromCapture('0.13.1', 'inspect'); // linux-amd64 (amd64*), linux-arm64 (arm64*), both running
const mixed = builderFromCapture('0.13.1', 'qemu-inspect-bootstrap'); // native-amd64 (amd64*, arm64 by QEMU), qemu0
const defaultBuilder = builderFromCapture('0.29.1', 'default-inspect'); // the docker driver
const withDown = (b: BuildxBuilder, name: string): BuildxBuilder => ({
  ...b,
  nodes: b.nodes.map((n) => (n.name === name ? { ...n, status: 'inactive' } : n)),
});
const routesOf = (platforms: string[], spec: BuilderSpec | undefined, actual: BuildxBuilder): Route[] =>
  routePlatforms(platforms, routingNodesOf(spec, actual), V13);
const gate = { nativeOnly: false, allowDegraded: false, configFile: CONFIG };
const exitOf = (r: Refusal) => exitCodeOf(REFUSAL_OUTCOME[r.kind]);
const kinds = (refusals: Refusal[]) => refusals.map((r) => [r.kind, exitOf(r)]);

describe('checkRequest', () => {
  const facts = {
    builder: 'fleet',
    driver: 'remote',
    platforms: ['linux/amd64'],
    defaulted: false,
    load: false,
  };
  it.each<[string, Partial<typeof facts>, [string, number][]]>([
    ['one platform, pushed', {}, []],
    ['--load of one platform', { load: true }, []],
    [
      '--load of two platforms (capture build-load-multi)',
      { load: true, platforms: ['linux/amd64', 'linux/arm64'] },
      [['load-multi', 2]],
    ],
    [
      'the docker driver, one platform (capture default-build-arm64-push)',
      { driver: defaultBuilder.driver },
      [],
    ],
    [
      'the docker driver, two platforms (capture default-build-multi)',
      { driver: defaultBuilder.driver, platforms: ['linux/amd64', 'linux/arm64'] },
      [['docker-driver-multi', 2]],
    ],
    [
      'both at once',
      { driver: 'docker', load: true, platforms: ['linux/amd64', 'linux/arm64'] },
      [
        ['load-multi', 2],
        ['docker-driver-multi', 2],
      ],
    ],
  ])('%s', (_name, change, expected) => {
    expect(kinds(checkRequest({ ...facts, ...change }))).toEqual(expected);
  });

  it('shows the ways out of --load with several platforms', () => {
    const [refusal] = checkRequest({ ...facts, load: true, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(refusal && exitOf(refusal)).toBe(2);
    expect(refusal).toEqual({
      kind: 'load-multi',
      message:
        '--load of several platforms (linux/amd64, linux/arm64): the image store of the local Docker is not known',
      hint: "Turn on Docker's containerd image store (docker info then shows driver-type io.containerd.snapshotter.v1), push instead (--push), write an OCI archive (--output type=oci,dest=image.tar), or load one platform (--platform linux/amd64).",
    });
    const [defaulted] = checkRequest({
      ...facts,
      load: true,
      defaulted: true,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(defaulted?.message).toBe(
      '--load of several platforms, and builder "fleet" declares 2 (linux/amd64, linux/arm64): the image store of the local Docker is not known',
    );
  });

  it("lets --load take several platforms where buildx can load them (Docker's containerd image store)", () => {
    const two = { ...facts, load: true, platforms: ['linux/amd64', 'linux/arm64'] };
    expect(checkRequest({ ...two, multiPlatformLoad: { ok: true } })).toEqual([]);
    const [refusal] = checkRequest({
      ...two,
      multiPlatformLoad: { ok: false, why: 'the store is overlay2' },
    });
    expect(refusal?.message).toBe(
      '--load of several platforms (linux/amd64, linux/arm64): the store is overlay2',
    );
  });
});

describe('checkRoutes', () => {
  it('passes a fleet where every platform is native and its node runs', () => {
    expect(checkRoutes(routesOf(['linux/amd64', 'linux/arm64'], FLEET, fleet), gate)).toEqual({
      refusals: [],
      warnings: [],
    });
  });

  it('refuses a platform no node serves, which buildx would build on the first node (capture build-noplatform-node)', () => {
    const { refusals } = checkRoutes(routesOf(['linux/amd64', 'linux/riscv64'], FLEET, fleet), gate);
    expect(refusals.map(exitOf)).toEqual([3]);
    expect(refusals).toEqual([
      {
        kind: 'not-served',
        message: 'no node serves linux/riscv64: buildx would build it on node "linux-amd64" anyway',
        hint: `Add linux/riscv64 to a node's platforms (native) or emulate (QEMU) in ${CONFIG} and run mpb ensure-builder, or drop it from --platform.`,
      },
    ]);
    const undeclared = checkRoutes(routesOf(['linux/riscv64'], undefined, fleet), {
      ...gate,
      configFile: undefined,
    });
    expect(undeclared.refusals[0]?.hint).toBe(
      'Use a builder that serves linux/riscv64 (--builder NAME), or drop it from --platform.',
    );
  });

  it('warns about emulation, and refuses it under --native-only with the routing trap as the hint', () => {
    const routes = routesOf(['linux/amd64', 'linux/arm64'], MIXED, mixed);
    expect(routes.map((r) => [r.platform, r.node, r.verdict])).toEqual([
      ['linux/amd64', 'native-amd64', 'native'],
      ['linux/arm64', 'native-amd64', 'emulated'],
    ]);
    const warned = checkRoutes(routes, gate);
    expect(warned.refusals).toEqual([]);
    expect(warned.warnings[0]).toBe(
      'linux/arm64 will be emulated (QEMU) on node "native-amd64": expect it to be several times slower',
    );
    const strict = checkRoutes(routes, { ...gate, nativeOnly: true });
    expect(strict.refusals.map((r) => [r.kind, r.message, r.hint])).toEqual([
      [
        'emulated',
        '--native-only: linux/arm64 would be emulated (QEMU) on node "native-amd64"',
        routes[1]!.warning,
      ],
    ]);
  });

  it('refuses a platform whose node is down, --allow-degraded too: it never builds on a node that is down', () => {
    const routes = routesOf(['linux/amd64', 'linux/arm64'], FLEET, withDown(fleet, 'linux-arm64'));
    const hint =
      'Bring node "linux-arm64" back (mpb doctor shows why it is down), or build the rest without it: --platform linux/amd64. --allow-degraded does not help: it never builds on a node that is down.';
    expect(checkRoutes(routes, gate).refusals.map(exitOf)).toEqual([3]);
    expect(checkRoutes(routes, gate).refusals).toEqual([
      { kind: 'node-down', message: 'node "linux-arm64" is down, and linux/arm64 is built there', hint },
    ]);
    expect(checkRoutes(routes, { ...gate, allowDegraded: true })).toEqual({
      refusals: [
        {
          kind: 'node-down',
          message:
            'node "linux-arm64" is down, and linux/arm64 is built there (--allow-degraded builds only on nodes that are up)',
          hint,
        },
      ],
      warnings: [],
    });
  });

  it('every platform on a node that is down: no --platform to suggest, one hint for all', () => {
    const down = withDown(withDown(fleet, 'linux-arm64'), 'linux-amd64');
    const routes = routesOf(['linux/amd64', 'linux/arm64'], FLEET, down);
    const summary = summarizeRefusals(checkRoutes(routes, gate).refusals);
    expect(summary?.hint).toBe(
      'Bring nodes "linux-amd64", "linux-arm64" back (mpb doctor shows why they are down). --allow-degraded does not help: it never builds on a node that is down.',
    );
  });

  it('a node down that no requested platform goes to: nothing to refuse', () => {
    const routes = routesOf(['linux/amd64'], FLEET, withDown(fleet, 'linux-arm64'));
    expect(routes.every(isLive)).toBe(true);
    expect(checkRoutes(routes, gate)).toEqual({ refusals: [], warnings: [] });
  });
});

describe('checkEnsured', () => {
  const served = routesOf(['linux/amd64'], FLEET, fleet);
  const unserved = routesOf(['linux/riscv64'], FLEET, fleet);
  const onDown = routesOf(['linux/amd64', 'linux/arm64'], FLEET, withDown(fleet, 'linux-arm64'));
  const ensured = {
    builder: 'fleet',
    dryRun: false,
    outcome: 'unhealthy' as 'ok' | 'unhealthy',
    state: 'unhealthy',
  };
  it.each<[string, typeof ensured | undefined, Route[], boolean, string[]]>([
    ['no ensure (--no-ensure)', undefined, served, false, []],
    ['healthy', { ...ensured, outcome: 'ok', state: 'healthy' }, served, false, []],
    ['a dry run: the routes speak for it', { ...ensured, dryRun: true }, served, false, []],
    ['unhealthy', ensured, served, false, ['unhealthy']],
    ['unhealthy, --allow-degraded, the platforms still served', ensured, served, true, []],
    ['unhealthy, --allow-degraded, a platform not served', ensured, unserved, true, ['unhealthy']],
    ['unhealthy, --allow-degraded, a platform whose only node is down', ensured, onDown, true, ['unhealthy']],
  ])('%s', (_name, report, routes, allowDegraded, expected) => {
    expect(checkEnsured(report, routes, allowDegraded).map((r) => r.kind)).toEqual(expected);
  });

  it('suggests --allow-degraded only when every requested platform goes to a node that is up', () => {
    const hintOf = (routes: Route[], allowDegraded = false) =>
      checkEnsured(ensured, routes, allowDegraded)[0]!.hint;
    expect(hintOf(served)).toBe(
      'Fix the nodes above (mpb doctor fleet), or pass --allow-degraded: every requested platform is still built on a node that is up.',
    );
    for (const allowDegraded of [false, true]) {
      expect(hintOf(onDown, allowDegraded)).toBe(
        'Bring node "linux-arm64" back (mpb doctor shows why it is down), or build the rest without it: --platform linux/amd64. --allow-degraded does not help: it never builds on a node that is down.',
      );
      expect(hintOf(unserved, allowDegraded)).toBe(
        'No node that is up serves linux/riscv64: fix the nodes above (mpb doctor fleet), or drop linux/riscv64 from --platform.',
      );
    }
  });
});

describe('a down node a single build boots anyway (a platform pinned on no node)', () => {
  const routes = routesOf(['linux/amd64'], FLEET, fleet);
  const ensured = { builder: 'fleet', dryRun: false, outcome: 'unhealthy' as const, state: 'unhealthy' };
  it('is refused, --allow-degraded or not, and --allow-degraded is not suggested', () => {
    for (const allowDegraded of [false, true]) {
      expect(checkRoutes(routes, { ...gate, allowDegraded, bootsDown: ['linux-arm64'] }).refusals).toEqual([
        {
          kind: 'node-down',
          message:
            'a requested platform is pinned on no node, so buildx starts every node for this build, and node "linux-arm64" is down: buildx would wait on it, then fail',
          hint: 'Pin every requested platform on a node that is up (platforms: in the config), use --strategy split (needs --push: each node gets only its own platforms), or bring "linux-arm64" back (mpb doctor shows why). --allow-degraded does not help here.',
        },
      ]);
      const refusals = checkEnsured(ensured, routes, allowDegraded, ['linux-arm64']);
      expect(refusals.map((r) => r.kind)).toEqual(['unhealthy']);
      expect(refusals[0]!.hint).not.toContain('pass --allow-degraded');
    }
  });
});

describe('checkPreflight', () => {
  const probe = {
    builder: 'fleet',
    node: 'linux-arm64',
    endpoint: 'tcp://10.0.0.2:1234',
    state: 'down',
    code: 'tcp.refused',
    detail: 'connection refused',
    fix: 'Start buildkitd there.',
  } as unknown as ProbeResult;
  const down = withDown(fleet, 'linux-arm64');
  it('a platform on the dead node: refused with or without --allow-degraded, which it does not suggest', () => {
    const routes = routesOf(['linux/amd64', 'linux/arm64'], undefined, down);
    for (const allowDegraded of [false, true]) {
      expect(checkPreflight('fleet', [probe], routes, allowDegraded)).toEqual([
        {
          kind: 'node-down',
          code: 'tcp.refused',
          message:
            'builder "fleet" node "linux-arm64" (tcp://10.0.0.2:1234) is down: connection refused [tcp.refused]',
          hint: 'Start buildkitd there. Then run: mpb doctor fleet',
        },
      ]);
    }
  });
  it('no requested platform on the dead node: --allow-degraded builds, and is suggested without it', () => {
    const routes = routesOf(['linux/amd64'], undefined, down);
    expect(checkPreflight('fleet', [probe], routes, true)).toEqual([]);
    expect(checkPreflight('fleet', [probe], routes, false)[0]!.hint).toBe(
      'Start buildkitd there. Then run: mpb doctor fleet. Or pass --allow-degraded: every requested platform is still built on a node that is up.',
    );
  });
});

describe('summarizeRefusals', () => {
  const refusal = (kind: Refusal['kind'], exitCode: 2 | 3, message: string, hint = 'h'): Refusal => {
    expect(exitCodeOf(REFUSAL_OUTCOME[kind])).toBe(exitCode);
    return { kind, message, hint };
  };
  it('puts usage problems first and joins the refusals of the same exit code', () => {
    expect(summarizeRefusals([])).toBeUndefined();
    expect(
      summarizeRefusals([
        refusal('not-served', 3, 'a'),
        refusal('load-multi', 2, 'b', 'x'),
        refusal('docker-driver-multi', 2, 'c', 'y'),
      ]),
    ).toEqual(refusal('load-multi', 2, 'b\nc', 'x\ny'));
    expect(summarizeRefusals([refusal('not-served', 3, 'a'), refusal('node-down', 3, 'b')])).toEqual(
      refusal('not-served', 3, 'a\nb', 'h'),
    );
  });
});
