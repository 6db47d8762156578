// The bake report: the tables on stdout (not under --json), and the Markdown in the GitHub job summary.
import { appendFile } from 'node:fs/promises';
import type { BakeReport } from '../core/bake-report.js';
import type { Deps } from '../deps.js';
import { explainErrno } from '../fs-errors.js';
import { layoutOf } from '../ui/output.js';
import { renderBakeMarkdown, renderBakeReport } from '../ui/render-bake.js';

export async function showBakeReport(deps: Deps, report: BakeReport): Promise<void> {
  if (!deps.json) deps.out.result(renderBakeReport(report, deps.out.color, layoutOf(deps.out)).join('\n'));
  const summary = deps.env['GITHUB_STEP_SUMMARY'];
  if (!summary) return;
  await appendFile(summary, renderBakeMarkdown(report)).catch((e: NodeJS.ErrnoException) => {
    deps.out.warn(
      `could not append the report to ${summary}: ${explainErrno(e.code ?? String(e), summary).why}`,
    );
  });
}
