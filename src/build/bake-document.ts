// The one `mpb bake --json` document: the plan (what a dry run and a refusal give), then, after the bake, what
// each job and target did and the report. Field names are an interface scripts rely on (README).
import { shellQuote } from '../buildx/quote.js';
import type { BakePlan } from './bake-plan.js';
import type { BakeRun } from './bake-run.js';
import type { BuildTarget } from './target.js';

const commandOf = (argv: readonly string[]) => shellQuote(['docker', ...argv]);

export function bakeDocument(target: BuildTarget, plan: BakePlan) {
  return {
    builder: plan.builder,
    builderFrom: target.from,
    buildx: target.version.raw,
    mode: plan.mode,
    reason: plan.reason,
    targets: plan.targets,
    pools: plan.pools,
    jobs: plan.jobs.map((j) => ({
      target: j.target,
      platform: j.platform,
      node: j.node,
      builder: j.builder,
      helper: j.helper,
      verdict: j.verdict,
      command: commandOf(j.argv),
      cacheRefs: j.cacheRefs,
    })),
    ...(plan.command ? { command: commandOf(plan.command), routes: plan.routes } : {}),
    warnings: plan.warnings,
    ensure: target.ensure ?? null,
  };
}

/** After the bake: the report in place of the plan's jobs (each row says where it was placed and built). */
export function bakeRunDocument(doc: ReturnType<typeof bakeDocument>, run: BakeRun) {
  return {
    ...doc,
    wallMs: run.report.wallMs,
    boundMs: run.report.boundMs,
    jobs: run.report.jobs,
    nodes: run.report.nodes,
    targets: run.report.targets,
  };
}
