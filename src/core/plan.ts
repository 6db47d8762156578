// Desired builder (config) vs actual builder (buildx) → the ordered docker calls that make them match.
import { createNodeArgs, leaveNodeArgs, rmBuilderArgs, useBuilderArgs } from '../buildx/args.js';
import type { ContainerState } from '../buildx/container-args.js';
import { localEndpointOf } from '../buildx/container-names.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import type { BuilderSpec } from '../config/types.js';
import { driverOptsRefusal } from './driver-opts-gate.js';
import { containerSpecOf, planLocalContainer } from './local-container.js';
import { type DesiredNode, diffNode, type NodeDrift } from './node-diff.js';
import { PLAN_VERSION, type Plan, type PlanAction } from './plan-types.js';
import { effectivePinsOf, withPins } from './platforms.js';

export interface EnsureOptions {
  version: BuildxVersion;
  prune: boolean;
  recreate: boolean;
  /** The container of each `local` node, by node name; a node not in the map has none. */
  localContainers?: Map<string, ContainerState>;
}

interface Context extends EnsureOptions {
  builder: BuilderSpec;
}

const MISSING: ContainerState = { state: 'missing' };

function desiredNodesOf(builder: BuilderSpec): DesiredNode[] {
  const pins = effectivePinsOf(builder.nodes);
  return builder.nodes.map((spec) => ({
    spec,
    pins: pins.get(spec.name) ?? [],
    endpoint: spec.local ? localEndpointOf(builder.name, spec.name) : spec.endpoint,
  }));
}

// Nodes are created with their effective pins only, so that re-pinning one node never takes a pin away from
// a later node that declares the same platform (buildx's last pin wins).
function nodeAction(
  kind: 'create' | 'append' | 'update',
  node: DesiredNode,
  c: Context,
  reason: string,
): PlanAction {
  const argv = createNodeArgs(c.builder, withPins(node.spec, node.pins), {
    append: kind !== 'create',
    version: c.version,
    endpoint: node.endpoint,
  });
  return { kind, file: 'docker', node: node.spec.name, argv, reason };
}

function leaveAction(builder: string, node: string, reason: string): PlanAction {
  return { kind: 'leave', file: 'docker', node, argv: leaveNodeArgs(builder, node), reason };
}

// `--append` to a missing builder fails from 0.13 (capture dc-append-ssh): always create the first node.
function createAll(nodes: DesiredNode[], c: Context, why: string): PlanAction[] {
  return nodes.map((node, i) =>
    i === 0
      ? nodeAction('create', node, c, `${why}: create it with its first node "${node.spec.name}"`)
      : nodeAction('append', node, c, `add node "${node.spec.name}" to the new builder`),
  );
}

/** True when no leave in `actions` would remove the builder's last node (buildx refuses that). */
function keepsANode(start: string[], actions: PlanAction[]): boolean {
  const names = [...start];
  for (const a of actions) {
    if (a.kind === 'append') names.push(a.node);
    if (a.kind === 'leave') {
      if (names.length === 1) return false;
      names.splice(names.indexOf(a.node), 1);
    }
  }
  return true;
}

/**
 * Declared nodes keep their declared order, because buildx gives unmatched platforms to the first node that
 * lists them and unlisted ones to node 0. The longest prefix already in order is updated in place
 * (`create --append --node NAME` rewrites a node where it stands: captures create-exists, append-same-node);
 * from the first node out of order, missing, or not fixable in place, nodes are appended, re-appending
 * (leave + append) the ones that exist.
 */
function nodeActions(
  nodes: DesiredNode[],
  inOrder: BuildxBuilder['nodes'],
  drifts: Map<string, NodeDrift>,
  c: Context,
): PlanAction[] {
  let k = 0;
  while (
    k < nodes.length &&
    inOrder[k]?.name === nodes[k]!.spec.name &&
    !drifts.get(inOrder[k]!.name)?.notInPlace
  ) {
    k++;
  }
  return nodes.flatMap((node, i): PlanAction[] => {
    const name = node.spec.name;
    const drift = drifts.get(name);
    if (!drift) return [nodeAction('append', node, c, `node "${name}" is missing`)];
    const changes = drift.changes.join('; ');
    if (i < k) {
      return changes
        ? [nodeAction('update', node, c, `node "${name}" differs: ${changes}${drift.restart}`)]
        : [];
    }
    const why = drift.notInPlace
      ? `node "${name}" differs: ${changes} (${drift.notInPlace})${drift.restart}`
      : `node "${name}" is out of the declared order${changes ? ` and differs: ${changes}${drift.restart}` : ''}`;
    return [
      leaveAction(c.builder.name, name, why),
      nodeAction('append', node, c, `append "${name}" again, as declared`),
    ];
  });
}

/** Existing builder, same driver: node actions, plus leaving undeclared nodes under --prune. */
function reconcile(actual: BuildxBuilder, nodes: DesiredNode[], c: Context): Plan {
  const builder = c.builder.name;
  const declared = new Set(nodes.map((n) => n.spec.name));
  const byName = new Map(actual.nodes.map((n) => [n.name, n]));
  const inOrder = actual.nodes.filter((n) => declared.has(n.name));
  const extras = actual.nodes.filter((n) => !declared.has(n.name));
  const drifts = new Map(
    nodes.flatMap((d) => {
      const a = byName.get(d.spec.name);
      return a
        ? [[d.spec.name, diffNode(d, a, { driver: c.builder.driver, version: c.version })] as const]
        : [];
    }),
  );

  // buildx refuses two nodes with one endpoint ("invalid duplicate endpoint"): a renamed node's old entry
  // has to go first.
  const clashing = extras.filter((x) => nodes.some((d) => d.endpoint === x.endpoint));
  const base: Plan = { version: PLAN_VERSION, builder, actions: [], extraNodes: extras.map((x) => x.name) };
  if (clashing.length > 0 && !c.prune) {
    const names = clashing.map((x) => `"${x.name}" (${x.endpoint})`).join(', ');
    return {
      ...base,
      blocked: {
        reason: `builder "${builder}" has undeclared node ${names} on an endpoint the config gives another node; buildx refuses duplicate endpoints`,
        hint: 'run again with --prune to remove the undeclared node, or rename the node back in the config',
      },
    };
  }

  const actions: PlanAction[] = clashing.map((x) =>
    leaveAction(
      builder,
      x.name,
      `node "${x.name}" is not declared and holds endpoint ${x.endpoint} (--prune)`,
    ),
  );
  actions.push(...nodeActions(nodes, inOrder, drifts, c));
  if (c.prune) {
    for (const x of extras.filter((e) => !clashing.includes(e))) {
      actions.push(leaveAction(builder, x.name, `node "${x.name}" is not declared (--prune)`));
    }
  }
  const recreated = [...drifts].find(([, d]) => d.recreate !== undefined);
  if (recreated) {
    const [node, d] = recreated;
    const why = `node "${node}" differs: ${d.changes.join('; ')}; ${d.recreate}`;
    if (extras.length > 0 && !c.prune) {
      const names = extras.map((x) => `"${x.name}"`).join(', ');
      return {
        ...base,
        blocked: {
          reason: `${why}, and re-creating builder "${builder}" would drop its undeclared node ${names}`,
          hint: 'run again with --prune to re-create it without them, or declare them in the config',
        },
      };
    }
    const rm: PlanAction = {
      kind: 'rm',
      file: 'docker',
      argv: rmBuilderArgs(builder, { keepState: true }),
      reason: `${why}: remove the builder, keeping its state, and create it again`,
    };
    return { ...base, actions: [rm, ...createAll(nodes, c, 'the builder was removed')], extraNodes: [] };
  }
  if (
    !keepsANode(
      actual.nodes.map((n) => n.name),
      actions,
    )
  ) {
    // Only reached when every node buildx has is being replaced anyway.
    const why = `buildx cannot leave the last node of "${builder}"`;
    const rm: PlanAction = {
      kind: 'rm',
      file: 'docker',
      argv: rmBuilderArgs(builder, { keepState: true }),
      reason: why,
    };
    return { ...base, actions: [rm, ...createAll(nodes, c, 'the builder was removed')], extraNodes: [] };
  }
  return { ...base, actions, extraNodes: c.prune ? [] : base.extraNodes };
}

/** Plans `mpb ensure-builder` for one builder. */
export function planEnsure(
  desired: BuilderSpec,
  actual: BuildxBuilder | undefined,
  options: EnsureOptions,
): Plan {
  const c: Context = { ...options, builder: desired };
  const nodes = desiredNodesOf(desired);
  const name = desired.name;
  const broken =
    actual?.error !== undefined
      ? `buildx cannot load builder "${name}": ${actual.error}`
      : actual && actual.driver !== desired.driver
        ? `builder "${name}" uses driver "${actual.driver}" but the config says "${desired.driver}"; buildx cannot change the driver of a builder`
        : undefined;
  const refused = driverOptsRefusal(desired, options.version);
  if (refused) return { version: PLAN_VERSION, builder: name, actions: [], extraNodes: [], blocked: refused };
  if (broken && !options.recreate) {
    const hint = `run again with --recreate to remove "${name}" and create it as declared`;
    return {
      version: PLAN_VERSION,
      builder: name,
      actions: [],
      extraNodes: [],
      blocked: { reason: broken, hint },
    };
  }

  const containers = desired.nodes.flatMap((node) => {
    const spec = containerSpecOf(name, node);
    return spec
      ? planLocalContainer(spec, node.name, options.localContainers?.get(node.name) ?? MISSING)
      : [];
  });
  let plan: Plan;
  if (!actual) {
    const actions = createAll(nodes, c, `builder "${name}" does not exist`);
    plan = { version: PLAN_VERSION, builder: name, actions, extraNodes: [] };
  } else if (broken) {
    const rm: PlanAction = {
      kind: 'rm',
      file: 'docker',
      argv: rmBuilderArgs(name, { keepState: false }),
      reason: `${broken} (--recreate)`,
    };
    plan = {
      version: PLAN_VERSION,
      builder: name,
      actions: [rm, ...createAll(nodes, c, 'the builder was removed')],
      extraNodes: [],
    };
  } else {
    plan = reconcile(actual, nodes, c);
    if (plan.blocked) return plan;
  }

  // buildx forgets the current builder when it is removed, so a re-created one is used again.
  const removed = plan.actions.some((a) => a.kind === 'rm');
  const use: PlanAction[] =
    desired.use && (!actual?.current || removed)
      ? [
          {
            kind: 'use',
            file: 'docker',
            argv: useBuilderArgs(name),
            reason: `the config says use: true and "${name}" is not the current builder`,
          },
        ]
      : [];
  return { ...plan, actions: [...containers, ...plan.actions, ...use] };
}
