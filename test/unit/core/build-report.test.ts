import { describe, expect, it } from 'vitest';
import {
  type HistoryRecord,
  parseHistoryInspect,
  parseHistoryLs,
  recordsOfRef,
} from '../../../src/buildx/parse/history.js';
import { versionOf } from '../../../src/buildx/version.js';
import {
  type BuildReport,
  buildReport,
  type NodeBuild,
  nodeBuildOf,
  nodeBuildsOf,
} from '../../../src/core/build-report.js';
import { routePlatforms } from '../../../src/core/routing.js';
import { planSplit, routesOfPlan } from '../../../src/core/split-plan.js';
import { cap, fixtureText, handMade, nodesOf } from './split-fixtures.js';

const V29 = versionOf('0.29.1');
const LOCAL = 'captures-local/v0.29.1';
const BOTH = ['linux/amd64', 'linux/arm64'];

function records(ref: string): HistoryRecord[] {
  const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return recordsOfRef(parsed.value, ref);
}
function detail(name: string) {
  const parsed = parseHistoryInspect(fixtureText(`${LOCAL}/${name}`));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('nodeBuildOf', () => {
  it('joins a node’s record with its inspect detail; without one its platforms are unknown', () => {
    const [a, b] = records('rjsy6n6iohw7aifr8h97cw9u3') as [HistoryRecord, HistoryRecord];
    expect(nodeBuildOf(a, detail('history-inspect-first-json'))).toEqual({
      node: 'a',
      platforms: ['linux/amd64'],
      durationMs: 2139,
      cachedSteps: 0,
      totalSteps: 6,
      status: 'completed',
    });
    expect(nodeBuildOf(b, undefined)).toEqual({
      node: 'b',
      platforms: [],
      durationMs: 2767,
      cachedSteps: 0,
      totalSteps: 6,
      status: 'completed',
    });
  });
});

describe('nodeBuildsOf', () => {
  const parsed = parseHistoryLs(fixtureText(`${LOCAL}/history-ls-json`));
  const all = parsed.ok ? parsed.value : [];
  it.each<[string, string[], [string, string[], number][]]>([
    [
      'rjsy6n6iohw7aifr8h97cw9u3',
      ['history-inspect-first-json'],
      [
        ['a', ['linux/amd64'], 0],
        ['b', [], 0],
      ],
    ],
    [
      'iv3emo1x36aa3514fjlsiy3zl',
      ['history-inspect-cached-json'],
      [
        ['b', ['linux/arm64'], 1],
        ['a', [], 1],
      ],
    ],
    [
      'iv3emo1x36aa3514fjlsiy3zl',
      ['history-inspect-first-json'],
      [
        ['b', [], 1],
        ['a', [], 1],
      ],
    ],
  ])('build %s with %j: each node’s record, platforms where a detail is its own', (ref, names, expected) => {
    const built = nodeBuildsOf(all, ref, names.map(detail));
    expect(built.map((b) => [b.node, b.platforms, b.cachedSteps])).toEqual(expected);
  });
});

describe('buildReport', () => {
  it('single on cap (first capture build): builtOn from the inspected node, and by elimination for the other', () => {
    const [a, b] = records('rjsy6n6iohw7aifr8h97cw9u3') as [HistoryRecord, HistoryRecord];
    const report = buildReport({
      strategy: 'single',
      reason: 'every platform is built natively where buildx sends it',
      digest: 'sha256:928b',
      wallMs: 3100,
      routes: routePlatforms(BOTH, nodesOf(cap()), V29),
      nodes: nodesOf(cap()),
      built: [nodeBuildOf(a, detail('history-inspect-first-json')), nodeBuildOf(b, undefined)],
    });
    expect(report).toEqual<BuildReport>({
      strategy: 'single',
      reason: 'every platform is built natively where buildx sends it',
      digest: 'sha256:928b',
      wallMs: 3100,
      platforms: [
        {
          platform: 'linux/amd64',
          node: 'a',
          builtOn: 'a',
          verdict: 'native',
          durationMs: 2139,
          cachedSteps: 0,
          totalSteps: 6,
        },
        {
          platform: 'linux/arm64',
          node: 'b',
          builtOn: 'b',
          verdict: 'native',
          durationMs: 2767,
          cachedSteps: 0,
          totalSteps: 6,
        },
      ],
      emulation: null,
      warnings: [],
    });
  });

  it('with two records that no detail names, neither is guessed: their platforms stay predicted', () => {
    const [a, b] = records('rjsy6n6iohw7aifr8h97cw9u3') as [HistoryRecord, HistoryRecord];
    const report = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 3100,
      routes: routePlatforms(BOTH, nodesOf(cap()), V29),
      nodes: nodesOf(cap()),
      built: [nodeBuildOf(a, undefined), nodeBuildOf(b, undefined)],
    });
    expect(report.platforms.map((p) => [p.platform, p.builtOn, p.durationMs])).toEqual([
      ['linux/amd64', null, null],
      ['linux/arm64', null, null],
    ]);
  });

  it('single on a hand-made builder: arm64 predicted and built on native-amd64, emulated, with its cost', () => {
    const built: NodeBuild[] = [
      {
        node: 'native-amd64',
        platforms: BOTH,
        durationMs: 37_000,
        cachedSteps: 0,
        totalSteps: 6,
        status: 'completed',
      },
    ];
    const report = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 38_000,
      routes: routePlatforms(BOTH, nodesOf(handMade()), V29),
      nodes: nodesOf(handMade()),
      built,
    });
    expect(report.platforms.map((p) => [p.platform, p.node, p.builtOn, p.verdict])).toEqual([
      ['linux/amd64', 'native-amd64', 'native-amd64', 'native'],
      ['linux/arm64', 'native-amd64', 'native-amd64', 'emulated'],
    ]);
    expect(report.digest).toBeNull();
    expect(report.emulation).toBe(
      'linux/arm64 was emulated (QEMU) on "native-amd64": 37.0 s. A node that runs it natively is typically 4–10× faster.',
    );
  });

  it('split on the hand-made builder: predicted from the jobs; a platform built elsewhere is a warning', () => {
    const plan = planSplit(BOTH, nodesOf(handMade()), V29);
    const built: NodeBuild[] = [
      {
        node: 'native-amd64',
        platforms: ['linux/amd64'],
        durationMs: 1000,
        cachedSteps: 2,
        totalSteps: 6,
        status: 'completed',
      },
      {
        node: 'native-amd64',
        platforms: ['linux/arm64'],
        durationMs: 37_000,
        cachedSteps: 0,
        totalSteps: 6,
        status: 'completed',
      },
    ];
    const report = buildReport({
      strategy: 'split',
      reason: 'single would emulate linux/arm64',
      digest: 'sha256:abc',
      wallMs: 38_000,
      routes: routesOfPlan(plan, nodesOf(handMade())),
      nodes: nodesOf(handMade()),
      built,
    });
    expect(report.platforms.map((p) => [p.platform, p.node, p.builtOn, p.verdict, p.durationMs])).toEqual([
      ['linux/amd64', 'native-amd64', 'native-amd64', 'native', 1000],
      ['linux/arm64', 'qemu0', 'native-amd64', 'emulated', 37_000],
    ]);
    expect(report.warnings).toEqual(['linux/arm64 was built on "native-amd64", not on "qemu0" as predicted']);
    expect(report.emulation).toMatch(
      /^linux\/arm64 was emulated \(QEMU\) on "native-amd64": 37\.0 s, 37\.0× the 1\.0 s of native linux\/amd64\./,
    );
  });

  it('an emulated platform without history still gets the cost line, without numbers', () => {
    const report = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 1,
      routes: routePlatforms(BOTH, nodesOf(handMade()), V29),
      nodes: nodesOf(handMade()),
      built: [],
    });
    expect(report.platforms.map((p) => p.builtOn)).toEqual([null, null]);
    expect(report.emulation).toBe(
      'linux/arm64 was emulated (QEMU) on "native-amd64". A node that runs it natively is typically 4–10× faster.',
    );
  });
});
