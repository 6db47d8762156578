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
import { cap, capturedVertices, fixtureText, handMade, nodesOf } from './split-fixtures.js';

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
      ref: 'rjsy6n6iohw7aifr8h97cw9u3',
      name: 'ctx',
      platforms: ['linux/amd64'],
      durationMs: 2139,
      cachedSteps: 0,
      totalSteps: 6,
      status: 'completed',
    });
    expect(nodeBuildOf(b, undefined)).toEqual({
      node: 'b',
      ref: 'rjsy6n6iohw7aifr8h97cw9u3',
      name: 'ctx',
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

const measuredInput = (built: NodeBuild[]) => ({
  strategy: 'single' as const,
  reason: 'r',
  digest: undefined,
  wallMs: 7000,
  routes: routePlatforms(BOTH, nodesOf(handMade()), V29),
  nodes: nodesOf(handMade()),
  built,
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

  it('single on a hand-made builder without vertices: both platforms in one record, so no row has figures of its own', () => {
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
    // The record's 37 s and 0/6 are the two platforms together: neither row's.
    expect(report.platforms.map((p) => [p.durationMs, p.cachedSteps, p.totalSteps])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(report.emulation).toBe(
      'linux/arm64 was emulated (QEMU) on "native-amd64". A node that runs it natively is typically 4–10× faster (a typical range, not measured in this build).',
    );
  });

  it('single, both platforms on one node, with its vertices (solo-two, real daemons): each row its own figures', () => {
    const truth = parseHistoryLs(fixtureText(`${LOCAL}/logs-solo-history-ls-json`));
    if (!truth.ok) throw new Error(truth.error.message);
    const [two] = truth.value as [HistoryRecord];
    const built = nodeBuildsOf(
      [{ ...two, node: 'native-amd64' }],
      two.ref,
      [detail('logs-solo-history-inspect-two-json')],
      capturedVertices('logs-solo-history-logs-two-rawjson'),
    );
    const report = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 7000,
      routes: routePlatforms(BOTH, nodesOf(handMade()), V29),
      nodes: nodesOf(handMade()),
      built,
    });
    expect(
      report.platforms.map((p) => [
        p.platform,
        p.builtOn,
        p.verdict,
        p.durationMs,
        p.cachedSteps,
        p.totalSteps,
      ]),
    ).toEqual([
      ['linux/amd64', 'native-amd64', 'native', 113, 1, 3],
      ['linux/arm64', 'native-amd64', 'emulated', 6249, 0, 4],
    ]);
    // amd64's RUN was cached: nothing in this build measured it natively.
    expect(report.emulation).toBe(
      'linux/arm64 was emulated (QEMU) on "native-amd64": 6.2 s. A node that runs it natively is typically 4–10× faster (a typical range, not measured in this build).',
    );

    // The build before it on the same node (solo-amd64, yha0…) ran that RUN natively: measured there.
    const [, before] = truth.value as [HistoryRecord, HistoryRecord];
    const earlier = nodeBuildsOf(
      [{ ...before, node: 'native-amd64' }],
      before.ref,
      [],
      capturedVertices('logs-solo-history-logs-amd64-rawjson'),
    ).map((b) => ({ ...b, platforms: ['linux/amd64'] }));
    const measured = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 7000,
      routes: routePlatforms(BOTH, nodesOf(handMade()), V29),
      nodes: nodesOf(handMade()),
      built,
      earlier,
    });
    expect(measured.platforms).toEqual(report.platforms);
    // common 2/2: 5620 ms under QEMU here, 514 ms natively in yha0….
    expect(measured.emulation).toBe(
      'linux/arm64 took 5.6 s emulated (QEMU) on "native-amd64", 11× the 0.51 s of native linux/amd64 on "native-amd64" for the same RUN step (measured in earlier build yha0i9usjuhwsg934x3yz33zu).',
    );
    // An earlier build on a node that emulates the platform is no native measurement.
    const onQemu = earlier.map((b) => ({ ...b, node: 'qemu0' }));
    expect(buildReport({ ...measuredInput(built), earlier: onQemu }).emulation).toContain('not measured');
  });

  it('a two-node build with its vertices (duo): the replayed node’s row from them, the other from its whole record', () => {
    const truth = parseHistoryLs(fixtureText(`${LOCAL}/logs-duo-history-ls-json`));
    if (!truth.ok) throw new Error(truth.error.message);
    const ref = '7ecu5i906t6fl728cxy2fvnrm';
    const built = nodeBuildsOf(
      truth.value,
      ref,
      [detail('logs-duo-history-inspect-two-json')],
      capturedVertices('logs-duo-history-logs-two-rawjson'),
    );
    // buildx replays the newest record: b's, created 2 ms after a's.
    expect(built.map((b) => [b.node, b.platforms, b.vertices?.length])).toEqual([
      ['b', ['linux/arm64'], 7],
      ['a', [], undefined],
    ]);
    const report = buildReport({
      strategy: 'single',
      reason: 'r',
      digest: undefined,
      wallMs: 7000,
      routes: routePlatforms(BOTH, nodesOf(cap()), V29),
      nodes: nodesOf(cap()),
      built,
    });
    // Each node built one platform: its record is that platform's, as the daemons count it (history ls: 1/6, 0/7).
    expect(report.platforms.map((p) => [p.platform, p.builtOn, p.cachedSteps, p.totalSteps])).toEqual([
      ['linux/amd64', 'a', 1, 6],
      ['linux/arm64', 'b', 0, 7],
    ]);
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
    // Two whole records, no steps to match: not a measurement of the same work.
    expect(report.emulation).toBe(
      'linux/arm64 was emulated (QEMU) on "native-amd64": 37.0 s. A node that runs it natively is typically 4–10× faster (a typical range, not measured in this build).',
    );
  });

  it('split with the jobs’ vertices (real daemons): the same RUN step native and emulated, measured in this build', () => {
    const plan = planSplit(BOTH, nodesOf(handMade()), V29);
    const job = (platform: string, vertices: string, durationMs: number): NodeBuild => ({
      node: 'native-amd64',
      platforms: [platform],
      durationMs,
      cachedSteps: 0,
      totalSteps: 6,
      status: 'completed',
      vertices: capturedVertices(vertices),
    });
    const report = buildReport({
      strategy: 'split',
      reason: 'r',
      digest: 'sha256:abc',
      wallMs: 7000,
      routes: routesOfPlan(plan, nodesOf(handMade())),
      nodes: nodesOf(handMade()),
      built: [
        job('linux/amd64', 'logs-solo-history-logs-amd64-rawjson', 1145),
        job('linux/arm64', 'logs-duo-history-logs-two-rawjson', 6368),
      ],
    });
    // Each job's record is its platform's: the span of its vertices (the records say 1145 and 6368 ms, from the
    // request's creation), all its steps.
    expect(report.platforms.map((p) => [p.platform, p.verdict, p.durationMs, p.totalSteps])).toEqual([
      ['linux/amd64', 'native', 1143, 6],
      ['linux/arm64', 'emulated', 6364, 7],
    ]);
    // common 2/2: 5543 ms under QEMU, 514 ms natively.
    expect(report.emulation).toBe(
      'linux/arm64 took 5.5 s emulated (QEMU) on "native-amd64", 11× the 0.51 s of native linux/amd64 on "native-amd64" for the same RUN step (measured in this build).',
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
      'linux/arm64 was emulated (QEMU) on "native-amd64". A node that runs it natively is typically 4–10× faster (a typical range, not measured in this build).',
    );
  });
});
