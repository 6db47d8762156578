// mpb bake: buildx reads the bake file (--print), the builder is ensured and read, each target × platform goes to
// a native node of its pool, then the jobs run, each target is merged under its tags, and one report says where
// everything was built. Each step is its own module in src/build/; this file only puts them in order and prints.
import { readDefinition } from '../build/bake-definition.js';
import { bakeDocument, bakeRunDocument } from '../build/bake-document.js';
import { planBake } from '../build/bake-plan.js';
import { readBakeRequest } from '../build/bake-request.js';
import { busyOf } from '../build/busy.js';
import { resolveTarget } from '../build/target.js';
import { bakeReadArgs } from '../buildx/bake-args.js';
import { loadExeca, TIMEOUT_MS } from '../buildx/exec.js';
import { detectVersion } from '../buildx/read.js';
import type { Deps } from '../deps.js';
import { refusalError } from '../errors.js';
import type { BakeOptions } from '../options.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf } from '../ui/output.js';
import { renderBakePlan } from '../ui/render-bake.js';
import { renderRoutes } from '../ui/render-build.js';
import { wrapLine } from '../ui/table.js';

/** `mpb bake [TARGET…]`: see the `bake` command in cli.ts for the flags. */
export async function runBake(deps: Deps, targets: string[], options: BakeOptions): Promise<CommandResult> {
  const { out } = deps;
  loadExeca().catch(() => {});
  const request = readBakeRequest(targets, options);
  const printArgv = bakeReadArgs(request.args, request.targets);
  // buildx first (remembered, so mostly no call): without it docker's own "unknown flag" would read as the file's fault.
  await detectVersion(deps.run, deps.env);
  // buildx's own reads, which build nothing: its output as it is.
  if (options.print || options.list !== undefined) {
    const argv = options.print
      ? printArgv
      : bakeReadArgs(request.args, request.targets, `--list=${options.list}`);
    const r = await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.read, stdio: 'inherit' });
    return { outcome: r.exitCode === 0 ? 'ok' : { exited: r.exitCode } };
  }
  const def = await readDefinition(deps, printArgv);
  const platforms = [...new Set(Object.values(def.targets).flatMap((t) => t.platforms))];
  const target = await resolveTarget(deps, {
    ...options,
    requested: platforms.length > 0 ? platforms : undefined,
    // A node down is the pools' business (its jobs go to the others), not a reason to stop here.
    allowDegraded: true,
  });
  const busy = await busyOf(deps, target, options.probeTimeout);
  const plan = planBake(def, target, request, busy);
  const doc = bakeDocument(target, plan);
  const width = layoutOf(out).width;
  if (!deps.json) {
    if (plan.mode === 'bake') out.info(renderRoutes(plan.routes, out.color).join('\n'));
    else if (plan.jobs.length > 0) out.info(renderBakePlan(plan.pools, plan.jobs, width).join('\n'));
  }
  deps.stderr.write(`${wrapLine(`bake: ${plan.mode} (${plan.reason})`, width, '  ').join('\n')}\n`);
  for (const w of plan.warnings) out.warn(w);
  if (plan.refusal) {
    const outcome = plan.refusal.kind;
    if (deps.json) return { outcome, data: { ...doc, refusal: plan.refusal } };
    throw refusalError(outcome, `not baking: ${plan.refusal.message}`, plan.refusal.hint);
  }
  if (options.dryRun) {
    if (deps.json) return { outcome: 'ok', data: { dryRun: true, ...doc } };
    const { renderBakeDryRun } = await import('../build/render.js');
    out.result(renderBakeDryRun(plan, width).join('\n'));
    return { outcome: 'ok' };
  }
  if (plan.mode === 'bake') {
    const { runWholeBake } = await import('../build/bake-whole.js');
    const code = await runWholeBake(deps, target, plan, options);
    return { outcome: code === 0 ? 'ok' : { exited: code }, data: doc };
  }
  const { runBake: run } = await import('../build/bake-run.js');
  const result = await out.group(`bake on ${target.name}`, () =>
    run(deps, def, target, request, plan, options),
  );
  const { showBakeReport, writeBakeMetadata } = await import('../build/bake-show.js');
  if (request.metadataFile) await writeBakeMetadata(deps, request.metadataFile, result);
  await showBakeReport(deps, result.report);
  // A node that went down with no native node left to take its jobs is the fleet's health (3); else buildx's (1).
  const lostNode = result.jobs.some((j) => !j.ok && j.attempts.at(-1)?.died);
  const outcome = result.ok ? 'ok' : lostNode ? 'unhealthy' : { exited: 1 };
  if (!result.ok && !deps.json) {
    const failed = result.targets.filter((t) => !t.ok).map((t) => t.target.name);
    deps.stderr.write(
      `${out.color.red('error:')} bake failed: ${failed.join(', ')} not tagged (their tags are where they were)\n`,
    );
  }
  return { outcome, data: bakeRunDocument(doc, result) };
}
