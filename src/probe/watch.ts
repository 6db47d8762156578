// While `buildx build` runs: a node that dies mid-build can hang buildx for good (docker/buildx#556), so the
// nodes that build are probed every few seconds (TLS nodes down to a gRPC answer, so a frozen daemon counts);
// one silent for longer than --node-timeout stops buildx, and the report names it and what it was building.
// A node that dies outright (its connections reset) makes buildx fail at once: then the nodes are probed once
// more, and one that no longer answers is reported the same way. A node already down when the build started
// (found down before it, and silent since) did not die during the build: it is reported down [node.down].
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner, RunOptions, RunResult } from '../buildx/run-types.js';
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
  /**
   * Nodes found down before the build started (the preflight, buildx's status). Until one answers, its silence
   * is that it is down (`node.down`), not that it died while building (`node.died`).
   */
  downAtStart?: readonly string[];
}

/**
 * The node that stopped answering, and what it was building: `node.died` when it answered at the start (or
 * since), `node.down` when it was down before the build and never answered.
 */
export interface NodeDeath {
  code: 'node.died' | 'node.down';
  builder: string;
  node: string;
  endpoint: string;
  platforms: string[];
  silentMs: number;
  /** The last probe: why it did not answer. */
  last: ProbeResult;
  /** True when mpb stopped buildx; false when buildx failed on its own while the node was down. */
  stoppedBuildx: boolean;
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

/** One probe of a node, within --probe-timeout capped by --node-timeout. */
function probeOnce(run: Runner, node: ProbeNodeSpec, options: WatchOptions): Promise<ProbeResult> {
  const timeoutMs = Math.min(options.probeTimeoutMs, options.nodeTimeoutMs);
  return probeNode(node, { run, timeoutMs, driver: options.driver, builder: options.builder });
}

/**
 * Probes one node until it has been silent for nodeTimeoutMs (resolves with the last probe) or `stop` aborts;
 * `lastAnswer` holds when it last answered.
 */
async function watchNode(
  run: Runner,
  node: ProbeNodeSpec,
  options: WatchOptions,
  stop: AbortSignal,
  lastAnswer: Map<string, number>,
  startedAt: number,
): Promise<{ last: ProbeResult; silentMs: number } | undefined> {
  const interval = options.intervalMs ?? Math.min(2_000, options.nodeTimeoutMs / 2);
  // A node found down before the build has not answered: its silence counts from the start, as a node down.
  if (!options.downAtStart?.includes(node.name)) lastAnswer.set(node.name, startedAt);
  // The preflight has just heard from every node: the first probe waits one interval, leaving buildx's start
  // the CPU (its first line comes sooner; BENCHMARKS.md, issue #15).
  await sleep(interval, undefined, { signal: stop }).catch(() => {});
  while (!stop.aborted) {
    const last = await probeOnce(run, node, options);
    if (stop.aborted) return undefined;
    const now = performance.now();
    const since = lastAnswer.get(node.name) ?? startedAt;
    if (answered(last)) lastAnswer.set(node.name, now);
    else if (now - since >= options.nodeTimeoutMs) return { last, silentMs: Math.round(now - since) };
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
  const lastAnswer = new Map<string, number>();
  const startedAt = performance.now();
  const deathOf = (node: ProbeNodeSpec, last: ProbeResult, silentMs: number, stoppedBuildx: boolean) => ({
    code: lastAnswer.has(node.name) ? ('node.died' as const) : ('node.down' as const),
    builder: options.builder,
    node: node.name,
    endpoint: last.endpoint,
    platforms: [...(platformsByNode.get(node.name) ?? [])],
    silentMs,
    last,
    stoppedBuildx,
  });
  const watchers = watched.map(async (node) => {
    const silent = await watchNode(deps.run, node, options, stopWatching.signal, lastAnswer, startedAt);
    if (!silent || died) return;
    died = deathOf(node, silent.last, silent.silentMs, true);
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
    if (died || result.outcome.kind !== 'failed') return { result, died };
    // buildx failed on its own: because a node went away (a killed daemon resets its connections at once)?
    const probes = await Promise.all(
      watched.map(async (node) => ({ node, last: await probeOnce(deps.run, node, options) })),
    );
    const gone = probes.find((p) => !answered(p.last));
    if (!gone) return { result, died };
    const silentMs = Math.round(performance.now() - (lastAnswer.get(gone.node.name) ?? startedAt));
    return { result, died: deathOf(gone.node, gone.last, silentMs, false) };
  } finally {
    // A probe in flight ends on its own timeout; its answer no longer matters, so the build result does not wait.
    stopWatching.abort();
    void Promise.all(watchers);
  }
}

/** One line for people: which node, how long silent, what it was building, and why the last probe failed. */
export function describeDeath(d: NodeDeath): { message: string; hint: string } {
  const why = d.last.state === 'down' ? `: ${d.last.detail}` : '';
  if (d.code === 'node.down') {
    const node = `node "${d.node}" (${d.endpoint}) of builder "${d.builder}"`;
    return {
      message: d.stoppedBuildx
        ? `${node} is down: it was down before the build and has not answered in ${Math.round(d.silentMs / 1000)} s, and ${d.platforms.join(', ')} was sent to it${why}; stopped buildx [node.down]`
        : `${node} is down: it was down before the build and never answered, and ${d.platforms.join(', ')} was sent to it${why}; buildx failed [node.down]`,
      hint: `Bring the node back (mpb doctor ${d.builder}), then build again.`,
    };
  }
  return {
    message: d.stoppedBuildx
      ? `node "${d.node}" (${d.endpoint}) of builder "${d.builder}" stopped answering for ${Math.round(d.silentMs / 1000)} s while building ${d.platforms.join(', ')}${why}; stopped buildx [node.died]`
      : `node "${d.node}" (${d.endpoint}) of builder "${d.builder}" stopped answering while building ${d.platforms.join(', ')}${why}; buildx failed [node.died]`,
    hint: `Check the node (mpb doctor ${d.builder}), then build again; --node-timeout SECONDS waits longer.`,
  };
}
