// After a build: what buildx's history says each node did (builtOn, time, cached steps), and the report shown
// on the terminal and appended to $GITHUB_STEP_SUMMARY. Where buildx has no history (below 0.23) nothing is read.
import { appendFile } from 'node:fs/promises';
import type { Runner } from '../buildx/exec.js';
import type { BuildxVersion } from '../buildx/model.js';
import { parseHistoryInspect, parseHistoryLs, splitBuildRef } from '../buildx/parse/history.js';
import { type BuildReport, type NodeBuild, nodeBuildsOf } from '../core/build-report.js';
import type { Deps } from '../deps.js';
import { explainErrno } from '../fs-errors.js';
import { layoutOf } from '../ui/output.js';
import { renderReport, renderReportMarkdown } from '../ui/render-report.js';

/**
 * What each node of `builder` did for the build whose metadata says `buildx.build.ref` = `buildRef`. On a
 * multi-node builder `history inspect` describes one node only (parse/history.ts): the report places the rest by
 * elimination where it can (core/build-report.ts), and rows it cannot place say "predicted"; a split job runs on
 * one node, so its row is whole.
 */
export async function readNodeBuilds(
  run: Runner,
  version: BuildxVersion,
  builder: string,
  buildRef: string | undefined,
): Promise<NodeBuild[]> {
  const parts = buildRef === undefined ? undefined : splitBuildRef(buildRef);
  if (!version.caps.historyJson || parts === undefined) return [];
  // Two reads, side by side: the inspect names its record, so it need not wait for the list.
  const [ls, inspect] = await Promise.all([
    run('docker', ['buildx', 'history', 'ls', '--builder', builder, '--format', 'json']),
    run('docker', ['buildx', 'history', 'inspect', '--builder', builder, parts.ref, '--format', 'json']),
  ]);
  const records = ls.outcome.kind === 'ok' ? parseHistoryLs(ls.stdout) : undefined;
  if (!records?.ok) return [];
  const detail = inspect.outcome.kind === 'ok' ? parseHistoryInspect(inspect.stdout) : undefined;
  return nodeBuildsOf(records.value, parts.ref, detail?.ok ? [detail.value] : []);
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
