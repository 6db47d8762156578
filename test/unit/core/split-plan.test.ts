import { describe, expect, it } from 'vitest';
import { versionOf } from '../../../src/buildx/version.js';
import { routingNodesOf } from '../../../src/core/routing.js';
import { planSplit, routesOfPlan, type SplitPlan } from '../../../src/core/split-plan.js';
import { builderFromCapture, FLEET, MAC, MIXED, mixedPinned } from './fixtures.js';
import { cap, handMade, mixed, nodesOf } from './split-fixtures.js';

const V13 = versionOf('0.13.1');
const V29 = versionOf('0.29.1');
const THREE = ['linux/amd64', 'linux/arm64', 'linux/riscv64'];

describe('planSplit', () => {
  it.each<[string, () => SplitPlan, SplitPlan]>([
    [
      'declared fleet (captures inspect): each node its declared platform, run on the builder itself',
      () =>
        planSplit(
          ['linux/amd64', 'linux/arm64'],
          routingNodesOf(FLEET, builderFromCapture('0.29.1', 'inspect')),
          V29,
        ),
      {
        jobs: [
          {
            node: 'linux-amd64',
            platforms: ['linux/amd64'],
            verdicts: { 'linux/amd64': 'native' },
            direct: true,
          },
          {
            node: 'linux-arm64',
            platforms: ['linux/arm64'],
            verdicts: { 'linux/arm64': 'native' },
            direct: true,
          },
        ],
        unplaced: [],
        warnings: [],
      },
    ],
    [
      'declared emulate goes to the node that declares it (MIXED on mixedPinned)',
      () => planSplit(['linux/arm64', 'linux/amd64'], routingNodesOf(MIXED, mixedPinned()), V13),
      {
        jobs: [
          {
            node: 'native-amd64',
            platforms: ['linux/amd64'],
            verdicts: { 'linux/amd64': 'native' },
            direct: true,
          },
          {
            node: 'qemu0',
            platforms: ['linux/arm64'],
            verdicts: { 'linux/arm64': 'emulated' },
            direct: true,
          },
        ],
        unplaced: [],
        warnings: [],
      },
    ],
    [
      'a declared builder not created yet routes on its declarations',
      () => planSplit(['linux/amd64', 'linux/arm64'], routingNodesOf(MAC, undefined), V29),
      {
        jobs: [
          {
            node: 'mac-arm64',
            platforms: ['linux/arm64'],
            verdicts: { 'linux/arm64': 'native' },
            direct: true,
          },
          {
            node: 'amd64-box',
            platforms: ['linux/amd64'],
            verdicts: { 'linux/amd64': 'native' },
            direct: true,
          },
        ],
        unplaced: [],
        warnings: [],
      },
    ],
    [
      'undeclared but pinned (captures-local cap): native nodes, direct; riscv64 emulated on the first that lists it',
      () => planSplit(THREE, nodesOf(cap()), V29),
      {
        jobs: [
          {
            node: 'a',
            platforms: ['linux/amd64', 'linux/riscv64'],
            verdicts: { 'linux/amd64': 'native', 'linux/riscv64': 'emulated' },
            direct: false,
          },
          { node: 'b', platforms: ['linux/arm64'], verdicts: { 'linux/arm64': 'native' }, direct: true },
        ],
        unplaced: [],
        warnings: ['no node runs linux/riscv64 natively: "a" emulates it (QEMU)'],
      },
    ],
    [
      'made by hand without pins: arm64 to qemu0, whose worker lists it first; a helper builder for it',
      () => planSplit(['linux/amd64', 'linux/arm64'], nodesOf(handMade()), V29),
      {
        jobs: [
          {
            node: 'native-amd64',
            platforms: ['linux/amd64'],
            verdicts: { 'linux/amd64': 'native' },
            direct: true,
          },
          { node: 'qemu0', platforms: ['linux/arm64'], verdicts: { 'linux/arm64': 'native' }, direct: false },
        ],
        unplaced: [],
        warnings: [],
      },
    ],
    [
      'qemu-inspect-bootstrap: both daemons are amd64, so arm64 is emulated on the first that lists it',
      () => planSplit(['linux/arm64'], nodesOf(mixed()), V29),
      {
        jobs: [
          {
            node: 'native-amd64',
            platforms: ['linux/arm64'],
            verdicts: { 'linux/arm64': 'emulated' },
            direct: false,
          },
        ],
        unplaced: [],
        warnings: ['no node runs linux/arm64 natively: "native-amd64" emulates it (QEMU)'],
      },
    ],
    [
      'a platform no node lists is left unplaced (captures inspect lists no s390x)',
      () =>
        planSplit(
          ['linux/amd64', 'linux/s390x'],
          routingNodesOf(FLEET, builderFromCapture('0.29.1', 'inspect')),
          V29,
        ),
      {
        jobs: [
          {
            node: 'linux-amd64',
            platforms: ['linux/amd64'],
            verdicts: { 'linux/amd64': 'native' },
            direct: true,
          },
        ],
        unplaced: ['linux/s390x'],
        warnings: [],
      },
    ],
  ])('%s', (_, plan, expected) => {
    expect(plan()).toEqual(expected);
  });

  it('warns when a declared builder gets a platform it declares nowhere', () => {
    const plan = planSplit(
      ['linux/386'],
      routingNodesOf(FLEET, builderFromCapture('0.29.1', 'inspect')),
      V29,
    );
    expect(plan.jobs).toEqual([
      { node: 'linux-amd64', platforms: ['linux/386'], verdicts: { 'linux/386': 'native' }, direct: false },
    ]);
    expect(plan.warnings).toEqual([
      'linux/386 is declared on no node; "linux-amd64" runs it natively and builds it',
    ]);
  });

  it('skips a node known to be down when it looks for one that emulates', () => {
    const b = cap();
    const down = { ...b, nodes: b.nodes.map((n) => (n.name === 'a' ? { ...n, status: 'error' } : n)) };
    expect(planSplit(['linux/riscv64'], nodesOf(down), V29).jobs.map((j) => j.node)).toEqual(['b']);
  });
});

describe('routesOfPlan', () => {
  it('gives each job’s platforms on its node, with the node’s state, for the gate and the report', () => {
    const b = cap();
    const down = { ...b, nodes: b.nodes.map((n) => (n.name === 'b' ? { ...n, status: 'error' } : n)) };
    const nodes = nodesOf(down);
    expect(routesOfPlan(planSplit(['linux/amd64', 'linux/arm64'], nodesOf(b), V29), nodes)).toEqual([
      { platform: 'linux/amd64', node: 'a', verdict: 'native', nodeDown: false },
      { platform: 'linux/arm64', node: 'b', verdict: 'native', nodeDown: true },
    ]);
  });
});

describe('planSplit on a pool (a platform declared on two live nodes)', () => {
  const AMD = 'linux/amd64';
  const ARM = 'linux/arm64';
  const node = (name: string, platform: string, status: 'running' | 'error' = 'running') => ({
    name,
    status,
    listed: [{ platform, pinned: true }],
    declared: { platforms: [platform], emulate: [] },
  });
  const pool = [node('amd-1', AMD), node('amd-2', AMD), node('arm-1', ARM)];
  const plan = (busy: Map<string, number>, nodes = pool) =>
    planSplit([AMD, ARM], nodes, versionOf('0.29.1'), { busy, affinity: 'reg.example.com/app' });
  const amdNode = (p: SplitPlan) => p.jobs.find((j) => j.platforms.includes(AMD))?.node;

  it('goes to the least busy node the daemons report', () => {
    expect(amdNode(plan(new Map([['amd-1', 1]])))).toBe('amd-2');
    expect(amdNode(plan(new Map([['amd-2', 2]])))).toBe('amd-1');
  });

  it('between idle nodes, the same image goes to the same node; a second node is not reached directly', () => {
    const first = plan(new Map());
    expect(amdNode(plan(new Map()))).toBe(amdNode(first));
    const onSecond = plan(new Map([['amd-1', 1]])).jobs.find((j) => j.node === 'amd-2');
    // buildx sends amd64 to amd-1, the first node pinning it: the job runs on amd-2's helper builder.
    expect(onSecond?.direct).toBe(false);
  });

  it('a down node of the pool is passed over', () => {
    const nodes = [node('amd-1', AMD, 'error'), node('amd-2', AMD), node('arm-1', ARM)];
    expect(amdNode(plan(new Map([['amd-2', 5]]), nodes))).toBe('amd-2');
  });
});
