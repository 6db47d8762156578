// mpb build: read the request, ensure and read the builder, plan (routing, strategy, jobs), show the plan, then
// run it and report. Each step is its own module in src/build/; this file only puts them in order and prints.
import { planBuild } from '../build/plan.js';
import { readRequest } from '../build/request.js';
import { resolveTarget } from '../build/target.js';
import { shellQuote } from '../buildx/quote.js';
import { REFUSAL_OUTCOME } from '../core/build-gate.js';
import type { Deps } from '../deps.js';
import { refusalError, UnhealthyError } from '../errors.js';
import type { BuildOptions } from '../options.js';
import { describeDeath } from '../probe/watch.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf, widthOf } from '../ui/output.js';
import { renderRoutes, renderSummary } from '../ui/render-build.js';
import { renderEnsure } from '../ui/render-ensure.js';
import { wrapLine } from '../ui/table.js';

/** `mpb build [CONTEXT] [-- BUILDX-ARGS...]`: see the `build` command in cli.ts for the flags. */
export async function runBuild(
  deps: Deps,
  context: string,
  buildxArgs: string[],
  options: BuildOptions,
): Promise<CommandResult> {
  const { out } = deps;
  const request = readRequest(context, buildxArgs, options);
  const target = await resolveTarget(deps, { ...options, requested: request.platforms });
  const plan = planBuild(target, request);
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
    out.result(dryRunLines(plan).join('\n'));
    return { outcome: 'ok' };
  }

  const { runPlan } = await import('../build/run.js');
  const title = plan.merge ? `split build on ${target.name}` : `docker buildx build on ${target.name}`;
  const run = await out.group(title, () => runPlan(deps, target, plan, options));
  const failure =
    run.ok || !plan.merge
      ? []
      : (await import('../build/jobs.js')).describeFailure(run.results, plan.merge.repo);
  const death = run.died && describeDeath(run.died);
  const hint = plan.merge
    ? `The tags were not moved. ${death?.hint ?? 'Fix that node and build again.'}`
    : (death?.hint ?? '');
  const message = death?.message ?? failure[0];
  const errors =
    run.ok || message === undefined ? [] : [{ ...(run.died ? { code: run.died.code } : {}), message, hint }];
  const single = plan.merge ? undefined : run.results[0]!;
  const outcome = run.died ? ('unhealthy' as const) : { exited: single ? single.exitCode : run.ok ? 0 : 1 };

  if (deps.json) {
    if (failure.length > 0) deps.stderr.write(`${failure.join('\n')}\n`);
    if (run.report) await (await import('../build/history.js')).showReport(deps, run.report, plan.warnings);
    return { outcome, data: runDocument(doc, plan, run, errors) };
  }
  if (death && single) throw new UnhealthyError(death.message, { hint: death.hint });
  if (run.ok) {
    const images = single?.imageNames.length ? single.imageNames : plan.tags;
    const digest = run.index?.digest ?? single?.digest;
    const durationMs = single?.durationMs ?? run.report?.wallMs ?? 0;
    const summary = {
      builder: target.name,
      images,
      digest,
      routes: run.report ? [] : plan.routes,
      durationMs,
    };
    // The report that follows has the routing table's rows and more: the summary keeps to the image.
    if (single) out.result(renderSummary(summary, out.color).join('\n'));
  } else if (single) {
    deps.stderr.write(`${out.color.red('error:')} docker buildx build exited with ${single.exitCode}\n`);
  } else {
    deps.stderr.write(`${out.color.red('error:')} split build failed: ${failure.join('\n')}\n`);
    if (run.died) deps.stderr.write(`  ${out.color.dim('→')} ${hint}\n`);
  }
  if (run.report && run.ok)
    await (await import('../build/history.js')).showReport(deps, run.report, plan.warnings);
  return { outcome };
}

/** What a dry run prints: each job's command; for a split, the merge that would follow. */
function dryRunLines(plan: ReturnType<typeof planBuild>): string[] {
  if (!plan.merge) return [shellQuote(['docker', ...plan.jobs[0]!.argv])];
  const digests = plan.jobs.map((j) => `${plan.merge!.repo}@<digest of ${j.platforms.join(',')}>`);
  return [
    ...plan.jobs.flatMap((j) => [
      `# ${j.platforms.join(', ')} on node "${j.node}"${j.helper ? ` (through helper builder ${j.builder})` : ''}`,
      shellQuote(['docker', ...j.argv]),
    ]),
    '# then, once every job has pushed its digest: the tags move together',
    shellQuote([
      'docker',
      'buildx',
      'imagetools',
      'create',
      ...plan.merge.tags.flatMap((t) => ['--tag', t]),
      ...digests,
    ]),
  ];
}
