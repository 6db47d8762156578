// Which node builds each job of a fleet build (bake's target × platform jobs, a split build's platforms). A
// platform's pool is the builder's live nodes that run it natively, by the node's own word (platforms.ts); a job
// goes to the least busy node of its pool — busy counts the builds its daemon reports running (other mpb
// processes, parallel CI jobs) and the jobs this run has placed there — and, between nodes equally busy, to the
// node its affinity key hashes to (rendezvous hashing), so a rebuild of the same target × platform goes back to
// where its cache is, and adding or removing a node moves only the jobs that hashed to it. Pure, no I/O.
import { runsNatively } from './platforms.js';
import { nativeTruthOfNode, type RoutingNode } from './routing.js';
import { isUp } from './strategy.js';

export interface Pool {
  platform: string;
  /** The live nodes that build it, in the builder's order. */
  nodes: string[];
  /** How they run it: natively, or under QEMU where no native node is declared (or --allow-emulation). */
  verdict: 'native' | 'emulated';
  /** Native nodes that are down: their share goes to the others. */
  down: string[];
}

export type PoolResult =
  | { ok: true; pool: Pool; warning?: string }
  | { ok: false; message: string; hint: string };

const emulates = (n: RoutingNode, platform: string) =>
  (n.declared?.emulate.includes(platform) ?? false) || n.listed.some((e) => e.platform === platform);

/**
 * The pool of one platform. Strict by default: where a native node is declared but none is up, the platform is
 * not built under emulation elsewhere (docker/buildx#2119) unless `allowEmulation`.
 */
export function poolOf(platform: string, nodes: readonly RoutingNode[], allowEmulation: boolean): PoolResult {
  const native = nodes.filter((n) => runsNatively(nativeTruthOfNode(n).platforms, platform));
  const up = native.filter(isUp).map((n) => n.name);
  const down = native.filter((n) => !isUp(n)).map((n) => n.name);
  if (up.length > 0) return { ok: true, pool: { platform, nodes: up, verdict: 'native', down } };
  const emulating = nodes.filter((n) => isUp(n) && emulates(n, platform)).map((n) => n.name);
  if (down.length > 0 && !allowEmulation) {
    return {
      ok: false,
      message: `no node that runs ${platform} natively is up (${down.join(', ')} down)`,
      hint:
        emulating.length > 0
          ? `Bring ${down.join(' or ')} back, or build it under QEMU on ${emulating[0]} with --allow-emulation.`
          : `Bring ${down.join(' or ')} back: mpb ensure-builder says what is wrong.`,
    };
  }
  if (emulating.length === 0) {
    return {
      ok: false,
      message: `no node of the builder builds ${platform}`,
      hint: 'Declare a node that runs it (platforms:), or one that emulates it (emulate:).',
    };
  }
  const pool: Pool = { platform, nodes: emulating, verdict: 'emulated', down };
  return {
    ok: true,
    pool,
    warning: `no node runs ${platform} natively${down.length > 0 ? ' and is up' : ''}: ${emulating.join(', ')} emulate${emulating.length === 1 ? 's' : ''} it (QEMU)`,
  };
}

/** FNV-1a, 32 bits: a stable hash, the same in every process and on every machine. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The pool's nodes by preference for `key` (rendezvous hashing): the first is the key's home node. */
export function affinityOrder(key: string, nodes: readonly string[]): string[] {
  return [...nodes].sort((a, b) => hash(`${key}\0${b}`) - hash(`${key}\0${a}`) || a.localeCompare(b));
}

export interface Placeable {
  /** What is placed: a job, or jobs that share a cache (a bake target and the targets built from it). */
  id: string;
  platform: string;
  /** The rendezvous key: the same key goes to the same node when loads are even. */
  affinity: string;
  /** How many builds it starts (the load it adds to its node). */
  weight: number;
}

/** The least busy of `nodes` by `load`, ties broken by the key's affinity order; undefined when empty. */
export function leastBusy(
  key: string,
  nodes: readonly string[],
  load: (node: string) => number,
): string | undefined {
  let best: string | undefined;
  for (const n of affinityOrder(key, nodes)) if (best === undefined || load(n) < load(best)) best = n;
  return best;
}

/**
 * Places every item on a node of its platform's pool, the heaviest first (then in the items' order: the longest-
 * processing-time rule, which keeps a pool's loads within one item of even); `busy` is each node's active builds
 * as its daemon reported them (unknown: 0). The same items on the same idle fleet are placed the same way every
 * time, so a rebuild finds its cache.
 */
export function placeJobs(
  items: readonly Placeable[],
  pools: ReadonlyMap<string, Pool>,
  busy: ReadonlyMap<string, number>,
): Map<string, string> {
  const placed = new Map<string, number>();
  const load = (n: string) => (busy.get(n) ?? 0) + (placed.get(n) ?? 0);
  const where = new Map<string, string>();
  // Array.prototype.sort is stable: equal weights keep the items' order.
  for (const item of [...items].sort((a, b) => b.weight - a.weight)) {
    const pool = pools.get(item.platform);
    const node = pool && leastBusy(item.affinity, pool.nodes, load);
    if (!node) continue;
    where.set(item.id, node);
    placed.set(node, (placed.get(node) ?? 0) + item.weight);
  }
  return where;
}
