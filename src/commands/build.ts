// mpb build: ensure the builder, show which node builds each platform, refuse what buildx would get wrong,
// then run `docker buildx build` with its output live and its exit code passed back.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BuildArgsInput, buildArgs } from '../buildx/build-args.js';
import { expectOk, TIMEOUT_MS } from '../buildx/exec.js';
import { parseMetadataFile } from '../buildx/parse/metadata.js';
import { shellQuote } from '../buildx/quote.js';
import { normalizePlatform } from '../config/normalize.js';
import {
  checkEnsured,
  checkPreflight,
  checkRoutes,
  REFUSAL_OUTCOME,
  type Refusal,
  summarizeRefusals,
} from '../core/build-gate.js';
import { type Route, routePlatforms } from '../core/routing.js';
import type { Deps } from '../deps.js';
import { isKnownDriver } from '../drivers/registry.js';
import { refusalError, UnhealthyError, UsageError } from '../errors.js';
import { explainErrno, fsError } from '../fs-errors.js';
import type { BuildOptions } from '../options.js';
import { describeDeath, platformsByNodeOf, runWatched } from '../probe/watch.js';
import type { CommandResult } from '../run-command.js';
import type { Output } from '../ui/output.js';
import { layoutOf } from '../ui/output.js';
import { type BuildSummary, renderRoutes, renderSummary } from '../ui/render-build.js';
import { renderEnsure } from '../ui/render-ensure.js';
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

async function readDigest(file: string, out: Output) {
  // Missing: buildx wrote none. Unreadable: the build stands, without its digest.
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT')
      out.warn(`could not read ${file}: ${explainErrno(e.code ?? String(e), file).why}`);
  });
  if (text === undefined) return undefined;
  const parsed = parseMetadataFile(text);
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
    const { result: r, died } = await runWatched(
      deps,
      argv,
      watch.nodes,
      watch.platformsByNode,
      watch.options,
    );
    if (r.outcome.kind === 'missing') expectOk(r);
    const exitCode = interrupt.code() ?? r.exitCode;
    const metadata =
      exitCode === 0 && !died ? await readDigest(path.resolve(deps.cwd, metadataFile), deps.out) : undefined;
    return { exitCode, durationMs: r.durationMs, metadata, died };
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
  // The options carry the pass-through flags under build-flags.ts's names; buildArgs reads only those.
  const input: BuildArgsInput = {
    builder: target.name,
    platforms: target.platforms,
    flags: options,
    ...split,
  };
  const routes = routePlatforms(target.shownPlatforms, target.nodes, target.version);
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
  const doc = jsonDoc(target, routes, gate.warnings, buildArgs(input));
  if (!deps.json) showRouting(out, target, routes, refusals);
  for (const w of gate.warnings) out.warn(w);
  const refusal = summarizeRefusals(refusals);
  if (refusal) return refuse(deps, doc, refusal);

  if (options.dryRun) {
    if (deps.json) return { outcome: 'ok', data: { dryRun: true, ...doc } };
    out.result(doc.command);
    return { outcome: 'ok' };
  }
  const built = await out.group(`docker buildx build on ${target.name}`, () =>
    runBuildx(deps, input, watchOf(deps, target, routes, options)),
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
  if (deps.json) {
    return { outcome, data: { dryRun: false, ...doc, ...summary, exitCode: built.exitCode } };
  }
  if (built.exitCode === 0) out.result(renderSummary(summary, out.color).join('\n'));
  else deps.stderr.write(`${out.color.red('error:')} docker buildx build exited with ${built.exitCode}\n`);
  return { outcome };
}
