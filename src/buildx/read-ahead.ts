// `mpb ls` and `mpb status` make one buildx call, `buildx ls`: it starts as soon as the command is known,
// before the command's own modules and the config load (startAhead below), so buildx and mpb's start-up run
// side by side (BENCHMARKS.md, issue #15). Only when the remembered version says which form readBuilders
// will ask for; on a first run the command asks in its own time.
import { dropAhead, keepAhead } from './ahead.js';
import { lsArgs } from './args.js';
import { createRunner, loadExeca, TIMEOUT_MS } from './exec.js';
import { resolvePlugin } from './plugin.js';
import { shellQuote } from './quote.js';
import type { RunnerSettings, RunOptions } from './run-types.js';
import { knownVersion } from './version-cache.js';

/**
 * Starts a read-only buildx call now, while the command that will ask for it is still loading: `mpb ls` starts
 * its one `buildx ls` before its own modules (BENCHMARKS.md, issue #15). Its failure is the command's to see.
 */
export function startAhead(
  settings: RunnerSettings,
  file: string,
  args: readonly string[],
  options: Pick<RunOptions, 'timeoutMs'>,
): void {
  const stop = new AbortController();
  const result = createRunner(settings)(file, args, { ...options, signal: stop.signal, abortGraceMs: 1_000 });
  keepAhead(shellQuote([file, ...args]), result, stop);
}

/**
 * Starts `buildx ls` ahead; the function returned stops it when the command ended without taking it. Resolves
 * once execa is loaded and buildx spawning, so the command's own modules load after buildx has started.
 */
export async function listAhead(env: NodeJS.ProcessEnv): Promise<() => void> {
  const plugin = resolvePlugin(env);
  const version = plugin && knownVersion(env, plugin);
  if (version) {
    await loadExeca();
    startAhead({ env }, 'docker', lsArgs(version), { timeoutMs: TIMEOUT_MS.read });
  }
  return dropAhead;
}
