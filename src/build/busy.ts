// How busy each node of the builder is now, by its daemon's own count of running builds (probe/busy.ts): what the
// scheduler (core/scheduler.ts) balances on, so separate mpb processes and CI jobs spread over a pool too.
import { isUp } from '../core/strategy.js';
import type { Deps } from '../deps.js';
import { isKnownDriver } from '../drivers/registry.js';
import { busyOfNodes } from '../probe/busy.js';
import type { BuildTarget } from './target.js';

/** The longest the question may take: it is asked before every fleet build, and a node that is slow to say is 0. */
const BUSY_TIMEOUT_MS = 2_000;

/** True when some platform is declared on two live nodes or more: only a pool needs the daemons asked. */
export function hasPool(target: Pick<BuildTarget, 'nodes'>): boolean {
  const seen = new Set<string>();
  for (const n of target.nodes.filter(isUp)) {
    for (const p of n.declared?.platforms ?? []) {
      if (seen.has(p)) return true;
      seen.add(p);
    }
  }
  return false;
}

/** Active builds per live node; a node that cannot be asked is left out (counted as idle). */
export async function busyOf(
  deps: Deps,
  target: BuildTarget,
  probeTimeoutSeconds: number,
): Promise<Map<string, number>> {
  const live = new Set(target.nodes.filter(isUp).map((n) => n.name));
  // One node has no one to be balanced against.
  if (live.size < 2) return new Map();
  const counts = await busyOfNodes(
    target.probeNodes.filter((n) => live.has(n.name)),
    {
      timeoutMs: Math.min(BUSY_TIMEOUT_MS, probeTimeoutSeconds * 1000),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(isKnownDriver(target.driver) ? { driver: target.driver } : {}),
    },
  );
  return new Map([...counts].flatMap(([node, n]) => (n === undefined ? [] : [[node, n] as const])));
}
