// The bake report's figures: busy time is the union of a node's jobs, the bound is the balanced fleet's wall.
import { describe, expect, it } from 'vitest';
import { type BakeJobRow, bakeReport, unionMs } from '../../../src/core/bake-report.js';

const row = (target: string, platform: string, node: string): BakeJobRow => ({
  target,
  platform,
  node,
  builtOn: node,
  verdict: 'native',
  outcome: 'built',
  durationMs: 0,
  cachedSteps: null,
  totalSteps: null,
  retries: 0,
  movedFrom: [],
});
const job = (target: string, platform: string, node: string, startMs: number, endMs: number) => ({
  row: row(target, platform, node),
  attempts: [{ node, startMs, endMs, ok: true }],
});

describe('unionMs', () => {
  it('counts overlapping time once', () => {
    expect(unionMs([])).toBe(0);
    expect(
      unionMs([
        { startMs: 0, endMs: 10 },
        { startMs: 5, endMs: 15 },
        { startMs: 20, endMs: 25 },
      ]),
    ).toBe(20);
    expect(
      unionMs([
        { startMs: 0, endMs: 30 },
        { startMs: 5, endMs: 15 },
      ]),
    ).toBe(30);
  });
});

describe('bakeReport', () => {
  it('busy time and share per node; the bound is the larger of the longest job and the spread work', () => {
    const r = bakeReport({
      wallMs: 100,
      jobs: [
        job('a', 'linux/amd64', 'amd-1', 0, 60),
        job('b', 'linux/amd64', 'amd-1', 60, 90),
        job('c', 'linux/amd64', 'amd-2', 0, 30),
        job('a', 'linux/arm64', 'arm-1', 0, 40),
      ],
      poolSizes: new Map([
        ['linux/amd64', 2],
        ['linux/arm64', 1],
      ]),
      targets: [],
      warnings: [],
    });
    expect(r.nodes).toEqual([
      { node: 'amd-1', jobs: 2, busyMs: 90, share: 0.9 },
      { node: 'amd-2', jobs: 1, busyMs: 30, share: 0.3 },
      { node: 'arm-1', jobs: 1, busyMs: 40, share: 0.4 },
    ]);
    // amd64: (90 + 30) / 2 = 60; arm64: 40; longest job 60.
    expect(r.boundMs).toBe(60);
  });

  it('a moved job counts on both nodes it ran on', () => {
    const r = bakeReport({
      wallMs: 50,
      jobs: [
        {
          row: { ...row('a', 'linux/amd64', 'amd-2'), retries: 1, movedFrom: ['amd-1'] },
          attempts: [
            { node: 'amd-1', startMs: 0, endMs: 10, ok: false },
            { node: 'amd-2', startMs: 10, endMs: 50, ok: true },
          ],
        },
      ],
      poolSizes: new Map([['linux/amd64', 2]]),
      targets: [],
      warnings: [],
    });
    expect(r.nodes.map((n) => [n.node, n.busyMs])).toEqual([
      ['amd-1', 10],
      ['amd-2', 40],
    ]);
    expect(r.boundMs).toBe(40);
  });
});
