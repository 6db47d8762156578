// Builders as buildx loads them "with data": the stored node group plus what each node reports now.
import { DRIVERS } from './drivers.mjs';
import { dedupe } from './platforms.mjs';
import { CliError } from './runtime.mjs';
import { DAEMON_DOWN, ENGINE, nodeRuntime } from './workers.mjs';

/** A stored node joined with its runtime: status, version, worker platforms, labels, GC policy or error. */
function loadNode(ctx, state, builder, node) {
  const rt = nodeRuntime(ctx, state, builder, node);
  const w = rt.worker;
  return {
    ...node,
    pinned: node.platforms ?? [],
    status: rt.err ? 'error' : rt.status,
    err: rt.err,
    running: rt.status === 'running',
    version: w?.version ?? '',
    ids: w ? [w.id] : [],
    platforms: dedupe([...(node.platforms ?? []), ...(w?.platforms ?? [])]),
    gcPolicy: w?.gcPolicy ?? [],
    labels: w?.labels ?? {},
  };
}

// A running kubernetes node is listed once per pod (capture kubernetes/inspect-bootstrap-replicas2).
function replicasOf(state, builder, node) {
  if (DRIVERS[builder.driver].runtime !== 'cluster' || !node.running) return [node];
  const count = state.cluster?.deployments?.[node.name]?.replicas ?? 1;
  return Array.from({ length: Math.max(1, count) }, () => node);
}

/** The `default` builder of the default docker context: driver `docker`, or an error when no daemon answers. */
function contextBuilder(ctx, state) {
  if (!state.dockerDaemon) {
    return { name: 'default', driver: '', context: true, err: DAEMON_DOWN, nodes: [], zeroNodes: 1 };
  }
  const engine = { ...ENGINE, ...state.engine };
  const node = {
    name: 'default',
    endpoint: 'default',
    pinned: [],
    status: 'running',
    running: true,
    // buildx ≤0.10 shows the engine version, 0.11+ the BuildKit vendored in it (captures default-ls).
    version: ctx.version.caps.labelsAndGc ? engine.buildkit : engine.version,
    ids: ['moby'],
    platforms: engine.platforms,
    gcPolicy: [],
    labels: {},
  };
  return { name: 'default', driver: 'docker', context: true, nodes: [node] };
}

/** Every builder in `ls` order: stored ones by name, then the context builder. */
export function loadBuilders(ctx, state) {
  const stored = Object.values(state.builders)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((b) => ({ ...b, nodes: b.nodes.flatMap((n) => replicasOf(state, b, loadNode(ctx, state, b, n))) }));
  return [...stored, contextBuilder(ctx, state)];
}

/** The builder a command targets: NAME, else --builder / BUILDX_BUILDER, else the current one, else default. */
export function builderNameFor(ctx, state, name, flags = {}) {
  return name || flags.builder || ctx.env.BUILDX_BUILDER || state.current || 'default';
}

export function loadBuilder(ctx, state, name) {
  const found = loadBuilders(ctx, state).find((b) => b.name === name);
  if (!found) throw new CliError(`no builder "${name}" found`);
  return found;
}
