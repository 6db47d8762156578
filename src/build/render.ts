// A build's plan and result in the words of build/: a dry run's commands, the summary of a single build.
import { shellQuote } from '../buildx/quote.js';
import type { BuildSummary } from '../ui/render-build.js';
import type { JobResult } from './jobs.js';
import type { BuildPlan } from './plan.js';
import type { BuildRun } from './run.js';

/** A single build's summary: the images from its metadata file (else the tags), the digest, its time. */
export function summaryOf(builder: string, plan: BuildPlan, run: BuildRun, job: JobResult): BuildSummary {
  return {
    builder,
    images: job.imageNames.length > 0 ? job.imageNames : plan.tags,
    digest: job.digest,
    routes: run.report ? [] : plan.routes,
    durationMs: job.durationMs,
  };
}

/** What a dry run prints: each job's command; for a split, the merge that would follow. */
export function renderDryRun(plan: BuildPlan): string[] {
  const { merge } = plan;
  if (!merge) return [shellQuote(['docker', ...plan.jobs[0]!.argv])];
  const digests = plan.jobs.map((j) => `${merge.repo}@<digest of ${j.platforms.join(',')}>`);
  const create = ['docker', 'buildx', 'imagetools', 'create', ...merge.tags.flatMap((t) => ['--tag', t])];
  return [
    ...plan.jobs.flatMap((j) => [
      `# ${j.platforms.join(', ')} on node "${j.node}"${j.helper ? ` (through helper builder ${j.builder})` : ''}`,
      shellQuote(['docker', ...j.argv]),
    ]),
    '# then, once every job has pushed its digest, the tags move together:',
    shellQuote([...create, ...digests]),
  ];
}
