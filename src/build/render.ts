// A build's plan and result in the words of build/: a dry run's commands, the summary of a single build.
import { argvLines } from '../ui/command-line.js';
import type { BuildSummary } from '../ui/render-build.js';
import { wrapLine } from '../ui/table.js';
import type { BakePlan } from './bake-plan.js';
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
    cacheOnly: plan.cacheOnly,
  };
}

const CACHE_ONLY_DRY =
  '# exports nothing: the result would stay in the build cache only (add --push with -t, --load, or -o type=…)';

/**
 * What a dry run prints: each job's command; for a split, the merge that would follow. Commands are broken with
 * ` \` at argument boundaries to fit `width` (none: one line each, as pipes get them).
 */
export function renderDryRun(plan: BuildPlan, width: number | undefined): string[] {
  const { merge } = plan;
  const command = (argv: readonly string[]) => argvLines(argv, width);
  if (!merge) {
    const note = plan.cacheOnly ? wrapLine(CACHE_ONLY_DRY, width, '# ') : [];
    return [...command(['docker', ...plan.jobs[0]!.argv]), ...note];
  }
  const digests = plan.jobs.map((j) => `${merge.repo}@<digest of ${j.platforms.join(',')}>`);
  const create = ['docker', 'buildx', 'imagetools', 'create', ...merge.tags.flatMap((t) => ['--tag', t])];
  return [
    ...plan.jobs.flatMap((j) => [
      `# ${j.platforms.join(', ')} on node "${j.node}"${j.helper ? ` (through helper builder ${j.builder})` : ''}`,
      ...command(['docker', ...j.argv]),
    ]),
    '# then, once every job has pushed its digest, the tags move together:',
    ...command([...create, ...digests]),
  ];
}

/**
 * A bake's dry run: buildx's own bake as one command; a fleet bake's jobs, each with its node, then each target's
 * merge. Broken to fit `width` as renderDryRun's.
 */
export function renderBakeDryRun(plan: BakePlan, width: number | undefined): string[] {
  const command = (argv: readonly string[]) => argvLines(argv, width);
  const comment = (text: string) => wrapLine(`# ${text}`, width, '# ');
  if (plan.command) return command(['docker', ...plan.command]);
  return [
    ...plan.jobs.flatMap((j) => [
      ...comment(
        `${j.target} ${j.platform} on node "${j.node}"${j.helper ? ` (through helper builder ${j.builder})` : ''}`,
      ),
      ...command(['docker', ...j.argv]),
    ]),
    ...comment('then, per target, once each of its platforms has pushed its digest, its tags move together:'),
    ...plan.targets.flatMap((t) =>
      command([
        'docker',
        'buildx',
        'imagetools',
        'create',
        ...t.tags.flatMap((tag) => ['--tag', tag]),
        ...t.platforms.map((p) => `${t.repo}@<digest of ${t.name} ${p}>`),
      ]),
    ),
  ];
}
