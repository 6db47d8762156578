// `mpb ls` and `mpb status` make one buildx call, `buildx ls`: it starts as soon as the command is known,
// before the command's own modules and the config load (exec.ts startAhead), so buildx and mpb's start-up run
// side by side (BENCHMARKS.md, issue #15). Only when the remembered version says which form readBuilders
// will ask for; on a first run the command asks in its own time.
import { lsArgs } from './args.js';
import { dropAhead, startAhead, TIMEOUT_MS } from './exec.js';
import { resolvePlugin } from './plugin.js';
import { knownVersion } from './version-cache.js';

/** Starts `buildx ls` ahead; the function returned stops it when the command ended without taking it. */
export function listAhead(env: NodeJS.ProcessEnv): () => void {
  const plugin = resolvePlugin(env);
  const version = plugin && knownVersion(env, plugin);
  if (version) startAhead({ env }, 'docker', lsArgs(version), { timeoutMs: TIMEOUT_MS.read });
  return dropAhead;
}
