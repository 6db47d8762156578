// The world ensure-builder runs in, built the same way by every command that ensures a builder first.
import { readRecord, recordReadingOff } from '../buildx/instances.js';
import type { BuildxVersion } from '../buildx/model.js';
import type { Deps } from '../deps.js';
import { probeAll } from '../probe/node.js';
import type { EnsureDeps } from './ensure.js';

/** Deps for ensureBuilder: the command's runner and locks, probes within `probeTimeoutSeconds`, progress lines. */
export function ensureDepsOf(
  deps: Pick<Deps, 'run' | 'lock' | 'out' | 'env' | 'cwd' | 'verbose' | 'stderr'>,
  version: BuildxVersion | Promise<BuildxVersion>,
  options: { probeTimeoutSeconds: number; onProgress: (text: string) => void },
): EnsureDeps {
  const { run, env } = deps;
  return {
    run,
    version: Promise.resolve(version),
    probe: (spec, nodes, onWorkersReply) =>
      probeAll(nodes, options.probeTimeoutSeconds * 1000, {
        run,
        driver: spec.driver,
        builder: spec.name,
        onWorkersReply,
      }),
    readRecord: recordReadingOff(env) ? undefined : (name) => readRecord(env, deps.cwd, name),
    note: deps.verbose ? (text) => deps.stderr.write(`${deps.out.color.dim(`# ${text}`)}\n`) : undefined,
    lock: deps.lock,
    onProgress: options.onProgress,
    step: deps.out.step,
  };
}
