// After a build, either strategy: per platform the node predicted, the node that built it (buildx history),
// native or emulated, time and cache; the JSON field names are an interface that scripts rely on. Pure.
import type { HistoryDetail, HistoryRecord } from '../buildx/parse/history.js';
import { recordOfDetail, recordsOfRef, spanMs } from '../buildx/parse/history.js';
import type { Route, RoutingNode } from './routing.js';
import { verdictOn } from './split-plan.js';
import type { Strategy } from './strategy.js';

/** What one node did for this build: its history record, with the platforms `history inspect` gave. */
export interface NodeBuild {
  node: string;
  platforms: string[];
  durationMs: number | undefined;
  cachedSteps: number;
  totalSteps: number;
  status: string;
}

export interface PlatformReport {
  platform: string;
  /** Predicted before the build. */
  node: string | null;
  /** From buildx's history; null where buildx cannot tell (the row then shows the prediction). */
  builtOn: string | null;
  verdict: 'native' | 'emulated' | 'not-served';
  /** The node's whole build: platforms built together on one node share it, and the step counts. */
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
}

/** A node's history record joined with its `history inspect` detail (undefined: no platforms known). */
export function nodeBuildOf(record: HistoryRecord, detail: HistoryDetail | undefined): NodeBuild {
  return {
    node: record.node,
    platforms: detail?.platforms ?? [],
    durationMs: detail?.durationMs ?? spanMs(record.createdAt, record.completedAt),
    cachedSteps: record.cachedSteps,
    totalSteps: record.totalSteps,
    status: record.status,
  };
}

/**
 * What each node did for build `ref`: `history ls` gives one record per node; each `history inspect` detail
 * (one node's, and the JSON does not say whose) is joined to the record it came from.
 */
export function nodeBuildsOf(
  records: readonly HistoryRecord[],
  ref: string,
  details: readonly HistoryDetail[],
): NodeBuild[] {
  const mine = recordsOfRef(records, ref);
  return mine.map((record) =>
    nodeBuildOf(
      record,
      details.find((d) => recordOfDetail(mine, d) === record),
    ),
  );
}

type Row = { report: PlatformReport; build: NodeBuild | undefined };

function platformRow(route: Route, input: ReportInput): Row {
  const build = input.built.find((b) => b.platforms.includes(route.platform));
  const actual = build && input.nodes.find((n) => n.name === build.node);
  const report: PlatformReport = {
    platform: route.platform,
    node: route.node ?? null,
    builtOn: build?.node ?? null,
    verdict: actual ? verdictOn(actual, route.platform) : route.verdict,
    durationMs: build?.durationMs ?? null,
    cachedSteps: build?.cachedSteps ?? null,
    totalSteps: build?.totalSteps ?? null,
  };
  return { report, build };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Emulated rows against the fastest native one of another node build: platforms built together share one time,
 * so comparing them says nothing.
 */
function emulationLine(rows: readonly Row[]): string | null {
  const emulated = rows.filter((r) => r.report.verdict === 'emulated');
  if (emulated.length === 0) return null;
  const parts = emulated.map(({ report: r, build }) => {
    const where = `${r.platform} was emulated (QEMU) on "${r.builtOn ?? r.node}"`;
    if (r.durationMs === null) return where;
    const [fastest] = rows
      .filter((n) => n.build !== build && n.report.verdict === 'native' && (n.report.durationMs ?? 0) > 0)
      .map((n) => n.report)
      .sort((x, y) => x.durationMs! - y.durationMs!);
    const ratio = fastest
      ? `, ${(r.durationMs / fastest.durationMs!).toFixed(1)}× the ${seconds(fastest.durationMs!)} of native ${fastest.platform}`
      : '';
    return `${where}: ${seconds(r.durationMs)}${ratio}`;
  });
  return `${parts.join('; ')}. A node that runs it natively is typically 4–10× faster.`;
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
    emulation: emulationLine(rows),
    warnings,
  };
}
