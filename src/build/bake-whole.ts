import type { Deps } from '../deps.js';
import { UnhealthyError } from '../errors.js';
import { describeDeath, platformsByNodeOf, runWatched } from '../probe/watch.js';
import type { BakePlan } from './bake-plan.js';
import { type RunSettings, watchOptionsOf } from './run.js';
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
    { ...watchOptionsOf(target, settings), stdio: deps.json ? 'stderr' : 'inherit' },
  );
  if (died) {
    const { message, hint } = describeDeath(died);
    throw new UnhealthyError(message, { hint });
  }
  return result.exitCode;
}
