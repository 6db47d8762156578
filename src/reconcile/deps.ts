// The world ensure-builder runs in, built the same way by every command that ensures a builder first.
import type { Runner } from '../buildx/exec.js';
import type { BuildxVersion } from '../buildx/model.js';
import type { Context } from '../context.js';
import { probeAll } from '../probe/node.js';
import { lockDirOf } from '../state/lock.js';
import type { EnsureDeps } from './ensure.js';

/** Deps for ensureBuilder: probes within `probeTimeoutSeconds`, the lock beside buildx's state, progress lines. */
export function ensureDepsOf(
  ctx: Pick<Context, 'env'>,
  run: Runner,
  version: BuildxVersion | Promise<BuildxVersion>,
  options: { probeTimeoutSeconds: number; onProgress: (text: string) => void },
): EnsureDeps {
  return {
    run,
    version: Promise.resolve(version),
    probe: (spec, nodes) =>
      probeAll(nodes, options.probeTimeoutSeconds * 1000, { run, driver: spec.driver, builder: spec.name }),
    lockDir: lockDirOf(ctx.env),
    onProgress: options.onProgress,
  };
}
