// A split job for a node that buildx would not send its platforms to runs on the node's `mpb-via-…` helper
// builder (core/helper-builder.ts): made, or reused, before the jobs start.

import { TIMEOUT_MS } from '../buildx/exec.js';
import { readBuilder } from '../buildx/read.js';
import { expectOk } from '../buildx/run-result.js';
import { planHelper } from '../core/helper-builder.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { BuildJob } from './plan.js';
import type { BuildTarget } from './target.js';

export async function prepareHelpers(
  deps: Deps,
  target: BuildTarget,
  jobs: readonly Pick<BuildJob, 'helper' | 'node' | 'builder' | 'platforms'>[],
): Promise<void> {
  const indirect = jobs.filter((j) => j.helper);
  if (indirect.length === 0) return;
  const actual = await readBuilder(deps.run, target.version, target.name);
  for (const job of indirect) {
    const node = actual?.nodes.find((n) => n.name === job.node);
    if (!actual || !node)
      throw new UsageError(`node "${job.node}" of "${target.name}" is not known to buildx`);
    const existing = await readBuilder(deps.run, target.version, job.builder);
    const plan = planHelper(target.name, actual.driver, node, existing);
    if (plan.kind === 'unreachable') {
      throw new UsageError(`cannot send ${job.platforms.join(', ')} to node "${job.node}": ${plan.reason}`, {
        hint: 'Declare the builder in builders.yaml (its nodes are then pinned), or use --strategy single.',
      });
    }
    for (const w of plan.warnings) deps.out.warn(w);
    if (!plan.reuse) deps.out.info(`creating helper builder ${plan.name} for node "${job.node}"`);
    for (const argv of plan.argv) expectOk(await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.mutate }));
  }
}
