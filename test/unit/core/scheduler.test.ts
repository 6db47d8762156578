// The fleet scheduler: pools by the node's own word, least busy first, affinity between equals, strict failover.
import { describe, expect, it } from 'vitest';
import type { RoutingNode } from '../../../src/core/routing.js';
import { affinityOrder, leastBusy, type Pool, placeJobs, poolOf } from '../../../src/core/scheduler.js';

const node = (name: string, native: string[], extra: Partial<RoutingNode> = {}): RoutingNode => ({
  name,
  status: 'running',
  listed: native.map((platform) => ({ platform, pinned: true })),
  declared: { platforms: native, emulate: [] },
  native: { platforms: native, source: 'worker' },
  ...extra,
});
const AMD = 'linux/amd64';
const ARM = 'linux/arm64';
const fleet = [node('amd-1', [AMD]), node('amd-2', [AMD]), node('arm-1', [ARM])];

describe('poolOf', () => {
  it('is every live node that runs the platform natively, by the node its own word', () => {
    expect(poolOf(AMD, fleet, false)).toEqual({
      ok: true,
      pool: { platform: AMD, nodes: ['amd-1', 'amd-2'], verdict: 'native', down: [] },
    });
    // Declared arm64, but its worker says amd64: not in the arm64 pool.
    const liar = node('liar', [ARM], { native: { platforms: [AMD], source: 'worker' } });
    const r = poolOf(ARM, [liar, node('arm-1', [ARM])], false);
    expect(r.ok && r.pool.nodes).toEqual(['arm-1']);
  });

  it('leaves a down node out and names it', () => {
    const r = poolOf(AMD, [node('amd-1', [AMD], { status: 'error' }), node('amd-2', [AMD])], false);
    expect(r).toMatchObject({ ok: true, pool: { nodes: ['amd-2'], down: ['amd-1'] } });
  });

  it('never falls back to an emulating node where a native one is declared but down (buildx#2119)', () => {
    const emulating = node('amd-1', [AMD], { declared: { platforms: [AMD], emulate: [ARM] } });
    const nodes = [emulating, node('arm-1', [ARM], { status: 'error' })];
    const strict = poolOf(ARM, nodes, false);
    expect(strict).toMatchObject({ ok: false, message: expect.stringContaining('arm-1 down') });
    expect(!strict.ok && strict.hint).toContain('--allow-emulation');
    expect(poolOf(ARM, nodes, true)).toMatchObject({
      ok: true,
      pool: { nodes: ['amd-1'], verdict: 'emulated' },
      warning: expect.stringContaining('QEMU'),
    });
  });

  it('uses emulate: nodes where no native node is declared, and says so', () => {
    const emulating = node('amd-1', [AMD], { declared: { platforms: [AMD], emulate: ['linux/riscv64'] } });
    expect(poolOf('linux/riscv64', [emulating], false)).toMatchObject({
      ok: true,
      pool: { nodes: ['amd-1'], verdict: 'emulated' },
    });
    expect(poolOf('linux/s390x', [emulating], false)).toMatchObject({ ok: false });
  });
});

describe('placement', () => {
  const pools = new Map<string, Pool>([
    [AMD, { platform: AMD, nodes: ['amd-1', 'amd-2'], verdict: 'native', down: [] }],
    [ARM, { platform: ARM, nodes: ['arm-1'], verdict: 'native', down: [] }],
  ]);
  const item = (id: string, platform = AMD, weight = 1) => ({ id, platform, affinity: id, weight });

  it('affinity order is stable and differs between keys', () => {
    expect(affinityOrder('app', ['amd-1', 'amd-2'])).toEqual(affinityOrder('app', ['amd-2', 'amd-1']));
    const homes = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => affinityOrder(k, ['amd-1', 'amd-2'])[0]));
    expect(homes).toEqual(new Set(['amd-1', 'amd-2']));
  });

  it('adding a node moves only the keys that now hash to it (rendezvous)', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `target-${i}`);
    const before = keys.map((k) => affinityOrder(k, ['a', 'b'])[0]);
    const after = keys.map((k) => affinityOrder(k, ['a', 'b', 'c'])[0]);
    keys.forEach((_, i) => {
      if (after[i] !== 'c') expect(after[i]).toBe(before[i]);
    });
    expect(after.filter((n) => n === 'c').length).toBeGreaterThan(0);
  });

  it('balances jobs over the pool, the same way every time', () => {
    const items = ['api', 'web', 'db', 'worker'].map((t) => item(t));
    const where = placeJobs(items, pools, new Map());
    const counts = [...where.values()].reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map());
    expect(counts).toEqual(
      new Map([
        ['amd-1', 2],
        ['amd-2', 2],
      ]),
    );
    expect(placeJobs(items, pools, new Map())).toEqual(where);
  });

  it('between equally busy nodes, a job goes to its home node', () => {
    for (const key of ['api', 'web', 'db']) {
      expect(placeJobs([item(key)], pools, new Map()).get(key)).toBe(
        affinityOrder(key, ['amd-1', 'amd-2'])[0],
      );
    }
  });

  it('a node its daemon reports busy gets the next job less readily (another mpb, a CI job)', () => {
    const home = affinityOrder('api', ['amd-1', 'amd-2'])[0]!;
    const other = home === 'amd-1' ? 'amd-2' : 'amd-1';
    expect(placeJobs([item('api')], pools, new Map([[home, 1]])).get('api')).toBe(other);
    expect(leastBusy('api', ['amd-1', 'amd-2'], (n) => (n === home ? 1 : 1))).toBe(home);
  });

  it('weighs an item by the builds it starts', () => {
    const where = placeJobs([item('base', AMD, 3), item('web'), item('api')], pools, new Map());
    expect(where.get('web')).toBe(where.get('api'));
    expect(where.get('web')).not.toBe(where.get('base'));
  });

  it('places nothing for a platform without a pool', () => {
    expect(placeJobs([item('x', 'linux/s390x')], pools, new Map()).size).toBe(0);
  });
});

describe('placement of uneven items', () => {
  const pool = new Map<string, Pool>([
    ['linux/amd64', { platform: 'linux/amd64', nodes: ['a', 'b'], verdict: 'native', down: [] }],
  ]);
  it('places the heaviest first, so loads stay within one item of even', () => {
    const items = [
      { id: 'x', platform: 'linux/amd64', affinity: 'x', weight: 1 },
      { id: 'y', platform: 'linux/amd64', affinity: 'y', weight: 1 },
      { id: 'z', platform: 'linux/amd64', affinity: 'z', weight: 2 },
    ];
    const where = placeJobs(items, pool, new Map());
    // z alone on one node, x and y together on the other: 2 and 2, whatever the hash prefers.
    expect(where.get('x')).toBe(where.get('y'));
    expect(where.get('z')).not.toBe(where.get('x'));
  });
});
