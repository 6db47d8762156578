// After a fleet bake: the report (the tables on stdout, not under --json; the Markdown in the GitHub job
// summary), and the user's --metadata-file.
import path from 'node:path';
import type { BakeReport } from '../core/bake-report.js';
import type { Deps } from '../deps.js';
import { layoutOf } from '../ui/output.js';
import { renderBakeMarkdown, renderBakeReport } from '../ui/render-bake.js';
import type { BakeRun } from './bake-run.js';
import { mergedMetadataOf, writeMetadataFile } from './merge.js';
import { appendStepSummary } from './step-summary.js';

export async function showBakeReport(deps: Deps, report: BakeReport): Promise<void> {
  if (!deps.json) deps.out.result(renderBakeReport(report, deps.out.color, layoutOf(deps.out)).join('\n'));
  await appendStepSummary(deps, renderBakeMarkdown(report));
}

/** `--metadata-file` as bake writes it (target → its result), each tagged target's merged index. */
export async function writeBakeMetadata(deps: Deps, file: string, run: BakeRun): Promise<void> {
  const doc = Object.fromEntries(
    run.targets.flatMap((t) => (t.index ? [[t.target.name, mergedMetadataOf(t.index, t.target.tags)]] : [])),
  );
  await writeMetadataFile(path.resolve(deps.cwd, file), doc);
}
