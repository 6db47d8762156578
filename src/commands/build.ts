// mpb build: ensure the builder, show which node builds each platform, refuse what buildx would get wrong,
// then run `docker buildx build` with its output live and its exit code passed back.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BuildArgsInput, buildArgs } from '../buildx/build-args.js';
import { expectOk, TIMEOUT_MS } from '../buildx/exec.js';
import { shellQuote } from '../buildx/quote.js';
import { pushRepositoryOf } from '../buildx/split-args.js';
import { normalizePlatform } from '../config/normalize.js';
import {
  checkEnsured,
  checkPreflight,
  checkRoutes,
  REFUSAL_OUTCOME,
  type Refusal,
  summarizeRefusals,
} from '../core/build-gate.js';
import { cacheFlagsOf, checkCacheRef } from '../core/cache-ref.js';
import { type Route, routePlatforms } from '../core/routing.js';
import { planSplit, routesOfPlan, type SplitPlan } from '../core/split-plan.js';
import { chooseStrategy, type StrategyAsked } from '../core/strategy.js';
import type { Deps } from '../deps.js';
import { isKnownDriver } from '../drivers/registry.js';
import { refusalError, UnhealthyError, UsageError } from '../errors.js';
import { explainErrno, fsError } from '../fs-errors.js';
import type { BuildOptions } from '../options.js';
import { describeDeath, platformsByNodeOf, runWatched } from '../probe/watch.js';
import type { CommandResult } from '../run-command.js';
import type { Output } from '../ui/output.js';
import { layoutOf, widthOf } from '../ui/output.js';
import { type BuildSummary, renderRoutes, renderSummary } from '../ui/render-build.js';
import { renderEnsure } from '../ui/render-ensure.js';
import { wrapLine } from '../ui/table.js';
import type { SplitWatch } from './build-split.js';
import { type BuildTarget, resolveTarget } from './build-target.js';

/**
 * commander gives `mpb build . -- --attest type=sbom` as context `.` plus the rest, but `mpb build -- --foo`
 * as context `--foo`: before `--` it takes every word starting with `-` as an option, so a context that looks
 * like one came after `--`. `-` alone is buildx's context from stdin.
 */
export function splitOperands(
  context: string,
  rest: readonly string[],
): { context: string; extra: string[] } {
  if (context.startsWith('-') && context !== '-') return { context: '.', extra: [context, ...rest] };
  return { context, extra: [...rest] };
}

/** `--platform` values in the config's short forms, normalised and deduplicated; undefined when not given. */
export function parsePlatforms(list: readonly string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length === 0) throw new UsageError('--platform needs at least one platform');
  const platforms = list.map((text) => {
    const platform = normalizePlatform(text);
    if (platform === undefined) {
      throw new UsageError(`--platform: "${text}" is not a platform`, {
        hint: 'Write os/arch[/variant], e.g. linux/amd64,linux/arm64,linux/arm/v7 (amd64 and arm64 alone work too).',
      });
    }
    return platform;
  });
  return [...new Set(platforms)];
}

/** The part of the `--json` document known before the build runs. */
function jsonDoc(target: BuildTarget, routes: Route[], warnings: string[], argv: string[]) {
  return {
    builder: target.name,
    declared: target.spec !== undefined,
    buildx: target.version.raw,
    platforms: target.platforms,
    routes,
    warnings,
    ensure: target.ensure ?? null,
    preflight: target.preflight ?? null,
    command: shellQuote(['docker', ...argv]),
  };
}

function refuse(deps: Deps, doc: object, refusal: Refusal): CommandResult {
  const outcome = REFUSAL_OUTCOME[refusal.kind];
  if (deps.json)
    return {
      outcome,
      data: { ...doc, errors: [{ code: refusal.code, message: refusal.message, hint: refusal.hint }] },
    };
  throw refusalError(outcome, `not building: ${refusal.message}`, refusal.hint);
}

// Ctrl-C reaches buildx too (exec.ts forwards it); buildx then exits on its own, often with 1. mpb reports the
// interruption as 128+N, as a shell does.
function trackInterrupt(): { code: () => number | undefined; stop: () => void } {
  let code: number | undefined;
  const onInt = () => {
    code = 130;
  };
  const onTerm = () => {
    code = 143;
  };
  process.on('SIGINT', onInt).on('SIGTERM', onTerm);
  return { code: () => code, stop: () => process.off('SIGINT', onInt).off('SIGTERM', onTerm) };
}

// What a build needs only once buildx runs — the metadata file's and the history's parsers (zod with them) and
// the report — loads while buildx starts, not before it: buildx's first line comes that much sooner (issue #15).
async function afterStart() {
  const [metadata, report, history] = await Promise.all([
    import('../buildx/parse/metadata.js'),
    import('../core/build-report.js'),
    import('./build-history.js'),
  ]);
  return {
    parseMetadataFile: metadata.parseMetadataFile,
    buildReport: report.buildReport,
    readNodeBuilds: history.readNodeBuilds,
    showReport: history.showReport,
  };
}
type AfterStart = Awaited<ReturnType<typeof afterStart>>;

async function readDigest(file: string, out: Output, after: AfterStart) {
  // Missing: buildx wrote none. Unreadable: the build stands, without its digest.
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT')
      out.warn(`could not read ${file}: ${explainErrno(e.code ?? String(e), file).why}`);
  });
  if (text === undefined) return undefined;
  const parsed = after.parseMetadataFile(text);
  if (!parsed.ok) out.warn(`could not read ${file}: ${parsed.error.message}`);
  return parsed.ok ? parsed.value : undefined;
}

/** How the build's nodes are watched while buildx runs (probe/watch.ts). */
function watchOf(deps: Deps, target: BuildTarget, routes: Route[], options: BuildOptions) {
  return {
    nodes: target.probeNodes,
    platformsByNode: platformsByNodeOf(routes),
    options: {
      builder: target.name,
      driver: isKnownDriver(target.driver) ? target.driver : undefined,
      nodeTimeoutMs: options.nodeTimeout * 1000,
      probeTimeoutMs: options.probeTimeout * 1000,
      // --json: buildx's own output goes to stderr, so stdout holds the document only.
      stdio: deps.json ? ('stderr' as const) : ('inherit' as const),
      timeoutMs: TIMEOUT_MS.build,
    },
  };
}

/**
 * Runs buildx live, watched; returns its exit code (or 130/143 after Ctrl-C), what the metadata file says, and
 * the node that died if the watchdog stopped it.
 */
async function runBuildx(deps: Deps, input: BuildArgsInput, watch: ReturnType<typeof watchOf>) {
  const given = input.flags.metadataFile;
  const temp = given
    ? undefined
    : await mkdtemp(path.join(tmpdir(), 'mpb-build-')).catch((e: unknown) => {
        throw fsError(e, tmpdir(), 'create a temporary folder in', 'TMPDIR names it.');
      });
  const metadataFile = given ?? path.join(temp!, 'metadata.json');
  const interrupt = trackInterrupt();
  try {
    const argv = buildArgs({ ...input, flags: { ...input.flags, metadataFile } });
    const running = runWatched(deps, argv, watch.nodes, watch.platformsByNode, watch.options);
    const loading = afterStart();
    loading.catch(() => {}); // awaited below, once buildx has ended
    const { result: r, died } = await running;
    if (r.outcome.kind === 'missing') expectOk(r);
    const exitCode = interrupt.code() ?? r.exitCode;
    const after = await loading;
    const metadata =
      exitCode === 0 && !died
        ? await readDigest(path.resolve(deps.cwd, metadataFile), deps.out, after)
        : undefined;
    return { exitCode, durationMs: r.durationMs, metadata, died, after };
  } finally {
    interrupt.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/** Prints what ensure did or would do, and the routing table; progress goes to stderr, a dry run's plan to stdout. */
function showRouting(out: Output, target: BuildTarget, routes: Route[], refusals: Refusal[]): void {
  const ensure = target.ensure;
  if (ensure?.dryRun) out.result(renderEnsure(ensure, out.color, layoutOf(out)).join('\n'));
  else if (ensure && refusals.some((r) => r.kind === 'unhealthy'))
    out.info(renderEnsure(ensure, out.color, layoutOf(out)).join('\n'));
  if (routes.length > 0) out.info(renderRoutes(routes, out.color).join('\n'));
  else out.info(`no --platform: buildx builds for the platform of the first node of "${target.name}"`);
}

/** The strategy asked for (flag, then the builder's `strategy:`) and the cache repository, checked. */
function strategyInputs(options: BuildOptions, target: BuildTarget) {
  const asked: StrategyAsked = options.strategy ?? target.spec?.strategy ?? 'auto';
  let cacheRef = target.spec?.cache;
  if (options.cacheRef !== undefined) {
    const check = checkCacheRef(options.cacheRef);
    if (!check.ok) throw new UsageError(check.message, { hint: check.hint });
    cacheRef = check.repo;
  }
  return { asked, cacheRef };
}

/** `mpb build [CONTEXT] [-- BUILDX-ARGS...]`: see the `build` command in cli.ts for the flags. */
export async function runBuild(
  deps: Deps,
  context: string,
  buildxArgs: string[],
  options: BuildOptions,
): Promise<CommandResult> {
  const { out } = deps;
  const split = splitOperands(context, buildxArgs);
  const requested = parsePlatforms(options.platform);

  const target = await resolveTarget(deps, { ...options, requested });
  const { asked, cacheRef } = strategyInputs(options, target);
  // The options carry the pass-through flags under build-flags.ts's names; buildArgs reads only those.
  const input: BuildArgsInput = {
    builder: target.name,
    platforms: target.platforms,
    flags: options,
    ...split,
  };
  const singleRoutes = routePlatforms(target.shownPlatforms, target.nodes, target.version);
  const choice = chooseStrategy({
    asked,
    push: Boolean(options.push),
    tags: options.tag ?? [],
    outputs: options.output ?? [],
    cacheRef,
    routes: singleRoutes,
    nodes: target.nodes,
  });
  if (choice.kind === 'refused') {
    const doc = jsonDoc(target, singleRoutes, [], buildArgs(input));
    return refuse(deps, { ...doc, strategy: 'split', reason: choice.refusal.message }, choice.refusal);
  }
  const { strategy, reason } = choice;
  const plan =
    strategy === 'split' ? planSplit(target.shownPlatforms, target.nodes, target.version) : undefined;
  const routes = plan
    ? [
        ...routesOfPlan(plan, target.nodes),
        ...plan.unplaced.map((platform) => ({
          platform,
          node: undefined,
          verdict: 'not-served' as const,
          nodeDown: false,
        })),
      ]
    : singleRoutes;
  const singleInput = strategy === 'single' && cacheRef ? withCache(input, cacheRef) : input;
  const gate = checkRoutes(routes, {
    nativeOnly: Boolean(options.nativeOnly),
    allowDegraded: Boolean(options.allowDegraded),
    configFile: target.configFile,
  });
  const ensured = target.ensure && { ...target.ensure, state: target.ensure.health?.state };
  const refusals = [
    ...checkEnsured(ensured, routes, Boolean(options.allowDegraded)),
    ...checkPreflight(target.name, target.preflight ?? [], routes, Boolean(options.allowDegraded)),
    ...gate.refusals,
  ];
  const warnings = [...(plan?.warnings ?? []), ...gate.warnings];
  const doc = {
    ...jsonDoc(target, routes, warnings, buildArgs(singleInput)),
    strategy,
    reason,
    ...(plan ? { jobs: plan.jobs } : {}),
  };
  if (!deps.json) showRouting(out, target, routes, refusals);
  // Said in --json too: which strategy runs, and why, is what a CI log reader needs first.
  deps.stderr.write(
    `${wrapLine(`strategy: ${strategy} (${reason})`, widthOf(deps.stderr), '  ').join('\n')}\n`,
  );
  for (const w of warnings) out.warn(w);
  const refusal = summarizeRefusals(refusals);
  if (refusal) return refuse(deps, doc, refusal);

  if (options.dryRun) {
    if (deps.json) return { outcome: 'ok', data: { dryRun: true, ...doc } };
    out.result(doc.command);
    return { outcome: 'ok' };
  }
  const started = performance.now();
  if (plan) {
    const watch = watchOf(deps, target, routes, options);
    return finishSplit(deps, target, input, plan, { doc, routes, reason, cacheRef, started, watch });
  }

  const built = await out.group(`docker buildx build on ${target.name}`, () =>
    runBuildx(deps, singleInput, watchOf(deps, target, routes, options)),
  );
  if (built.died) {
    const { message, hint } = describeDeath(built.died);
    if (!deps.json) throw new UnhealthyError(message, { hint });
    const errors = [{ code: built.died.code, message, hint }];
    return { outcome: 'unhealthy', data: { dryRun: false, ...doc, died: built.died, errors } };
  }
  const summary: BuildSummary = {
    builder: target.name,
    images: built.metadata?.imageNames.length ? built.metadata.imageNames : [...(options.tag ?? [])],
    digest: built.metadata?.digest,
    routes,
    durationMs: built.durationMs,
  };
  const outcome = { exited: built.exitCode };
  const report =
    built.exitCode === 0
      ? built.after.buildReport({
          strategy,
          reason,
          digest: built.metadata?.digest,
          wallMs: Math.round(performance.now() - started),
          routes,
          nodes: target.nodes,
          built: await built.after.readNodeBuilds(
            deps.run,
            target.version,
            target.name,
            built.metadata?.buildRef,
          ),
        })
      : undefined;
  if (report) {
    report.warnings.unshift(...warnings);
    if (deps.json) await built.after.showReport(deps, report, warnings);
  }
  if (deps.json) {
    const fields = { ...summary, ...(report ?? { platforms: doc.platforms }), exitCode: built.exitCode };
    return { outcome, data: builtDoc(doc, fields) };
  }
  // The report that follows has the routing table's rows and more: the summary keeps to the image.
  if (built.exitCode === 0)
    out.result(renderSummary(report ? { ...summary, routes: [] } : summary, out.color).join('\n'));
  else deps.stderr.write(`${out.color.red('error:')} docker buildx build exited with ${built.exitCode}\n`);
  if (report) await built.after.showReport(deps, report, warnings);
  return { outcome };
}

/** A single build's own per-platform cache flags (cache-ref.ts), after the user's. */
function withCache(input: BuildArgsInput, cacheRef: string): BuildArgsInput {
  const cache = cacheFlagsOf(cacheRef, input.platforms);
  const { flags } = input;
  return {
    ...input,
    flags: {
      ...flags,
      cacheFrom: [...(flags.cacheFrom ?? []), ...cache.cacheFrom],
      cacheTo: [...(flags.cacheTo ?? []), ...cache.cacheTo],
    },
  };
}

interface SplitContext {
  doc: object;
  routes: Route[];
  reason: string;
  cacheRef: string | undefined;
  started: number;
  watch: SplitWatch;
}

/** The --json document after a build: the platforms asked for become `requested`, the report's rows `platforms`. */
function builtDoc(doc: { platforms: string[] }, fields: object) {
  const { platforms: requested, ...rest } = doc;
  return { dryRun: false, ...rest, requested, ...fields };
}

/**
 * Runs the split jobs and the merge, then reports: exit 0, 1 (a job failed: nothing tagged) or 3 (a job's node
 * stopped answering, or the tag is wrong).
 */
async function finishSplit(
  deps: Deps,
  target: BuildTarget,
  input: BuildArgsInput,
  plan: SplitPlan,
  ctx: SplitContext,
): Promise<CommandResult> {
  const [{ runSplit, describeFailure }, { buildReport, readNodeBuilds, showReport }] = await Promise.all([
    import('./build-split.js'),
    afterStart(),
  ]);
  const result = await runSplit(deps, target, input, plan.jobs, ctx.cacheRef, ctx.watch);
  const built = (
    await Promise.all(result.jobs.map((j) => readNodeBuilds(deps.run, target.version, j.builder, j.buildRef)))
  ).flat();
  const report = buildReport({
    strategy: 'split',
    reason: ctx.reason,
    digest: result.index?.digest,
    wallMs: Math.round(performance.now() - ctx.started),
    routes: ctx.routes,
    nodes: target.nodes,
    built,
  });
  report.warnings.unshift(...plan.warnings);
  const failed = result.index === undefined;
  const repo = pushRepositoryOf(input.flags.tag ?? [])!;
  const failure = failed ? describeFailure(result.jobs, repo) : [];
  const jobs = result.jobs.map((j) => ({
    node: j.job.node,
    builder: j.builder,
    platforms: j.job.platforms,
    exitCode: j.exitCode,
    digest: j.digest ?? null,
    died: j.died ?? null,
  }));
  const died = result.jobs.find((j) => j.died)?.died;
  const hint = died
    ? `The tags were not moved. ${describeDeath(died).hint}`
    : 'The tags were not moved; fix that node and build again.';
  const outcome = died ? ('unhealthy' as const) : failed ? { exited: 1 } : ('ok' as const);
  if (!failed) await showReport(deps, report, plan.warnings);
  if (deps.json) {
    if (failed) deps.stderr.write(`${failure.join('\n')}\n`);
    const errors = failed ? [{ ...(died ? { code: died.code } : {}), message: failure[0], hint }] : [];
    const fields = {
      images: [...(input.flags.tag ?? [])],
      ...report,
      jobs,
      exitCode: died ? 3 : failed ? 1 : 0,
      ...(died ? { died } : {}),
      ...(failed ? { errors } : {}),
    };
    return { outcome, data: builtDoc(ctx.doc as { platforms: string[] }, fields) };
  }
  if (failed) {
    deps.stderr.write(`${deps.out.color.red('error:')} split build failed: ${failure.join('\n')}\n`);
    if (died) deps.stderr.write(`  ${deps.out.color.dim('→')} ${hint}\n`);
  }
  return { outcome };
}
