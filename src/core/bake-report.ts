// After a fleet bake: per target × platform the node chosen, the node buildx's history says built it, native or
// emulated, time, cached steps and retries; per node how long it was busy and its share of the wall; per target
// whether its tags moved; and the wall time against the ideal bound for this fleet. The JSON field names are an
// interface scripts rely on. Pure.

/** One attempt of a job on a node, in ms since the bake started. */
export interface Attempt {
  node: string;
  startMs: number;
  endMs: number;
  ok: boolean;
}

export interface BakeJobRow {
  target: string;
  platform: string;
  /** Where it was placed last (after any move). */
  node: string;
  /** From buildx's history; null where buildx cannot tell. */
  builtOn: string | null;
  verdict: 'native' | 'emulated';
  outcome: 'built' | 'failed';
  /** The last attempt's time. */
  durationMs: number;
  /**
   * Of its steps that build layers (RUN, COPY… of its Dockerfile and of the targets it builds from: FROM and
   * BuildKit's internal vertices left out), how many the cache served; equal when the job was fully cached. From
   * buildx's history (`history logs`); null where buildx cannot tell.
   */
  cachedSteps: number | null;
  totalSteps: number | null;
  /** Times it moved to another node after its node went down. */
  retries: number;
  /** The nodes it left. */
  movedFrom: string[];
}

export interface BakeNodeRow {
  node: string;
  jobs: number;
  /** Time with at least one job running. */
  busyMs: number;
  /** busyMs over the wall time. */
  share: number;
}

export interface BakeTargetRow {
  target: string;
  tags: string[];
  outcome: 'tagged' | 'failed';
  digest: string | null;
  /** Why its tags did not move. */
  why: string | null;
}

export interface BakeReport {
  wallMs: number;
  /**
   * The ideal bound: the longest job, or a platform's busy time over its nodes spread evenly across them,
   * whichever is larger — the wall a perfectly balanced fleet would need for the same work.
   */
  boundMs: number;
  jobs: BakeJobRow[];
  nodes: BakeNodeRow[];
  targets: BakeTargetRow[];
  warnings: string[];
}

export interface BakeReportInput {
  wallMs: number;
  /** Each job's row without its figures, and its attempts. */
  jobs: readonly { row: BakeJobRow; attempts: readonly Attempt[] }[];
  /** Each platform's pool size. */
  poolSizes: ReadonlyMap<string, number>;
  targets: BakeTargetRow[];
  warnings: string[];
}

/** The length of the union of intervals. */
export function unionMs(spans: readonly { startMs: number; endMs: number }[]): number {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of sorted) {
    if (s.endMs <= end) continue;
    total += s.endMs - Math.max(s.startMs, end);
    end = s.endMs;
  }
  return total;
}

const byNode = (attempts: readonly Attempt[]) => {
  const map = new Map<string, Attempt[]>();
  for (const a of attempts) map.set(a.node, [...(map.get(a.node) ?? []), a]);
  return map;
};

export function bakeReport(input: BakeReportInput): BakeReport {
  const attempts = input.jobs.flatMap((j) => j.attempts);
  const nodes = [...byNode(attempts)].map(([node, spans]) => {
    const busyMs = unionMs(spans);
    return { node, jobs: spans.length, busyMs, share: input.wallMs > 0 ? busyMs / input.wallMs : 0 };
  });
  const longest = Math.max(0, ...attempts.map((a) => a.endMs - a.startMs));
  const platforms = [...new Set(input.jobs.map((j) => j.row.platform))];
  const spread = platforms.map((p) => {
    const mine = input.jobs.filter((j) => j.row.platform === p).flatMap((j) => j.attempts);
    const work = [...byNode(mine).values()].reduce((sum, spans) => sum + unionMs(spans), 0);
    return work / Math.max(1, input.poolSizes.get(p) ?? 1);
  });
  return {
    wallMs: input.wallMs,
    boundMs: Math.round(Math.max(longest, ...spread)),
    jobs: input.jobs.map((j) => j.row),
    nodes: nodes.sort((a, b) => a.node.localeCompare(b.node)),
    targets: input.targets,
    warnings: input.warnings,
  };
}
