// While `buildx build` runs: a node that dies mid-build can hang buildx for good (docker/buildx#556), so the
// nodes that build are probed every few seconds (TLS nodes down to a gRPC answer, so a frozen daemon counts);
// one silent for longer than --node-timeout stops buildx, and the report names it and what it was building.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner, RunOptions, RunResult } from '../buildx/exec.js';
import type { DriverName } from '../drivers/registry.js';
import { type ProbeNodeSpec, probeNode } from './node.js';
import type { ProbeResult } from './types.js';

export interface WatchOptions {
  builder: string;
  /** Undefined for a driver this mpb does not know. */
  driver: DriverName | undefined;
  /** --node-timeout: how long a node may stay silent before the build is stopped. */
  nodeTimeoutMs: number;
  /** The longest one probe may take (--probe-timeout); capped by nodeTimeoutMs. */
  probeTimeoutMs: number;
  /** Between two probes of a node; default 2 s, or less under a short --node-timeout. */
  intervalMs?: number;
  /** How long buildx has after SIGINT before SIGKILL. */
  abortGraceMs?: number;
  stdio?: RunOptions['stdio'];
  /** Each line buildx prints, as it arrives (a split job shows them with its platforms in front). */
  onLine?: RunOptions['onLine'];
  timeoutMs?: number;
}

/** The node that stopped answering, and what it was building. */
export interface NodeDeath {
  code: 'node.died';
  builder: string;
  node: string;
  endpoint: string;
  platforms: string[];
  silentMs: number;
  /** The last probe: why it did not answer. */
  last: ProbeResult;
}

export interface WatchedRun {
  result: RunResult;
  /** Set when the watchdog stopped buildx. */
  died: NodeDeath | undefined;
}

/** The platforms each node builds, from the routes (node name → platforms). */
export function platformsByNodeOf(
  routes: readonly { platform: string; node: string | undefined }[],
): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const r of routes) {
    if (r.node === undefined) continue;
    byNode.set(r.node, [...(byNode.get(r.node) ?? []), r.platform]);
  }
  return byNode;
}

const answered = (p: ProbeResult) => p.state !== 'down';

/** Probes one node until it has been silent for nodeTimeoutMs (resolves with the last probe) or `stop` aborts. */
async function watchNode(
  run: Runner,
  node: ProbeNodeSpec,
  options: WatchOptions,
  stop: AbortSignal,
): Promise<{ last: ProbeResult; silentMs: number } | undefined> {
  const interval = options.intervalMs ?? Math.min(2_000, options.nodeTimeoutMs / 2);
  const timeoutMs = Math.min(options.probeTimeoutMs, options.nodeTimeoutMs);
  let lastAnswer = performance.now();
  while (!stop.aborted) {
    const last = await probeNode(node, { run, timeoutMs, driver: options.driver, builder: options.builder });
    if (stop.aborted) return undefined;
    const now = performance.now();
    if (answered(last)) lastAnswer = now;
    else if (now - lastAnswer >= options.nodeTimeoutMs)
      return { last, silentMs: Math.round(now - lastAnswer) };
    await sleep(interval, undefined, { signal: stop }).catch(() => {});
  }
  return undefined;
}

/**
 * Runs `docker ARGV` (a build) while the nodes in platformsByNode are watched; the first one silent for
 * --node-timeout stops it (SIGINT, then SIGKILL). Split builds wrap each of their jobs in this too.
 */
export async function runWatched(
  deps: { run: Runner },
  argv: readonly string[],
  nodes: readonly ProbeNodeSpec[],
  platformsByNode: ReadonlyMap<string, readonly string[]>,
  options: WatchOptions,
): Promise<WatchedRun> {
  const stopWatching = new AbortController();
  const stopBuild = new AbortController();
  let died: NodeDeath | undefined;
  const watched = nodes.filter((n) => platformsByNode.has(n.name));
  const watchers = watched.map(async (node) => {
    const silent = await watchNode(deps.run, node, options, stopWatching.signal);
    if (!silent || died) return;
    died = {
      code: 'node.died',
      builder: options.builder,
      node: node.name,
      endpoint: silent.last.endpoint,
      platforms: [...(platformsByNode.get(node.name) ?? [])],
      silentMs: silent.silentMs,
      last: silent.last,
    };
    stopBuild.abort();
  });
  try {
    const result = await deps.run('docker', argv, {
      stdio: options.stdio,
      onLine: options.onLine,
      timeoutMs: options.timeoutMs,
      signal: stopBuild.signal,
      abortGraceMs: options.abortGraceMs,
    });
    return { result, died };
  } finally {
    // A probe in flight ends on its own timeout; its answer no longer matters, so the build result does not wait.
    stopWatching.abort();
    void Promise.all(watchers);
  }
}

/** One line for people: which node, how long silent, what it was building, and why the last probe failed. */
export function describeDeath(d: NodeDeath): { message: string; hint: string } {
  const why = d.last.state === 'down' ? `: ${d.last.detail}` : '';
  return {
    message: `node "${d.node}" (${d.endpoint}) of builder "${d.builder}" stopped answering for ${Math.round(d.silentMs / 1000)} s while building ${d.platforms.join(', ')}${why}; stopped buildx [node.died]`,
    hint: `Check the node (mpb doctor ${d.builder}), then build again; --node-timeout SECONDS waits longer.`,
  };
}
