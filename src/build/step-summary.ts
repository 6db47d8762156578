// GitHub's job summary: a report's Markdown appended to the file $GITHUB_STEP_SUMMARY names, when it names one.
// A file that cannot be written is a warning: the build or bake it reports on stands.
import { appendFile } from 'node:fs/promises';
import type { Deps } from '../deps.js';
import { explainErrno } from '../fs-errors.js';

export async function appendStepSummary(deps: Deps, markdown: string): Promise<void> {
  const summary = deps.env['GITHUB_STEP_SUMMARY'];
  if (!summary) return;
  await appendFile(summary, markdown).catch((e: NodeJS.ErrnoException) => {
    deps.out.warn(
      `could not append the report to ${summary}: ${explainErrno(e.code ?? String(e), summary).why}`,
    );
  });
}
