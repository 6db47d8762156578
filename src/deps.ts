// What every command receives: the global flags and its world — runner, output, env, clock, config, locks —
// made in one way by createDeps; tests make theirs the same way with their own runner or clock.
import { createRunner } from './buildx/exec.js';
import { shellQuote } from './buildx/quote.js';
import type { Runner } from './buildx/run-types.js';
import { loadConfigCached } from './config/config-cache.js';
import { type LoadResult, requireLoaded } from './config/discover.js';
import type { ResolvedConfig } from './config/types.js';
import type { Context } from './context.js';
import type { ConfigIssue } from './errors.js';
import { type LockSettings, lockSettingsOf } from './state/lock.js';
import { cacheDirOf } from './state/private-cache.js';
import { createOutput, type Output } from './ui/output.js';

export interface Deps extends Context {
  out: Output;
  /** Runs docker; under --verbose each command is echoed on stderr first, with --json too (stdout stays clean). */
  run: Runner;
  now: () => Date;
  /** The config --config, $MPB_CONFIG or discovery finds, as it loads: nothing printed yet. */
  loadConfig: () => Promise<LoadResult>;
  lock: LockSettings;
}

export type World = Omit<Deps, keyof Context>;

// --verbose: every command, --json or not, echoes each docker command on stderr before it runs. stdout holds
// results or the --json document only. A failed kubectl's whole stderr follows it: messages keep only the line
// that explains (tool-noise.ts), the klog retries before it are here.
function echoing(ctx: Context, out: Output, run: Runner): Runner {
  if (!ctx.verbose) return run;
  return async (file, args, options) => {
    ctx.stderr.write(`${out.color.dim(`$ ${shellQuote([file, ...args])}`)}\n`);
    const result = await run(file, args, options);
    if (file === 'kubectl' && result.outcome.kind !== 'ok' && result.stderr.trim() !== '')
      ctx.stderr.write(`${out.color.dim(result.stderr.trimEnd().replace(/^/gm, '  | '))}\n`);
    return result;
  };
}

/** The real world for these flags; `replace` swaps in test doubles (a fake runner, a fixed clock). */
export function createDeps(ctx: Context, replace: Partial<World> = {}): Deps {
  const out = replace.out ?? createOutput(ctx);
  return {
    ...ctx,
    now: () => new Date(),
    loadConfig: () =>
      loadConfigCached({ configPath: ctx.config, env: ctx.env, cwd: ctx.cwd }, cacheDirOf(ctx.env)),
    lock: lockSettingsOf(ctx.env),
    ...replace,
    out,
    run: echoing(
      ctx,
      out,
      replace.run ?? createRunner({ env: ctx.env, ...(ctx.signal ? { signal: ctx.signal } : {}) }),
    ),
  };
}

export interface LoadedConfig {
  config: ResolvedConfig;
  warnings: ConfigIssue[];
}

const warn = (deps: Deps, w: ConfigIssue) => deps.out.warn(`${w.path}:${w.line}:${w.column}: ${w.message}`);

// The file's warnings that concern no builder in particular; a builder's own wait for a command that uses it.
function warned(deps: Deps, loaded: LoadedConfig): LoadedConfig {
  for (const w of loaded.warnings) if (w.builder === undefined) warn(deps, w);
  return loaded;
}

/** Prints the config's warnings about these builders (the ones the command uses), on stderr. */
export function warnAbout(deps: Deps, loaded: LoadedConfig, builders: readonly string[]): void {
  for (const w of loaded.warnings) if (w.builder !== undefined && builders.includes(w.builder)) warn(deps, w);
}

/**
 * The config, its warnings about no builder in particular printed on stderr (warnAbout prints a builder's own);
 * throws when there is none or it is bad.
 */
export async function configOf(deps: Deps): Promise<LoadedConfig> {
  return warned(deps, requireLoaded(await deps.loadConfig()));
}

/** As configOf, but undefined when no file is found and none was named by --config or $MPB_CONFIG. */
export async function optionalConfigOf(deps: Deps): Promise<LoadedConfig | undefined> {
  const result = await deps.loadConfig();
  if (!result.ok && result.missing && result.file === undefined) return undefined;
  return warned(deps, requireLoaded(result));
}
