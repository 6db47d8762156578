// Carries a fleet bake out: every job at once on its node, its node watched; a job whose node goes down moves,
// once, to another node of its pool that runs the platform natively (never to an emulating one); each target's
// platforms are merged under its tags as soon as all of them are built, and a failed target leaves its tags as
// they were while the others finish. Then what buildx's history says each job did (the report).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bakeJobArgs } from '../buildx/bake-args.js';
import { loadExeca } from '../buildx/exec.js';
import { parseBakeMetadataFile } from '../buildx/parse/bake-metadata.js';
import type { BakeDefinition } from '../buildx/parse/bake-print.js';
import { splitBuildRef } from '../buildx/parse/history.js';
import type { ImageReport } from '../buildx/parse/imagetools.js';
import { lostUploadRace, UPLOAD_RACE_RETRY } from '../buildx/upload-race.js';
import { type Attempt, type BakeReport, type BakeTargetRow, bakeReport } from '../core/bake-report.js';
import type { CacheFigures } from '../core/platform-figures.js';
import { leastBusy } from '../core/scheduler.js';
import type { Deps } from '../deps.js';
import { InterruptedError, isMpbError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import { describeDeath, type NodeDeath, runWatched, type WatchOptions } from '../probe/watch.js';
import { jobView } from '../ui/render-jobs.js';
import { type BakeJob, type BakePlan, type BakeTargetPlan, jobOf } from './bake-plan.js';
import type { BakeRequest } from './bake-request.js';
import { prepareHelpers } from './helpers.js';
import { type RunSettings, watchOptionsOf } from './run.js';
import type { BuildTarget } from './target.js';

export interface BakeJobResult {
  /** The job as it ran last (moved: on its new node). */
  job: BakeJob;
  ok: boolean;
  digest: string | undefined;
  buildRef: string | undefined;
  attempts: (Attempt & { died: NodeDeath | undefined })[];
}

export interface BakeTargetResult {
  target: BakeTargetPlan;
  ok: boolean;
  index: ImageReport | undefined;
  /** Why its tags did not move. */
  why: string | undefined;
}

export interface BakeRun {
  jobs: BakeJobResult[];
  targets: BakeTargetResult[];
  ok: boolean;
  report: BakeReport;
}

async function readDigest(deps: Deps, file: string, target: string) {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parseBakeMetadataFile(text);
  if (!parsed.ok) deps.out.warn(`could not read ${file}: ${parsed.error.message}`);
  return parsed.ok ? parsed.value.targets[target] : undefined;
}

interface Context {
  deps: Deps;
  def: BakeDefinition;
  target: BuildTarget;
  request: BakeRequest;
  plan: BakePlan;
  dir: string;
  watch: WatchOptions;
  started: number;
  /** Jobs running on each node now: a moved job goes to the least busy node left. */
  running: Map<string, number>;
  /** Nodes found down during the bake: no job moves there. */
  lost: Set<string>;
  /** Helper builders made (or being made), once each. */
  helpers: Map<string, Promise<void>>;
}

function helperFor(ctx: Context, job: BakeJob): Promise<void> {
  let ready = ctx.helpers.get(job.builder);
  if (!ready) {
    ready = prepareHelpers(ctx.deps, ctx.target, [{ ...job, platforms: [job.platform] }]);
    ctx.helpers.set(job.builder, ready);
  }
  return ready;
}

/** Another live node of the job's pool, the least busy now; undefined when none is left. */
function moveTarget(ctx: Context, job: BakeJob): string | undefined {
  const pool = ctx.plan.pools.find((p) => p.platform === job.platform);
  const left = (pool?.nodes ?? []).filter((n) => n !== job.node && !ctx.lost.has(n));
  return leastBusy(job.id, left, (n) => ctx.running.get(n) ?? 0);
}

async function runJob(ctx: Context, first: BakeJob, i: number, view: ReturnType<typeof jobView>) {
  const { deps } = ctx;
  const attempts: BakeJobResult['attempts'] = [];
  let job = first;
  let raced = false;
  for (;;) {
    await helperFor(ctx, job);
    const file = path.join(ctx.dir, `job-${i}-${attempts.length}.json`);
    const argv = bakeJobArgs(ctx.request.args, { ...job.args, metadataFile: file });
    ctx.running.set(job.node, (ctx.running.get(job.node) ?? 0) + 1);
    const startMs = performance.now() - ctx.started;
    const { result, died } = await runWatched(
      deps,
      argv,
      ctx.target.probeNodes,
      new Map([[job.node, [job.platform]]]),
      { ...ctx.watch, stdio: 'pipe', onLine: (line: string) => view.line(i, line) },
    ).finally(() => ctx.running.set(job.node, (ctx.running.get(job.node) ?? 1) - 1));
    const endMs = performance.now() - ctx.started;
    // A push that lost the registry's upload race runs once more on the same node (buildx/upload-race.ts).
    if (!died && result.exitCode !== 0 && lostUploadRace(result.stderr) && !raced) {
      raced = true;
      deps.out.warn(`${job.id} on node "${job.node}": ${UPLOAD_RACE_RETRY}`);
      continue;
    }
    const meta = result.exitCode === 0 && !died ? await readDigest(deps, file, job.target) : undefined;
    const ok = meta?.digest !== undefined;
    attempts.push({ node: job.node, startMs, endMs, ok, died });
    const next = died && attempts.length === 1 ? moveTarget(ctx, job) : undefined;
    if (died) ctx.lost.add(died.node);
    if (!next) {
      view.done(i, died ? 3 : result.exitCode);
      return {
        job,
        ok,
        digest: meta?.digest,
        buildRef: meta?.buildRef,
        attempts,
      } satisfies BakeJobResult;
    }
    deps.out.warn(`${describeDeath(died!).message}: ${job.id} moves to "${next}"`);
    const t = ctx.plan.targets.find((x) => x.name === job.target)!;
    job = jobOf(ctx.def, ctx.target, ctx.request, t, job.platform, next);
  }
}

/** Merges a target once all its jobs are built; a failure here fails the target, not the bake. */
async function mergeTarget(
  ctx: Context,
  t: BakeTargetPlan,
  jobs: Promise<BakeJobResult>[],
): Promise<BakeTargetResult> {
  const results = await Promise.all(jobs);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    return {
      target: t,
      ok: false,
      index: undefined,
      why: `${failed.map((r) => r.job.id).join(', ')} failed`,
    };
  }
  const { mergeJobs } = await import('./merge.js');
  try {
    const index = await mergeJobs(
      ctx.deps,
      { tags: t.tags, repo: t.repo!, metadataFile: undefined, iidfile: undefined },
      results.map((r) => ({ digest: r.digest, job: { platforms: [r.job.platform] } })),
    );
    return { target: t, ok: true, index, why: undefined };
  } catch (e) {
    if (e instanceof InterruptedError || !isMpbError(e)) throw e;
    return { target: t, ok: false, index: undefined, why: e.message };
  }
}

export async function runBake(
  deps: Deps,
  def: BakeDefinition,
  target: BuildTarget,
  request: BakeRequest,
  plan: BakePlan,
  settings: RunSettings,
): Promise<BakeRun> {
  const started = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'mpb-bake-')).catch((e: unknown) => {
    throw fsError(e, tmpdir(), 'create a temporary folder in', 'TMPDIR names it.');
  });
  const view = jobView(
    deps,
    plan.jobs.map((j) => ({ node: j.node, platforms: [j.platform], label: j.id })),
  );
  try {
    await loadExeca();
    const ctx: Context = {
      deps,
      def,
      target,
      request,
      plan,
      dir,
      started,
      running: new Map(),
      lost: new Set(),
      helpers: new Map(),
      watch: watchOptionsOf(target, settings),
    };
    // The helpers the placed jobs need, made (or checked) together before any job waits on one.
    const helpers = prepareHelpers(
      deps,
      target,
      plan.jobs.map((j) => ({ ...j, platforms: [j.platform] })),
    );
    for (const j of plan.jobs) if (j.helper) ctx.helpers.set(j.builder, helpers);
    const running = plan.jobs.map((job, i) => runJob(ctx, job, i, view));
    // What each job's cache served is read as soon as it ends, while the others still build.
    const history = import('./history.js');
    const steps = running.map(async (job) => {
      const r = await job;
      return r.ok
        ? (await history).readJobSteps(deps.run, target.version, r.job.builder, r.buildRef)
        : undefined;
    });
    const merged = plan.targets.map((t) =>
      mergeTarget(
        ctx,
        t,
        running.filter((_, i) => plan.jobs[i]!.target === t.name),
      ),
    );
    // Every job and merge ends before any error goes on: Ctrl-C stops them all, the temp folder goes after.
    const settled = await Promise.allSettled([...running, ...merged, ...steps]);
    const rejected = settled.find((s) => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    const jobs = await Promise.all(running);
    const targets = await Promise.all(merged);
    const wallMs = Math.round(performance.now() - started);
    const report = reportOf(plan, jobs, await Promise.all(steps), targets, wallMs);
    return { jobs, targets, ok: targets.every((t) => t.ok), report };
  } finally {
    view.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function reportOf(
  plan: BakePlan,
  jobs: readonly BakeJobResult[],
  steps: readonly (CacheFigures | undefined)[],
  targets: readonly BakeTargetResult[],
  wallMs: number,
): BakeReport {
  const rows = jobs.map((r, i) => {
    const figures = steps[i];
    const last = r.attempts.at(-1)!;
    return {
      row: {
        target: r.job.target,
        platform: r.job.platform,
        node: r.job.node,
        // buildx's own word: the build ref names the node it built on.
        builtOn: (r.buildRef && splitBuildRef(r.buildRef)?.node) ?? null,
        verdict: r.job.verdict,
        outcome: r.ok ? ('built' as const) : ('failed' as const),
        durationMs: Math.round(last.endMs - last.startMs),
        cachedSteps: figures?.cachedSteps ?? null,
        totalSteps: figures?.totalSteps ?? null,
        retries: r.attempts.length - 1,
        movedFrom: r.attempts.slice(0, -1).map((a) => a.node),
      },
      attempts: r.attempts.map(({ node, startMs, endMs, ok }) => ({
        node,
        startMs: Math.round(startMs),
        endMs: Math.round(endMs),
        ok,
      })),
    };
  });
  const targetRows: BakeTargetRow[] = targets.map((t) => ({
    target: t.target.name,
    tags: t.target.tags,
    outcome: t.ok ? 'tagged' : 'failed',
    digest: t.index?.digest ?? null,
    why: t.why ?? null,
  }));
  return bakeReport({
    wallMs,
    jobs: rows,
    poolSizes: new Map(plan.pools.map((p) => [p.platform, p.nodes.length])),
    targets: targetRows,
    warnings: plan.warnings,
  });
}
