// Declared builders vs what buildx has → what `mpb ls` / `mpb status` show: per builder and per node, the
// state buildx reports and the drift from the config (missing, extra, changed, down, unserved). Pure.
import { type ContainerState, SPEC_HASH_LABEL } from '../buildx/container-args.js';
import { containerNameOf, localEndpointOf } from '../buildx/container-names.js';
import type { BuildxBuilder, BuildxNode, BuildxVersion } from '../buildx/model.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { nodeStateOf } from '../drivers/registry.js';
import { codeOfNodeStatus, type FaultCode } from '../probe/codes.js';
import type { NativeTruth, ProbeResult } from '../probe/types.js';
import { downFix } from './health.js';
import { containerSpecOf, planLocalContainer } from './local-container.js';
import { diffNode } from './node-diff.js';
import { effectivePinsOf, isCompatible, nativeTruthOf, runsNatively } from './platforms.js';

export type DriftKind = 'missing' | 'extra' | 'changed' | 'down' | 'unserved';

export interface Drift {
  kind: DriftKind;
  /** Absent when the drift is the builder's own: it is missing, has another driver, or cannot be loaded. */
  node?: string;
  detail: string;
  /** For a `down`: the stable code of why (probe/codes.ts), the same one ensure-builder and doctor print. */
  code?: FaultCode;
  /** For a `down`: what to do (the probe's fix, where a probe found why). */
  fix?: string;
}

/** The BuildKit container mpb runs for a `local: true` node. */
export interface ContainerView {
  name: string;
  state: ContainerState['state'];
  /** Docker's word (`running`, `exited`, ...), when the container exists. */
  status?: string;
  image?: string;
}

export interface NodeView {
  name: string;
  declared: boolean;
  endpoint: string | undefined;
  /** As buildx stores them (TLS files as `cacert`/`cert`/`key`); empty for a node buildx lacks. */
  driverOpts: Record<string, string>;
  status: string | undefined;
  buildkitVersion: string | undefined;
  /** Marked `*` by buildx. */
  pinned: string[];
  /** Platforms the node reports, split by whether it runs them without QEMU. */
  native: string[];
  emulated: string[];
  /** Who says what it runs natively: buildx's list of an unpinned node (the worker's order), or the config. */
  nativeSource: NativeTruth['source'];
  container?: ContainerView;
  /** Its probe (probe/buildx-nodes.ts): ls probes the nodes buildx reports down, never the running ones. */
  probe?: ProbeResult;
}

/** in-sync: `mpb ensure-builder` would change nothing and every node is up. */
export type BuilderState = 'in-sync' | 'drifted' | 'missing' | 'undeclared';

export interface BuilderView {
  name: string;
  declared: boolean;
  state: BuilderState;
  /** What buildx has; the declared driver when the builder is missing. */
  driver: string;
  current: boolean;
  error: string | undefined;
  nodes: NodeView[];
  drift: Drift[];
}

const ENSURE = (builder: string) => `run: mpb ensure-builder ${builder}`;

function platformsOf(
  node: BuildxNode,
  spec?: NodeSpec,
): Pick<NodeView, 'pinned' | 'native' | 'emulated' | 'nativeSource'> {
  const listed = node.platforms.map((e) => e.platform);
  const truth = nativeTruthOf(node.platforms, spec);
  return {
    pinned: node.platforms.filter((e) => e.pinned).map((e) => e.platform),
    native: listed.filter((p) => runsNatively(truth.platforms, p)),
    emulated: listed.filter((p) => !runsNatively(truth.platforms, p)),
    nativeSource: truth.source,
  };
}

function nodeViewOf(node: BuildxNode, spec?: NodeSpec): NodeView {
  return {
    name: node.name,
    declared: spec !== undefined,
    endpoint: node.endpoint,
    driverOpts: node.driverOpts,
    status: node.status,
    buildkitVersion: node.buildkitVersion,
    ...platformsOf(node, spec),
  };
}

// A node is down unless it runs or its driver starts it on demand (drivers/registry.ts nodeStateOf).
function downDetail(node: Pick<BuildxNode, 'status' | 'error'>, driver: string): string | undefined {
  if (node.error !== undefined) return node.error;
  const state = nodeStateOf(driver, node.status);
  return state === 'running' || state === 'starts-on-demand'
    ? undefined
    : `status ${node.status ?? 'unknown'}`;
}

/** Whether ls counts the node down (and so probes it for why): not running, and not started on demand. */
export function isNodeDown(node: Pick<BuildxNode, 'status' | 'error'>, driver: string): boolean {
  return downDetail(node, driver) !== undefined;
}

/**
 * A node down, declared or not: its probe's diagnosis where the probe found it down, else buildx's own word
 * (its error, or its status) with the code of that status.
 */
function downDrift(node: BuildxNode, driver: string, probe: ProbeResult | undefined): Drift | undefined {
  const detail = downDetail(node, driver);
  if (detail === undefined) return undefined;
  if (probe?.state === 'down')
    return { kind: 'down', node: node.name, detail: probe.detail, code: probe.code, fix: probe.fix };
  const code = codeOfNodeStatus(node.status, node.error);
  return { kind: 'down', node: node.name, detail, code, fix: downFix(node.endpoint) };
}

function containerViewOf(name: string, state: ContainerState): ContainerView {
  return state.state === 'missing'
    ? { name, state: 'missing' }
    : { name, state: state.state, status: state.status, image: state.image };
}

function containerDrift(builder: string, spec: NodeSpec, state: ContainerState): Drift[] {
  const container = containerSpecOf(builder, spec);
  if (!container || planLocalContainer(container, spec.name, state).length === 0) return [];
  const detail =
    state.state === 'missing'
      ? `BuildKit container ${container.name} does not exist`
      : state.specHash !== container.labels[SPEC_HASH_LABEL]
        ? `BuildKit container ${container.name} runs other settings (image ${state.image})`
        : `BuildKit container ${container.name} is ${state.status}`;
  return [{ kind: 'changed', node: spec.name, detail: `${detail}; ${ENSURE(builder)}` }];
}

export interface DriftInput {
  version: BuildxVersion;
  /** The container of each `local` node, by node name; a node not in the map has none. */
  containers?: Map<string, ContainerState>;
  /** The probes of the nodes buildx reports down (ls: probe/buildx-nodes.ts probeActual). */
  probes?: readonly ProbeResult[];
}

function declaredNodes(spec: BuilderSpec, actual: readonly BuildxNode[], driver: string, input: DriftInput) {
  const pins = effectivePinsOf(spec.nodes);
  const byName = new Map(actual.map((n) => [n.name, n]));
  // buildx gives unlisted platforms to the first node: declared order matters (see plan.ts nodeActions).
  const present = spec.nodes.filter((n) => byName.has(n.name)).map((n) => n.name);
  const actualOrder = actual.filter((n) => present.includes(n.name)).map((n) => n.name);
  const nodes: NodeView[] = [];
  const drift: Drift[] = [];
  for (const nodeSpec of spec.nodes) {
    const name = nodeSpec.name;
    const state = input.containers?.get(name) ?? { state: 'missing' };
    const container = nodeSpec.local
      ? { container: containerViewOf(containerNameOf(spec.name, name), state) }
      : {};
    const node = byName.get(name);
    if (!node) {
      const endpoint = nodeSpec.local ? localEndpointOf(spec.name, name) : nodeSpec.endpoint;
      nodes.push({ ...EMPTY, name, declared: true, endpoint, ...container });
      drift.push({
        kind: 'missing',
        node: name,
        detail: `buildx has no node "${name}"; ${ENSURE(spec.name)}`,
      });
      drift.push(...containerDrift(spec.name, nodeSpec, state));
      continue;
    }
    const probe = input.probes?.find((p) => p.node === name);
    nodes.push({ ...nodeViewOf(node, nodeSpec), ...container, ...(probe ? { probe } : {}) });
    const desired = {
      spec: nodeSpec,
      pins: pins.get(name) ?? [],
      endpoint: nodeSpec.local ? localEndpointOf(spec.name, name) : nodeSpec.endpoint,
    };
    const changes = diffNode(desired, node, { driver: spec.driver, version: input.version }).changes;
    if (actualOrder.indexOf(name) !== present.indexOf(name)) changes.push('out of the declared order');
    if (changes.length > 0) drift.push({ kind: 'changed', node: name, detail: changes.join('; ') });
    drift.push(...containerDrift(spec.name, nodeSpec, state));
    const down = downDrift(node, driver, probe);
    if (down) drift.push(down);
    const listed = node.platforms.map((e) => e.platform);
    const unserved = [...nodeSpec.platforms, ...nodeSpec.emulate].filter(
      (p) => !listed.some((l) => isCompatible(l, p)),
    );
    if (node.status === 'running' && node.platformsComplete && unserved.length > 0) {
      drift.push({ kind: 'unserved', node: name, detail: `does not serve ${unserved.join(', ')}` });
    }
  }
  return { nodes, drift };
}

const EMPTY = {
  driverOpts: {},
  status: undefined,
  buildkitVersion: undefined,
  pinned: [],
  native: [],
  emulated: [],
  nativeSource: 'declared',
} satisfies Partial<NodeView>;

/** A declared builder beside what buildx has of it (undefined: buildx has no such builder). */
export function describeDeclared(
  spec: BuilderSpec,
  actual: BuildxBuilder | undefined,
  input: DriftInput,
): BuilderView {
  const base = { name: spec.name, declared: true, error: actual?.error };
  if (!actual) {
    const { nodes, drift } = declaredNodes(spec, [], spec.driver, input);
    const detail = `buildx has no builder "${spec.name}"; ${ENSURE(spec.name)}`;
    // Every node is missing with it: one line says so.
    const rest = drift.filter((d) => d.kind !== 'missing');
    return {
      ...base,
      state: 'missing',
      driver: spec.driver,
      current: false,
      nodes,
      drift: [{ kind: 'missing', detail }, ...rest],
    };
  }
  const drift: Drift[] = [];
  if (actual.error !== undefined)
    drift.push({
      kind: 'down',
      detail: `buildx cannot load it: ${actual.error}`,
      code: 'builder.bootstrap-failed',
      fix: `See: docker buildx inspect ${spec.name}`,
    });
  if (actual.driver !== spec.driver) {
    drift.push({
      kind: 'changed',
      detail: `driver ${actual.driver} → ${spec.driver}; run: mpb ensure-builder ${spec.name} --recreate`,
    });
  }
  const declared = declaredNodes(spec, actual.nodes, actual.driver, input);
  const names = new Set(spec.nodes.map((n) => n.name));
  const extras = actual.nodes.filter((n) => !names.has(n.name));
  drift.push(...declared.drift);
  for (const x of extras) {
    drift.push({
      kind: 'extra',
      node: x.name,
      detail: `not in the config; run: mpb ensure-builder ${spec.name} --prune to remove it`,
    });
  }
  return {
    ...base,
    state: drift.length > 0 ? 'drifted' : 'in-sync',
    driver: actual.driver,
    current: actual.current,
    nodes: [...declared.nodes, ...extras.map((n) => nodeViewOf(n))],
    drift,
  };
}

/** buildx could not load the builder; a probe of what stands for its node (a docker context) may name why. */
function unloaded(name: string, error: string, probe: ProbeResult | undefined): Drift {
  return probe?.state === 'down'
    ? { kind: 'down', detail: `buildx cannot load it: ${probe.detail}`, code: probe.code, fix: probe.fix }
    : {
        kind: 'down',
        detail: `buildx cannot load it: ${error}`,
        code: 'builder.bootstrap-failed',
        fix: `See: docker buildx inspect ${name}`,
      };
}

/** Down by its probe, which names why, or by buildx's status (the same rule as a declared node's). */
function undeclaredDown(node: BuildxNode, driver: string, probe: ProbeResult | undefined): Drift | undefined {
  if (probe?.state === 'down')
    return { kind: 'down', node: node.name, detail: probe.detail, code: probe.code, fix: probe.fix };
  return downDrift(node, driver, undefined);
}

/**
 * A builder buildx has that the config does not declare: shown as it is, never changed by mpb. Given its
 * preflight (one result per node, probe/buildx-nodes.ts), a node that is down is drift `down` with its code.
 */
export function describeUndeclared(actual: BuildxBuilder, probes?: readonly ProbeResult[]): BuilderView {
  const probeOf = (name: string) => probes?.find((p) => p.node === name);
  const nodes = actual.nodes.map((n) => {
    const probe = probeOf(n.name);
    return probe ? { ...nodeViewOf(n), probe } : nodeViewOf(n);
  });
  const drift: Drift[] = [];
  if (probes !== undefined) {
    // A builder buildx cannot load lists no node; its docker context, probed, stands for one (buildx-nodes.ts).
    if (actual.error !== undefined)
      drift.push(
        unloaded(actual.name, actual.error, actual.nodes.length === 0 ? probeOf(actual.name) : undefined),
      );
    for (const n of actual.nodes) {
      const down = undeclaredDown(n, actual.driver, probeOf(n.name));
      if (down) drift.push(down);
    }
  }
  return {
    name: actual.name,
    declared: false,
    state: 'undeclared',
    driver: actual.driver,
    current: actual.current,
    error: actual.error,
    nodes,
    drift,
  };
}
