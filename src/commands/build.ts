// mpb build: read the request, ensure and read the builder, plan (routing, strategy, jobs), show the plan, then
// run it and report. Each step is its own module in src/build/; this file only puts them in order and prints.
import { refuseMissingFlags } from '../build/flag-check.js';
import { planBuild } from '../build/plan.js';
import { renderDryRun, summaryOf } from '../build/render.js';
import { readRequest } from '../build/request.js';
import { resolveTarget } from '../build/target.js';
import { loadExeca } from '../buildx/exec.js';
import { REFUSAL_OUTCOME } from '../core/build-gate.js';
import type { Deps } from '../deps.js';
import { refusalError, UnhealthyError } from '../errors.js';
import type { BuildOptions } from '../options.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf } from '../ui/output.js';
import { renderRoutes, renderSummary } from '../ui/render-build.js';
import { renderEnsure } from '../ui/render-ensure.js';
import { widthOf, wrapLine } from '../ui/table.js';

/** `mpb build [CONTEXT] [-- BUILDX-ARGS...]`: see the `build` command in cli.ts for the flags. */
export async function runBuild(
  deps: Deps,
  context: string,
  buildxArgs: string[],
  options: BuildOptions,
): Promise<CommandResult> {
  const { out } = deps;
  // execa loads while ensure waits on the nodes' answers, not between the plan and buildx's start.
  loadExeca().catch(() => {});
  const request = readRequest(context, buildxArgs, options);
  await refuseMissingFlags(deps.run, deps.env, request.flags);
  const target = await resolveTarget(deps, { ...options, requested: request.platforms });
  // A platform declared on several live nodes (a pool): their daemons say how busy each is.
  const { busyOf, hasPool } = await import('../build/busy.js');
  const busy = hasPool(target) ? await busyOf(deps, target, options.probeTimeout) : new Map<string, number>();
  const plan = planBuild(target, request, busy);
  const { planDocument, refusalDocument, runDocument } = await import('../build/document.js');
  const doc = planDocument(target, plan);

  if (!deps.json) {
    const ensure = target.ensure;
    if (ensure?.dryRun) out.result(renderEnsure(ensure, out.color, layoutOf(out)).join('\n'));
    else if (ensure && plan.refusal?.kind === 'unhealthy')
      out.info(renderEnsure(ensure, out.color, layoutOf(out)).join('\n'));
    if (plan.routes.length > 0) out.info(renderRoutes(plan.routes, out.color).join('\n'));
    else out.info(`no --platform: buildx builds for the platform of the first node of "${target.name}"`);
  }
  // Said in --json too: which strategy runs, and why, is what a CI log reader needs first.
  deps.stderr.write(
    `${wrapLine(`strategy: ${plan.strategy} (${plan.reason})`, widthOf(deps.stderr), '  ').join('\n')}\n`,
  );
  for (const w of plan.warnings) out.warn(w);
  if (plan.refusal) {
    const outcome = REFUSAL_OUTCOME[plan.refusal.kind];
    if (deps.json) return { outcome, data: refusalDocument(doc, plan.refusal) };
    throw refusalError(outcome, `not building: ${plan.refusal.message}`, plan.refusal.hint);
  }
  if (options.dryRun) {
    if (deps.json) return { outcome: 'ok', data: { dryRun: true, ...doc } };
    out.result(renderDryRun(plan, layoutOf(out).width).join('\n'));
    return { outcome: 'ok' };
  }

  const { runPlan } = await import('../build/run.js');
  const title = plan.merge ? `split build on ${target.name}` : `docker buildx build on ${target.name}`;
  const run = await out.group(title, () => runPlan(deps, target, plan, options));
  // Loaded once buildx has run (run.ts loads the history's parsers while it starts).
  const [{ judgeRun }, { showReport }] = await Promise.all([
    import('../build/verdict.js'),
    import('../build/history.js'),
  ]);
  const { outcome, errors, failure } = judgeRun(plan, run);
  if (deps.json) {
    if (failure.length > 0) deps.stderr.write(`${failure.join('\n')}\n`);
    if (run.report) await showReport(deps, run.report, plan.warnings);
    return { outcome, data: runDocument(doc, plan, run, errors) };
  }
  const single = plan.merge ? undefined : run.results[0];
  if (single && run.died) throw new UnhealthyError(errors[0]!.message, { hint: errors[0]!.hint });
  if (!run.ok) {
    const what = single
      ? `docker buildx build exited with ${single.exitCode}`
      : `split build failed: ${failure.join('\n')}`;
    deps.stderr.write(`${out.color.red('error:')} ${what}\n`);
    if (run.died) deps.stderr.write(`  ${out.color.dim('→')} ${errors[0]!.hint}\n`);
    return { outcome };
  }
  if (options.quiet) {
    // -q: stdout holds the image ID alone, as buildx's does. A single build's buildx printed it; a split's
    // is the merged index. The report still goes to $GITHUB_STEP_SUMMARY and its warnings to stderr.
    if (run.index) out.result(run.index.digest);
    if (run.report) await showReport({ ...deps, json: true }, run.report, plan.warnings);
    return { outcome };
  }
  // The report that follows has the routing table's rows and more: the summary keeps to the image.
  if (single) out.result(renderSummary(summaryOf(target.name, plan, run, single), out.color).join('\n'));
  if (run.report) await showReport(deps, run.report, plan.warnings);
  return { outcome };
}
