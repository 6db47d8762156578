// After a build, either strategy: per platform the node predicted, the node that built it (buildx history),
// native or emulated, time and cache; the JSON field names are an interface that scripts rely on. Pure.
import type { HistoryDetail, HistoryRecord } from '../buildx/parse/history.js';
import { newestRecord, recordOfDetail, recordsOfRef, spanMs } from '../buildx/parse/history.js';
import type { Vertex } from '../buildx/parse/progress.js';
import { figuresByPlatform, type PlatformFigures, sameSteps } from './platform-figures.js';
import type { Route, RoutingNode } from './routing.js';
import { verdictOn } from './split-plan.js';
import type { Strategy } from './strategy.js';

/** What one node did for this build: its history record, with the platforms `history inspect` gave. */
export interface NodeBuild {
  node: string;
  /** The build's ID and name (`history ls`), where known: an earlier build is told apart by them. */
  ref?: string;
  name?: string;
  platforms: string[];
  durationMs: number | undefined;
  cachedSteps: number;
  totalSteps: number;
  status: string;
  /** Its vertices (`history logs`), where buildx replayed this record: each platform's own figures come from them. */
  vertices?: readonly Vertex[];
}

export interface PlatformReport {
  platform: string;
  /** Predicted before the build. */
  node: string | null;
  /** From buildx's history; null where buildx cannot tell (the row then shows the prediction). */
  builtOn: string | null;
  verdict: 'native' | 'emulated' | 'not-served';
  /**
   * The platform's own figures: from its vertices (core/platform-figures.ts), else its node's record when that
   * record built this platform alone; null where neither is known (no history, or platforms built together
   * whose vertices buildx did not replay).
   */
  durationMs: number | null;
  cachedSteps: number | null;
  totalSteps: number | null;
}

export interface BuildReport {
  strategy: Strategy;
  reason: string;
  digest: string | null;
  wallMs: number;
  platforms: PlatformReport[];
  /** One line on what emulation cost, when a platform was emulated. */
  emulation: string | null;
  warnings: string[];
}

export interface ReportInput {
  strategy: Strategy;
  reason: string;
  digest: string | undefined;
  wallMs: number;
  /** The prediction: routePlatforms for single, routesOfPlan (split-plan.ts) for split. */
  routes: readonly Route[];
  nodes: readonly RoutingNode[];
  built: readonly NodeBuild[];
  /**
   * Earlier builds on the same nodes, with their vertices (build/history.ts readEarlierBuilds): where this build ran
   * no native counterpart of an emulated step, one of them may have.
   */
  earlier?: readonly NodeBuild[];
}

/**
 * A node's history record joined with its `history inspect` detail (undefined: no platforms known) and its
 * vertices (undefined: not replayed).
 */
export function nodeBuildOf(
  record: HistoryRecord,
  detail: HistoryDetail | undefined,
  vertices?: readonly Vertex[],
): NodeBuild {
  return {
    node: record.node,
    ref: record.ref,
    name: record.name,
    platforms: detail?.platforms ?? [],
    durationMs: detail?.durationMs ?? spanMs(record.createdAt, record.completedAt),
    cachedSteps: record.cachedSteps,
    totalSteps: record.totalSteps,
    status: record.status,
    ...(vertices ? { vertices } : {}),
  };
}

/**
 * What each node did for build `ref`: `history ls` gives one record per node; each `history inspect` detail
 * (one node's, and the JSON does not say whose) is joined to the record it came from, and the vertices of
 * `history logs ID` to the newest record of the build, the one buildx replays (captures-local
 * logs-duo-history-logs-two-rawjson: node b's, created 2 ms after a's).
 */
export function nodeBuildsOf(
  records: readonly HistoryRecord[],
  ref: string,
  details: readonly HistoryDetail[],
  vertices?: readonly Vertex[],
): NodeBuild[] {
  const mine = recordsOfRef(records, ref);
  const replayed = vertices && newestRecord(mine);
  return mine.map((record) =>
    nodeBuildOf(
      record,
      details.find((d) => recordOfDetail(mine, d) === record),
      record === replayed ? vertices : undefined,
    ),
  );
}

type Row = { report: PlatformReport; build: NodeBuild | undefined; figures: PlatformFigures | undefined };

/**
 * A platform's own figures: from its vertices when its node's were replayed, else the node's record when that
 * record built this platform alone (all its steps are this platform's).
 */
function figuresOf(build: NodeBuild | undefined, platform: string): PlatformFigures | undefined {
  if (!build) return undefined;
  const own = build.vertices && figuresByPlatform(build.vertices, build.platforms).get(platform);
  if (own) return own;
  if (build.platforms.length !== 1) return undefined;
  const { durationMs, cachedSteps, totalSteps } = build;
  return { durationMs: durationMs ?? null, cachedSteps, totalSteps, steps: [] };
}

function platformRow(route: Route, input: ReportInput): Row {
  const build = input.built.find((b) => b.platforms.includes(route.platform));
  const actual = build && input.nodes.find((n) => n.name === build.node);
  const figures = figuresOf(build, route.platform);
  const report: PlatformReport = {
    platform: route.platform,
    node: route.node ?? null,
    builtOn: build?.node ?? null,
    verdict: actual ? verdictOn(actual, route.platform) : route.verdict,
    durationMs: figures?.durationMs ?? null,
    cachedSteps: figures?.cachedSteps ?? null,
    totalSteps: figures?.totalSteps ?? null,
  };
  return { report, build, figures };
}

// Two decimals under a second: a native RUN step often takes a few tenths.
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}×`;

/** The end of the emulation line when some emulated platform's cost was not measured (run.ts looks further then). */
export const TYPICAL =
  'A node that runs it natively is typically 4–10× faster (a typical range, not measured in this build).';

/** A native run of some platform's steps: a row of this build, or a platform of an earlier build. */
interface NativeRun {
  platform: string;
  node: string;
  figures: PlatformFigures;
  /** The earlier build's ID; undefined for this build. */
  earlier: string | undefined;
}

/** The native runs an earlier build holds: each platform its node runs natively, with the figures of its vertices. */
function earlierRuns(input: ReportInput): NativeRun[] {
  return (input.earlier ?? []).flatMap((b) => {
    const node = input.nodes.find((n) => n.name === b.node);
    if (!node || !b.vertices) return [];
    return [...figuresByPlatform(b.vertices, b.platforms)]
      .filter(([platform]) => verdictOn(node, platform) === 'native')
      .map(([platform, figures]) => ({ platform, node: b.node, figures, earlier: b.ref ?? '?' }));
  });
}

/** The native run with the most RUN steps in common with `figures`, and what those steps took on each side. */
function bestMatch(figures: PlatformFigures, runs: readonly NativeRun[]) {
  const [best] = runs
    .flatMap((run) => {
      const same = sameSteps(figures, run.figures);
      return same ? [{ run, same }] : [];
    })
    .sort((x, y) => y.same.steps - x.same.steps);
  return best;
}

/**
 * What emulation cost. Measured where this build ran the same RUN steps natively (another platform's row, native,
 * on any node), else where an earlier build on these nodes did (`earlier`): their times side by side, saying
 * which. Else the emulated row's own time, and the typical range, said to be one.
 */
function emulationLine(rows: readonly Row[], input: ReportInput): string | null {
  const emulated = rows.filter((r) => r.report.verdict === 'emulated');
  if (emulated.length === 0) return null;
  const thisBuild = rows.flatMap((n): NativeRun[] =>
    n.report.verdict === 'native' && n.figures
      ? [
          {
            platform: n.report.platform,
            node: n.report.builtOn ?? n.report.node ?? '?',
            figures: n.figures,
            earlier: undefined,
          },
        ]
      : [],
  );
  const before = earlierRuns(input);
  let typical = false;
  const parts = emulated.map(({ report: r, figures }) => {
    const where = `"${r.builtOn ?? r.node}"`;
    const best = figures && (bestMatch(figures, thisBuild) ?? bestMatch(figures, before));
    if (best) {
      const { run, same } = best;
      const ratio = same.emulatedMs / same.nativeMs;
      const steps = same.steps === 1 ? 'the same RUN step' : `the same ${same.steps} RUN steps`;
      const when = run.earlier === undefined ? 'in this build' : `in earlier build ${run.earlier}`;
      return (
        `${r.platform} took ${seconds(same.emulatedMs)} emulated (QEMU) on ${where}, ${times(ratio)} the ` +
        `${seconds(same.nativeMs)} of native ${run.platform} on "${run.node}" for ${steps} (measured ${when})`
      );
    }
    typical = true;
    const head = `${r.platform} was emulated (QEMU) on ${where}`;
    return r.durationMs === null ? head : `${head}: ${seconds(r.durationMs)}`;
  });
  return `${parts.join('; ')}.${typical ? ` ${TYPICAL}` : ''}`;
}

/**
 * Every platform built leaves a record on the node that built it, but `history inspect` names the platforms of
 * one node only: when a single record is left without platforms, the platforms no detail names were built there
 * (a two-node single build is then known whole). With more such records nothing is guessed.
 */
function byElimination(built: readonly NodeBuild[], platforms: readonly string[]): NodeBuild[] {
  const unnamed = built.filter((b) => b.platforms.length === 0);
  const named = new Set(built.flatMap((b) => b.platforms));
  const rest = platforms.filter((p) => !named.has(p));
  if (unnamed.length !== 1 || rest.length === 0) return [...built];
  return built.map((b) => (b === unnamed[0] ? { ...b, platforms: rest } : b));
}

/** The report of one build, from what was predicted and what buildx's history says happened. */
export function buildReport(input: ReportInput): BuildReport {
  const built = byElimination(
    input.built,
    input.routes.map((r) => r.platform),
  );
  const rows = input.routes.map((r) => platformRow(r, { ...input, built }));
  const platforms = rows.map((r) => r.report);
  const warnings = platforms
    .filter((r) => r.builtOn !== null && r.node !== null && r.builtOn !== r.node)
    .map((r) => `${r.platform} was built on "${r.builtOn}", not on "${r.node}" as predicted`);
  return {
    strategy: input.strategy,
    reason: input.reason,
    digest: input.digest ?? null,
    wallMs: input.wallMs,
    platforms,
    emulation: emulationLine(rows, input),
    warnings,
  };
}
