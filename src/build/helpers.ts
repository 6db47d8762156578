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
  // One job per helper: a bake has several jobs on a node, and its helper is made once.
  const indirect = [...new Map(jobs.filter((j) => j.helper).map((j) => [j.builder, j])).values()];
  if (indirect.length === 0) return;
  // Every read at once, then every create at once: each helper is a builder of its own.
  const [actual, ...existing] = await Promise.all([
    readBuilder(deps.run, target.version, target.name),
    ...indirect.map((job) => readBuilder(deps.run, target.version, job.builder)),
  ]);
  const plans = indirect.map((job, i) => {
    const node = actual?.nodes.find((n) => n.name === job.node);
    if (!actual || !node)
      throw new UsageError(`node "${job.node}" of "${target.name}" is not known to buildx`);
    const plan = planHelper(target.name, actual.driver, node, existing[i]);
    if (plan.kind === 'unreachable') {
      throw new UsageError(`cannot send ${job.platforms.join(', ')} to node "${job.node}": ${plan.reason}`, {
        hint: 'Declare the builder in builders.yaml (its nodes are then pinned), or use --strategy single.',
      });
    }
    return { job, plan };
  });
  await Promise.all(
    plans.map(async ({ job, plan }) => {
      for (const w of plan.warnings) deps.out.warn(w);
      if (!plan.reuse) deps.out.info(`creating helper builder ${plan.name} for node "${job.node}"`);
      for (const argv of plan.argv)
        expectOk(await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.mutate }));
    }),
  );
}
