// After a build: what buildx's history says each node did (builtOn, time, cached steps), and the report shown
// on the terminal and appended to $GITHUB_STEP_SUMMARY. Where buildx has no history (below 0.23) nothing is read.
import type { BuildxVersion } from '../buildx/model.js';
import { parseHistoryInspect, parseHistoryLs, splitBuildRef } from '../buildx/parse/history.js';
import { parseProgressJson } from '../buildx/parse/progress.js';
import type { Runner } from '../buildx/run-types.js';
import { type BuildReport, type NodeBuild, nodeBuildsOf } from '../core/build-report.js';
import { type CacheFigures, cacheFiguresOf } from '../core/platform-figures.js';
import type { Deps } from '../deps.js';
import { layoutOf } from '../ui/output.js';
import { renderReport, renderReportMarkdown } from '../ui/render-report.js';
import { appendStepSummary } from './step-summary.js';

/**
 * What each node of `builder` did for the build whose metadata says `buildx.build.ref` = `buildRef`. On a
 * multi-node builder `history inspect` describes one node only (parse/history.ts): the report places the rest by
 * elimination where it can (core/build-report.ts), and rows it cannot place say "predicted"; a split job runs on
 * one node, so its row is whole. `history logs` replays the build's vertices (of the newest record, again one
 * node's), from which each platform gets its own time and steps (core/platform-figures.ts).
 */
export async function readNodeBuilds(
  run: Runner,
  version: BuildxVersion,
  builder: string,
  buildRef: string | undefined,
): Promise<NodeBuild[]> {
  const parts = buildRef === undefined ? undefined : splitBuildRef(buildRef);
  if (!version.caps.historyJson || parts === undefined) return [];
  // Three reads, side by side: the inspect and the logs name their record, so they need not wait for the list.
  const [ls, inspect, logs] = await Promise.all([
    run('docker', ['buildx', 'history', 'ls', '--builder', builder, '--format', 'json']),
    run('docker', ['buildx', 'history', 'inspect', '--builder', builder, parts.ref, '--format', 'json']),
    // The replay goes to stderr (captures-local v0.29.1 logs-solo-history-logs-two-rawjson).
    run('docker', ['buildx', 'history', 'logs', '--builder', builder, '--progress', 'rawjson', parts.ref]),
  ]);
  const records = ls.outcome.kind === 'ok' ? parseHistoryLs(ls.stdout) : undefined;
  if (!records?.ok) return [];
  const detail = inspect.outcome.kind === 'ok' ? parseHistoryInspect(inspect.stdout) : undefined;
  const vertices = logs.outcome.kind === 'ok' ? parseProgressJson(logs.stderr) : undefined;
  return nodeBuildsOf(
    records.value,
    parts.ref,
    detail?.ok ? [detail.value] : [],
    vertices?.ok && vertices.value.length > 0 ? vertices.value : undefined,
  );
}

/**
 * What the cache served in one bake job (one target, one platform, one node): one `history logs` replay, read as
 * soon as the job ends. Where it built needs no read: its build ref names the node (`builder/node/ref`).
 */
export async function readJobSteps(
  run: Runner,
  version: BuildxVersion,
  builder: string,
  buildRef: string | undefined,
): Promise<CacheFigures | undefined> {
  const parts = buildRef === undefined ? undefined : splitBuildRef(buildRef);
  if (!version.caps.historyJson || parts === undefined) return undefined;
  const logs = await run('docker', [
    'buildx',
    'history',
    'logs',
    '--builder',
    builder,
    '--progress',
    'rawjson',
    parts.ref,
  ]);
  const vertices = logs.outcome.kind === 'ok' ? parseProgressJson(logs.stderr) : undefined;
  return vertices?.ok && vertices.value.length > 0 ? cacheFiguresOf(vertices.value) : undefined;
}

/** How many earlier builds readEarlierBuilds replays at most: each costs two buildx calls, made side by side. */
const EARLIER_BUILDS = 2;

/**
 * The newest earlier builds of the same context (`history ls` name) on `builder`, with their vertices: where an
 * emulated platform's RUN steps ran natively in none of this build's rows, one of them may hold a native run of
 * the same steps (core/build-report.ts). Completed builds only, not this build's own (`current`).
 */
export async function readEarlierBuilds(
  run: Runner,
  version: BuildxVersion,
  builder: string,
  current: readonly NodeBuild[],
): Promise<NodeBuild[]> {
  const names = new Set(current.flatMap((b) => (b.name ? [b.name] : [])));
  const refs = new Set(current.flatMap((b) => (b.ref ? [b.ref] : [])));
  if (!version.caps.historyJson || names.size === 0) return [];
  const ls = await run('docker', ['buildx', 'history', 'ls', '--builder', builder, '--format', 'json']);
  const records = ls.outcome.kind === 'ok' ? parseHistoryLs(ls.stdout) : undefined;
  if (!records?.ok) return [];
  const earlier = [
    ...new Set(
      records.value
        .filter((r) => r.status === 'completed' && names.has(r.name) && !refs.has(r.ref))
        .map((r) => r.ref),
    ),
  ].slice(0, EARLIER_BUILDS);
  const builds = await Promise.all(
    earlier.map(async (ref) => {
      const [inspect, logs] = await Promise.all([
        run('docker', ['buildx', 'history', 'inspect', '--builder', builder, ref, '--format', 'json']),
        run('docker', ['buildx', 'history', 'logs', '--builder', builder, '--progress', 'rawjson', ref]),
      ]);
      const detail = inspect.outcome.kind === 'ok' ? parseHistoryInspect(inspect.stdout) : undefined;
      const vertices = logs.outcome.kind === 'ok' ? parseProgressJson(logs.stderr) : undefined;
      if (!vertices?.ok || vertices.value.length === 0) return [];
      return nodeBuildsOf(records.value, ref, detail?.ok ? [detail.value] : [], vertices.value).filter(
        (b) => b.vertices !== undefined,
      );
    }),
  );
  return builds.flat();
}

/** The report: the table on stdout (not under --json), its new warnings on stderr, and the Markdown in the GitHub job summary. */
export async function showReport(deps: Deps, report: BuildReport, shown: readonly string[]): Promise<void> {
  if (!deps.json) {
    deps.out.result(renderReport({ ...report, warnings: [] }, deps.out.color, layoutOf(deps.out)).join('\n'));
  }
  // Warnings known before the build were printed then.
  for (const w of report.warnings.filter((w) => !shown.includes(w))) deps.out.warn(w);
  await appendStepSummary(deps, renderReportMarkdown(report));
}
