// After a build: what buildx's history says each node did (builtOn, time, cached steps), and the report shown
// on the terminal and appended to $GITHUB_STEP_SUMMARY. Where buildx has no history (below 0.23) nothing is read.
import { appendFile } from 'node:fs/promises';
import type { Runner } from '../buildx/exec.js';
import type { BuildxVersion } from '../buildx/model.js';
import { parseHistoryInspect, parseHistoryLs, splitBuildRef } from '../buildx/parse/history.js';
import { parseProgressJson } from '../buildx/parse/progress.js';
import { type BuildReport, type NodeBuild, nodeBuildsOf } from '../core/build-report.js';
import type { Deps } from '../deps.js';
import { explainErrno } from '../fs-errors.js';
import { layoutOf } from '../ui/output.js';
import { renderReport, renderReportMarkdown } from '../ui/render-report.js';

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

/** The report: the table on stdout (not under --json), its new warnings on stderr, and the Markdown in the GitHub job summary. */
export async function showReport(deps: Deps, report: BuildReport, shown: readonly string[]): Promise<void> {
  if (!deps.json) {
    deps.out.result(renderReport({ ...report, warnings: [] }, deps.out.color, layoutOf(deps.out)).join('\n'));
  }
  // Warnings known before the build were printed then.
  for (const w of report.warnings.filter((w) => !shown.includes(w))) deps.out.warn(w);
  const summary = deps.env['GITHUB_STEP_SUMMARY'];
  if (summary) {
    await appendFile(summary, renderReportMarkdown(report)).catch((e: NodeJS.ErrnoException) => {
      deps.out.warn(
        `could not append the report to ${summary}: ${explainErrno(e.code ?? String(e), summary).why}`,
      );
    });
  }
}
