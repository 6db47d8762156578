// Requested platforms → one job per node with exactly the platforms that node builds. Declared nodes build what
// they declare; other platforms go to the first node that runs them natively, else the first that emulates them.
import type { BuildxVersion } from '../buildx/model.js';
import { isCompatible, runsNatively } from './platforms.js';
import {
  nativeTruthOfNode,
  type Route,
  type RouteVerdict,
  type RoutingNode,
  routePlatforms,
} from './routing.js';
import { leastBusy } from './scheduler.js';
import { isUp, nativeNodeOf } from './strategy.js';

/** How a platform declared on several nodes picks one (core/scheduler.ts): busy per node, the build's key. */
export interface Placement {
  busy: ReadonlyMap<string, number>;
  /** What the build's cache is known by (its repository): the same build goes back to the same node. */
  affinity: string;
}

export interface SplitJob {
  node: string;
  /** In the requested order. */
  platforms: string[];
  verdicts: Record<string, Exclude<RouteVerdict, 'not-served'>>;
  /**
   * True when buildx itself sends exactly these platforms to this node: every one is pinned there and routing
   * agrees. Otherwise the job needs the node's `mpb-via-…` helper builder (helper-builder.ts).
   */
  direct: boolean;
}

export interface SplitPlan {
  jobs: SplitJob[];
  /** Platforms no node serves: the gate refuses them, as for single. */
  unplaced: string[];
  warnings: string[];
}

/** Native or emulated on this node: what it said it runs, else its declaration (platforms.ts nativeTruthOf). */
export const verdictOn = (node: RoutingNode, platform: string): 'native' | 'emulated' =>
  runsNatively(nativeTruthOfNode(node).platforms, platform) ? 'native' : 'emulated';

type Placed = { node: RoutingNode; verdict: 'native' | 'emulated'; warning?: string };

/** Of the nodes that declare a platform, the least busy live one (a pool); else the first. */
function poolChoice(declared: readonly RoutingNode[], platform: string, placement: Placement | undefined) {
  const live = declared.filter(isUp);
  if (live.length < 2 || !placement) return live[0] ?? declared[0];
  const name = leastBusy(
    `${placement.affinity} ${platform}`,
    live.map((n) => n.name),
    (n) => placement.busy.get(n) ?? 0,
  );
  return live.find((n) => n.name === name);
}

function place(
  platform: string,
  nodes: readonly RoutingNode[],
  declaredBuilder: boolean,
  placement: Placement | undefined,
): Placed | undefined {
  // A declared platform goes where it is declared; whether that is native is the node's word, not the file's.
  const declaredNative = poolChoice(
    nodes.filter((n) => n.declared?.platforms.includes(platform)),
    platform,
    placement,
  );
  if (declaredNative) return { node: declaredNative, verdict: verdictOn(declaredNative, platform) };
  const declaredEmulated = nodes.find((n) => n.declared?.emulate.includes(platform));
  if (declaredEmulated) return { node: declaredEmulated, verdict: verdictOn(declaredEmulated, platform) };
  const undeclared = declaredBuilder ? `${platform} is declared on no node; ` : '';
  const native = nativeNodeOf(platform, nodes);
  if (native) {
    const warning = declaredBuilder
      ? `${undeclared}"${native.name}" runs it natively and builds it`
      : undefined;
    return warning ? { node: native, verdict: 'native', warning } : { node: native, verdict: 'native' };
  }
  // BuildKit lists a worker's native platforms first and the ones it emulates after (captures qemu-*).
  const emulating = nodes.find((n) => isUp(n) && n.listed.some((e) => isCompatible(e.platform, platform)));
  if (!emulating) return undefined;
  return {
    node: emulating,
    verdict: 'emulated',
    warning: `${undeclared}no node runs ${platform} natively: "${emulating.name}" emulates it (QEMU)`,
  };
}

/** The jobs of a split build, in the builder's node order. */
export function planSplit(
  requested: readonly string[],
  nodes: readonly RoutingNode[],
  version: BuildxVersion,
  placement?: Placement,
): SplitPlan {
  const declaredBuilder = nodes.some((n) => n.declared !== undefined);
  const byNode = new Map<string, SplitJob>();
  const unplaced: string[] = [];
  const warnings: string[] = [];
  for (const platform of requested) {
    const placed = place(platform, nodes, declaredBuilder, placement);
    if (!placed) {
      unplaced.push(platform);
      continue;
    }
    if (placed.warning) warnings.push(placed.warning);
    const job = byNode.get(placed.node.name) ?? {
      node: placed.node.name,
      platforms: [],
      verdicts: {},
      direct: false,
    };
    job.platforms.push(platform);
    // A declared node is trusted for what it declares; otherwise judge by what it lists.
    job.verdicts[platform] = placed.verdict;
    byNode.set(placed.node.name, job);
  }
  const jobs = nodes.flatMap((n) => {
    const job = byNode.get(n.name);
    if (!job) return [];
    const pinned = job.platforms.every((p) => n.listed.some((e) => e.pinned && e.platform === p));
    const routed = routePlatforms(job.platforms, [...nodes], version).every((r) => r.node === n.name);
    return [{ ...job, direct: pinned && routed }];
  });
  return { jobs, unplaced, warnings };
}

/** Split's prediction in routing's terms, for the gate (checkRoutes) and the report: each job's platforms on its node. */
export function routesOfPlan(plan: SplitPlan, nodes: readonly RoutingNode[]): Route[] {
  return plan.jobs.flatMap((j) => {
    const node = nodes.find((n) => n.name === j.node);
    const nodeDown = node !== undefined && !isUp(node);
    return j.platforms.map((platform) => ({
      platform,
      node: j.node,
      verdict: j.verdicts[platform]!,
      nodeDown,
    }));
  });
}
