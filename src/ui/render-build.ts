// mpb build for people: the routing table shown before the build, a dry run's commands, and the summary after.
import type { ChalkInstance } from 'chalk';
import type { JobResult } from '../build/jobs.js';
import type { BuildPlan } from '../build/plan.js';
import type { BuildRun } from '../build/run.js';
import { shellQuote } from '../buildx/quote.js';
import type { Route } from '../core/routing.js';
import { renderTable } from './table.js';

/** What a finished build produced; also the body of `mpb build --json`. */
export interface BuildSummary {
  builder: string;
  /** From the metadata file (`image.name`), else the `--tag` values. */
  images: string[];
  /** `containerimage.digest`: the index digest of a multi-platform image. */
  digest: string | undefined;
  routes: Route[];
  durationMs: number;
}

function verdictText(r: Route, c: ChalkInstance): string {
  const verdict =
    r.verdict === 'native'
      ? c.green('native')
      : r.verdict === 'emulated'
        ? c.yellow('emulated (QEMU)')
        : c.red('not served');
  return r.nodeDown ? `${verdict}, ${c.red('node down')}` : verdict;
}

/** Platform → node → native/emulated/not served, one row per requested platform. */
export function renderRoutes(routes: readonly Route[], c: ChalkInstance): string[] {
  const rows = routes.map((r) => [r.platform, r.node ?? '-', verdictText(r, c)]);
  return renderTable([['PLATFORM', 'NODE', 'BUILD'], ...rows]);
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function renderSummary(s: BuildSummary, c: ChalkInstance): string[] {
  const facts = [...s.images.map((name) => ['image', name]), ...(s.digest ? [['digest', s.digest]] : [])];
  return [
    `${c.green('✓')} built on builder "${s.builder}" in ${formatDuration(s.durationMs)}`,
    ...[...renderTable(facts), ...(s.routes.length > 0 ? renderRoutes(s.routes, c) : [])].map(
      (l) => `  ${l}`,
    ),
  ];
}

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
