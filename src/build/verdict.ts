// How a finished build ends, from the plan and what ran: the outcome (buildx's own exit code for a single build;
// 1 when a split job failed, nothing tagged; 3 when a node stopped answering), and the errors and failure lines
// that say so. Pure.
import { lastLines } from '../buildx/run-result.js';
import type { Outcome } from '../errors.js';
import { describeDeath } from '../probe/watch.js';
import { isFailed, type JobResult } from './jobs.js';
import type { BuildPlan } from './plan.js';
import type { BuildRun } from './run.js';

export interface BuildVerdict {
  outcome: Outcome;
  /** The --json `errors`: what failed, and what to do. */
  errors: { code?: string; message: string; hint: string }[];
  /** A failed split's lines: each failed job with its buildx output, then what was pushed untagged. */
  failure: string[];
}

export function judgeRun(plan: BuildPlan, run: BuildRun): BuildVerdict {
  const failure = run.ok || !plan.merge ? [] : describeFailure(run.results, plan.merge.repo);
  const death = run.died && describeDeath(run.died);
  const hint = plan.merge
    ? `The tags were not moved. ${death?.hint ?? 'Fix that node and build again.'}`
    : (death?.hint ?? '');
  const message = death?.message ?? failure[0];
  const errors =
    run.ok || message === undefined ? [] : [{ ...(run.died ? { code: run.died.code } : {}), message, hint }];
  const single = plan.merge ? undefined : run.results[0];
  const outcome: Outcome = run.died ? 'unhealthy' : { exited: single ? single.exitCode : run.ok ? 0 : 1 };
  return { outcome, errors, failure };
}

/** What a failed split says: which platforms failed where, their buildx output, and what was pushed untagged. */
export function describeFailure(results: readonly JobResult[], repo: string): string[] {
  const failed = results.filter(isFailed);
  const pushed = results.filter((r) => !isFailed(r));
  const platformsOf = (r: JobResult) => r.job.platforms.join(', ');
  return [
    ...failed.flatMap((r) => [
      r.died
        ? `${describeDeath(r.died).message}:`
        : `${platformsOf(r)} on node "${r.job.node}" failed (exit ${r.exitCode}${r.digest === undefined && r.exitCode === 0 ? ', no digest in its metadata' : ''}):`,
      ...lastLines(r.stderr, 20)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => `  [${r.job.platforms.join(',')}] ${l}`),
    ]),
    'nothing was tagged.',
    ...(pushed.length > 0
      ? [
          'pushed by digest, untagged:',
          ...pushed.map((r) => `  ${repo}@${r.digest} (${platformsOf(r)} on "${r.job.node}")`),
        ]
      : []),
  ];
}
