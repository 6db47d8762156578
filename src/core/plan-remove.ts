// `mpb rm`: the docker calls that remove one declared builder and the local BuildKit containers mpb runs for it.
import { rmBuilderArgs } from '../buildx/args.js';
import type { ContainerState } from '../buildx/container-args.js';
import type { BuildxBuilder } from '../buildx/model.js';
import type { BuilderSpec } from '../config/types.js';
import { containerSpecOf, planLocalContainerRemoval } from './local-container.js';
import { PLAN_VERSION, type Plan, type PlanAction } from './plan-types.js';

export interface RemoveOptions {
  keepState: boolean;
  /** The container of each `local` node, by node name; a node not in the map has none. */
  containers?: Map<string, ContainerState>;
  /** Names of the volumes that exist (`docker volume ls`). */
  volumes?: Set<string>;
  /** The `mpb-via-…` helper builders buildx has for this builder's nodes (helper-builder.ts). */
  helpers?: readonly string[];
}

/**
 * A builder already gone is no action (buildx's own `rm` of a missing builder exits 1: capture rm-missing).
 * buildx is asked first, then the containers, so a failure leaves the builder's containers to a second run.
 */
export function planRemove(
  spec: BuilderSpec,
  actual: BuildxBuilder | undefined,
  options: RemoveOptions,
): Plan {
  const actions: PlanAction[] = [];
  if (actual) {
    actions.push({
      kind: 'rm',
      file: 'docker',
      argv: rmBuilderArgs(spec.name, { keepState: options.keepState }),
      reason: `remove builder "${spec.name}"${options.keepState ? ', keeping BuildKit state' : ''}`,
    });
  }
  for (const helper of options.helpers ?? []) {
    actions.push({
      kind: 'rm',
      file: 'docker',
      argv: rmBuilderArgs(helper, { keepState: false }),
      reason: `remove helper builder "${helper}" (mpb made it for split builds on "${spec.name}")`,
    });
  }
  for (const node of spec.nodes) {
    const container = containerSpecOf(spec.name, node);
    if (!container) continue;
    const state = options.containers?.get(node.name) ?? { state: 'missing' };
    const volumeExists = options.volumes?.has(container.volume) ?? false;
    actions.push(
      ...planLocalContainerRemoval(container, node.name, state, {
        keepState: options.keepState,
        volumeExists,
      }),
    );
  }
  return { version: PLAN_VERSION, builder: spec.name, actions, extraNodes: [] };
}
