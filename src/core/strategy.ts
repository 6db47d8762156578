// `--strategy auto|split|single` → the strategy that runs, and why. Pure: single's routes come from routing.ts.
import type { Strategy, StrategyAsked } from '../config/types.js';
import type { Refusal } from './build-gate.js';
import { runsNatively } from './platforms.js';
import { nativeTruthOfNode, type Route, type RoutingNode } from './routing.js';

// Declared with the config that names them (the types floor); here too, where the choice is made.
export type { Strategy, StrategyAsked };

export interface StrategyFacts {
  asked: StrategyAsked;
  push: boolean;
  tags: readonly string[];
  /** The user's own `--output` values: split writes its own exporter. */
  outputs: readonly string[];
  cacheRef: string | undefined;
  /** Flags that need one `buildx build` (buildx/build-flags.ts singleOnlyReasons): `--load`, `--call`, … */
  singleOnly?: readonly { flag: string; reason: string }[];
  /** Where a single build would put each platform (routePlatforms). */
  routes: readonly Route[];
  nodes: readonly RoutingNode[];
}

export type StrategyRefusalKind = 'split-needs-push' | 'split-needs-tag' | 'split-output' | 'split-flag';

/** A refusal of build-gate's kind: split's refusals are usage errors (REFUSAL_OUTCOME). */
export type StrategyRefusal = Refusal & { kind: StrategyRefusalKind };

export type StrategyChoice =
  | { kind: 'chosen'; strategy: Strategy; reason: string }
  | { kind: 'refused'; refusal: StrategyRefusal };

/** Not known to be down: running, or not asked yet (buildx starts it for the build). */
export const isUp = (n: RoutingNode): boolean => n.status === undefined || n.status === 'running';

/** The first node, other than `except`, that runs `platform` without QEMU and is not known to be down. */
export function nativeNodeOf(
  platform: string,
  nodes: readonly RoutingNode[],
  except?: string,
): RoutingNode | undefined {
  return nodes.find(
    (n) => n.name !== except && isUp(n) && runsNatively(nativeTruthOfNode(n).platforms, platform),
  );
}

/** Platforms single would emulate while another node of the builder runs them natively, as sentences. */
export function misroutesOf(routes: readonly Route[], nodes: readonly RoutingNode[]): string[] {
  return routes.flatMap((r) => {
    if (r.verdict !== 'emulated') return [];
    const native = nativeNodeOf(r.platform, nodes, r.node);
    return native
      ? [`single would emulate ${r.platform} on "${r.node}" while "${native.name}" runs it natively`]
      : [];
  });
}

/** Why split cannot run with these flags, if it cannot. */
function splitBlocker(facts: StrategyFacts): StrategyRefusal | undefined {
  if (!facts.push) {
    return {
      kind: 'split-needs-push',
      message:
        '--strategy split needs --push: each node pushes its platforms by digest, and the registry merges them',
      hint: 'Add --push (with -t REPO:TAG), or use --strategy single to build without pushing.',
    };
  }
  if (facts.tags.length === 0) {
    return {
      kind: 'split-needs-tag',
      message: '--strategy split needs a tag (-t REPO:TAG): the merged index is pushed under it',
      hint: 'Add -t REPO:TAG, or use --strategy single.',
    };
  }
  if (facts.outputs.length > 0) {
    return {
      kind: 'split-output',
      message: `--strategy split writes its own exporter (push by digest), so --output ${facts.outputs.join(', ')} cannot apply`,
      hint: 'Drop --output and use -t REPO:TAG --push, or use --strategy single.',
    };
  }
  const singleOnly = facts.singleOnly ?? [];
  const [first] = singleOnly;
  if (first) {
    return {
      kind: 'split-flag',
      message: `--strategy split cannot take ${singleOnly.map((s) => s.flag).join(', ')}: ${first.reason}`,
      hint: `Use --strategy single, or drop ${first.flag}.`,
    };
  }
  return undefined;
}

/** Decides the strategy: split when asked, or under `auto` when single would emulate needlessly or lose cache. */
export function chooseStrategy(facts: StrategyFacts): StrategyChoice {
  const blocker = splitBlocker(facts);
  if (facts.asked === 'single') return { kind: 'chosen', strategy: 'single', reason: '--strategy single' };
  if (facts.asked === 'split') {
    return blocker
      ? { kind: 'refused', refusal: blocker }
      : { kind: 'chosen', strategy: 'split', reason: '--strategy split' };
  }
  const misroutes = misroutesOf(facts.routes, facts.nodes);
  const nodesUsed = new Set(facts.routes.flatMap((r) => (r.node === undefined ? [] : [r.node])));
  const cacheSpread =
    facts.cacheRef !== undefined && nodesUsed.size > 1
      ? [
          `--cache-ref on a build over ${nodesUsed.size} nodes: one build keeps the cache of one platform only (docker/buildx#1044)`,
        ]
      : [];
  const why = [...misroutes, ...cacheSpread];
  if (why.length === 0) {
    // No split would do better; say so truthfully when some platform is emulated all the same.
    const emulated = facts.routes.filter((r) => r.verdict === 'emulated').map((r) => r.platform);
    return {
      kind: 'chosen',
      strategy: 'single',
      reason:
        emulated.length > 0
          ? `no node of the builder runs ${emulated.join(', ')} natively, so one build serves as well as one job per node`
          : 'every platform is built natively where buildx sends it, and no per-platform cache needs one job per node',
    };
  }
  if (blocker) {
    const [flag] = facts.singleOnly ?? [];
    const missing =
      blocker.kind === 'split-needs-push'
        ? 'no --push'
        : flag && blocker.kind === 'split-flag'
          ? `${flag.flag} needs one build (${flag.reason})`
          : blocker.message;
    return {
      kind: 'chosen',
      strategy: 'single',
      reason: `${why.join('; ')}; split would fix it, but ${missing}`,
    };
  }
  return { kind: 'chosen', strategy: 'split', reason: why.join('; ') };
}
