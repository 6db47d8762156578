// Requested platforms → the node buildx will build each one on, and whether that is native, emulated or not
// served at all. Mirrors buildx's own choice; it does not change it.
import type { BuildxBuilder, BuildxVersion, NodeStatus, PlatformEntry } from '../buildx/model.js';
import type { BuilderSpec } from '../config/types.js';
import type { NativeTruth } from '../probe/types.js';
import {
  type DeclaredPlatforms,
  effectivePinsOf,
  isCompatible,
  nativeTruthOf,
  runsNatively,
} from './platforms.js';

export interface RoutingNode {
  name: string;
  /** Undefined when buildx has not been asked (a builder not created yet). */
  status: NodeStatus | undefined;
  /** What buildx lists for the node, pins marked; only the pins while the node is not running. */
  listed: PlatformEntry[];
  /** From the config, when the builder is declared there. */
  declared?: DeclaredPlatforms;
  /** What the node said it runs natively (its worker list, its Docker host), when a probe asked it. */
  native?: NativeTruth;
}

export type RouteVerdict = 'native' | 'emulated' | 'not-served';

export interface Route {
  platform: string;
  /** Undefined only for a builder without nodes. */
  node: string | undefined;
  verdict: RouteVerdict;
  /** The chosen node is known and not running. */
  nodeDown: boolean;
  warning?: string;
}

/** Routing nodes in buildx's order: the actual builder's, with declarations attached; else the config's. */
export function routingNodesOf(
  spec: BuilderSpec | undefined,
  actual: BuildxBuilder | undefined,
  observed: ReadonlyMap<string, NativeTruth> = new Map(),
): RoutingNode[] {
  const declared = new Map(spec?.nodes.map((n) => [n.name, { platforms: n.platforms, emulate: n.emulate }]));
  const truth = (name: string) => {
    const native = observed.get(name);
    return native ? { native } : {};
  };
  if (actual) {
    return actual.nodes.map((n) => ({
      name: n.name,
      status: n.status,
      listed: n.platforms,
      declared: declared.get(n.name),
      ...truth(n.name),
    }));
  }
  const pins = effectivePinsOf(spec?.nodes ?? []);
  return (spec?.nodes ?? []).map((n) => ({
    name: n.name,
    status: undefined,
    listed: (pins.get(n.name) ?? []).map((platform) => ({ platform, pinned: true })),
    declared: declared.get(n.name),
    ...truth(n.name),
  }));
}

/** What each node runs natively and who says so (platforms.ts nativeTruthOf). */
export const nativeTruthOfNode = (n: RoutingNode): NativeTruth =>
  nativeTruthOf(n.listed, n.declared, n.native);

const pinsOf = (n: RoutingNode) => n.listed.filter((e) => e.pinned).map((e) => e.platform);
const isDown = (n: RoutingNode) => n.status !== undefined && n.status !== 'running';

/** What the node's workers report; for a node not running, what its declaration says they would. */
function offersOf(n: RoutingNode): string[] {
  const listed = n.listed.map((e) => e.platform);
  if (n.status === 'running' || !n.declared) return listed;
  return [...new Set([...listed, ...n.declared.platforms, ...n.declared.emulate])];
}

// Pass 1, all versions: a platform pinned on a node goes there. 0.13+ takes the first node that pins it
// (build/driver.go get); 0.10–0.12 the last (resolveDriversBase fills a map in node order). buildx's pin
// exclusivity makes both the same in practice.
function pinnedIndex(platform: string, nodes: RoutingNode[], version: BuildxVersion): number {
  const indexes = nodes.flatMap((n, i) => (pinsOf(n).includes(platform) ? [i] : []));
  return (version.caps.firstPinWins ? indexes[0] : indexes.at(-1)) ?? -1;
}

// Pass 2, 0.13+: every platform is matched again against pins + worker platforms with containerd's
// platforms.Only; an exact match beats a compatible one, ties go to the earlier node, no match → node 0.
function bestMatchIndex(platform: string, nodes: RoutingNode[]): number {
  let best = -1;
  let bestRank = 2;
  for (const [i, n] of nodes.entries()) {
    const offers = [...pinsOf(n), ...offersOf(n)];
    const rank = offers.includes(platform) ? 0 : offers.some((o) => isCompatible(o, platform)) ? 1 : 2;
    if (rank < bestRank) [best, bestRank] = [i, rank];
  }
  return Math.max(best, 0);
}

// Pass 2, 0.10–0.12: pinned platforms stay; the others go to the first node whose workers list them exactly.
function firstListingIndex(platform: string, nodes: RoutingNode[]): number {
  return Math.max(
    nodes.findIndex((n) => offersOf(n).includes(platform)),
    0,
  );
}

function verdictOf(platform: string, n: RoutingNode): RouteVerdict {
  if (runsNatively(nativeTruthOfNode(n).platforms, platform)) return 'native';
  return offersOf(n).some((o) => isCompatible(o, platform)) ? 'emulated' : 'not-served';
}

/**
 * The nodes known to be down that one `buildx build` of `requested` would still boot: with a platform pinned on
 * no node buildx boots every node (below), and waits on a dead one (~20 s) before it fails.
 */
export function downNodesBooted(
  requested: readonly string[],
  nodes: readonly RoutingNode[],
  version: BuildxVersion,
): string[] {
  const all = [...nodes];
  const unpinned = requested.some((p) => pinnedIndex(p, all, version) === -1);
  return nodes.length > 1 && unpinned ? nodes.filter(isDown).map((n) => n.name) : [];
}

/**
 * buildx's rule (docs/buildx.md#platform-routing): if every requested platform is pinned, each goes to its
 * node and only those nodes boot. Otherwise buildx boots every node and matches by worker platforms, emulated
 * ones included. One node, or nothing matched: node 0.
 */
export function routePlatforms(requested: string[], nodes: RoutingNode[], version: BuildxVersion): Route[] {
  const first = nodes[0];
  if (!first) {
    return requested.map((platform) => ({
      platform,
      node: undefined,
      verdict: 'not-served',
      nodeDown: false,
      warning: 'the builder has no nodes',
    }));
  }
  const pinnedAt = requested.map((p) => pinnedIndex(p, nodes, version));
  const unpinned = requested.filter((_, i) => pinnedAt[i] === -1);
  const fallback = nodes.length > 1 && unpinned.length > 0;
  const down = nodes.filter(isDown).map((n) => `"${n.name}"`);

  return requested.map((platform, i) => {
    const pinned = pinnedAt[i]!;
    const index =
      nodes.length === 1
        ? 0
        : !fallback
          ? pinned
          : version.caps.rematchesPlatforms
            ? bestMatchIndex(platform, nodes)
            : pinned !== -1
              ? pinned
              : firstListingIndex(platform, nodes);
    const node = nodes[index] ?? first;
    const verdict = verdictOf(platform, node);
    const warnings: string[] = [];
    if (verdict === 'not-served') {
      // Capture build-noplatform-node: linux/riscv64 "built" on node 0 because the Dockerfile has no RUN.
      warnings.push(`no node serves ${platform}; buildx sends it to the first node ("${first.name}") anyway`);
    } else if (fallback && pinned === -1) {
      warnings.push(`${platform} is pinned on no node: buildx gives it to the first node that lists it`);
    }
    if (fallback && pinned !== -1 && index !== pinned) {
      const others = unpinned.join(', ');
      warnings.push(
        `${platform} is pinned on "${nodes[pinned]!.name}", but ${others} is pinned on no node, so buildx ${version.raw} matches every platform against all nodes and "${node.name}" comes first; pin ${others} on a node to keep ${platform} on "${nodes[pinned]!.name}"`,
      );
    }
    if (fallback && pinned === -1 && down.length > 0) {
      warnings.push(`buildx boots every node for this build, and ${down.join(', ')} is down`);
    }
    const route: Route = { platform, node: node.name, verdict, nodeDown: isDown(node) };
    return warnings.length > 0 ? { ...route, warning: warnings.join('; ') } : route;
  });
}
