// The one `mpb build --json` document: the plan (what a dry run and a refusal give), then, after a build, what
// each job did and the report. Field names are an interface scripts rely on (README, `mpb build --json`).
import { shellQuote } from '../buildx/quote.js';
import type { Refusal } from '../core/build-gate.js';
import type { BuildPlan } from './plan.js';
import type { BuildRun } from './run.js';
import type { BuildTarget } from './target.js';

const commandOf = (argv: readonly string[]) => shellQuote(['docker', ...argv]);

/** The plan as --json shows it, before anything runs. */
export function planDocument(target: BuildTarget, plan: BuildPlan) {
  const single = plan.merge === undefined;
  return {
    builder: plan.builder,
    builderFrom: target.from,
    declared: plan.declared,
    buildx: target.version.raw,
    platforms: plan.platforms,
    routes: plan.routes,
    warnings: plan.warnings,
    ensure: target.ensure ?? null,
    preflight: target.preflight ?? null,
    strategy: plan.strategy,
    reason: plan.reason,
    ...(single ? { command: commandOf(plan.jobs[0]!.argv) } : {}),
    jobs: plan.jobs.map((j) => ({
      node: j.node ?? null,
      platforms: j.platforms,
      builder: j.builder,
      helper: j.helper,
      command: commandOf(j.argv),
      cacheRefs: j.cacheRefs,
    })),
  };
}

type PlanDocument = ReturnType<typeof planDocument>;

/** A refusal: the plan, and why it did not run. */
export function refusalDocument(doc: PlanDocument, refusal: Refusal) {
  return { ...doc, errors: [{ code: refusal.code, message: refusal.message, hint: refusal.hint }] };
}

/**
 * After a build: the platforms asked for become `requested`, the report's rows `platforms`; each job gets its
 * exit code, digest and, if its node stopped answering, `died`.
 */
export function runDocument(
  doc: PlanDocument,
  plan: BuildPlan,
  run: BuildRun,
  errors: { code?: string; message: string; hint: string }[],
) {
  const { platforms: requested, jobs, ...rest } = doc;
  const single = plan.merge === undefined ? run.results[0] : undefined;
  const images = single?.imageNames.length ? single.imageNames : [...(plan.merge?.tags ?? plan.tags)];
  const exitCode = run.died ? 3 : single ? single.exitCode : run.ok ? 0 : 1;
  return {
    dryRun: false,
    ...rest,
    requested,
    images,
    ...(single ? { durationMs: single.durationMs } : {}),
    ...(run.report ?? { platforms: requested, digest: single?.digest ?? null }),
    jobs: jobs.map((j, i) => {
      const r = run.results[i]!;
      return { ...j, exitCode: r.exitCode, digest: r.digest ?? null, died: r.died ?? null };
    }),
    exitCode,
    ...(run.died ? { died: run.died } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}
