// A bake whose outputs are not an image push: buildx's own bake on the builder, its output live, every routed
// node watched as a build's are.
import { TIMEOUT_MS } from '../buildx/exec.js';
import { isUp } from '../core/strategy.js';
import type { Deps } from '../deps.js';
import { isKnownDriver } from '../drivers/registry.js';
import { UnhealthyError } from '../errors.js';
import { describeDeath, platformsByNodeOf, runWatched } from '../probe/watch.js';
import type { BakePlan } from './bake-plan.js';
import type { RunSettings } from './run.js';
import type { BuildTarget } from './target.js';

/** Runs the plan's one command; returns buildx's exit code, or throws when a node it built on went silent. */
export async function runWholeBake(
  deps: Deps,
  target: BuildTarget,
  plan: BakePlan,
  settings: RunSettings,
): Promise<number> {
  const { result, died } = await runWatched(
    deps,
    plan.command!,
    target.probeNodes,
    platformsByNodeOf(plan.routes),
    {
      builder: target.name,
      driver: isKnownDriver(target.driver) ? target.driver : undefined,
      nodeTimeoutMs: settings.nodeTimeout * 1000,
      probeTimeoutMs: settings.probeTimeout * 1000,
      timeoutMs: TIMEOUT_MS.build,
      downAtStart: target.nodes.filter((n) => !isUp(n)).map((n) => n.name),
      stdio: deps.json ? 'stderr' : 'inherit',
    },
  );
  if (died) {
    const { message, hint } = describeDeath(died);
    throw new UnhealthyError(message, { hint });
  }
  return result.exitCode;
}
