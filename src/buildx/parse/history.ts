// `docker buildx history ls --format json` and `history inspect --format json` (0.29.1; 0.13.1 has no
// `--format` there: capture captures-local/v0.13.1/history-ls-json, exit 125) → which node built what.
import { z } from 'zod';
import type { Parsed } from '../model.js';
import { failAt } from './text.js';
import { readJson } from './zod-json.js';

const FORMAT_LS = 'buildx history ls --format json';

export type HistoryStatus = 'completed' | 'running' | 'failed' | 'canceled' | (string & {});

/** One build on one node: `history ls` prints one per node of a multi-node build, all with the same ref. */
export interface HistoryRecord {
  builder: string;
  node: string;
  ref: string;
  name: string;
  status: HistoryStatus;
  createdAt: string;
  completedAt: string | undefined;
  totalSteps: number;
  completedSteps: number;
  cachedSteps: number;
}

export interface HistoryDetail {
  ref: string;
  name: string | undefined;
  platforms: string[];
  status: HistoryStatus | undefined;
  startedAt: string | undefined;
  completedAt: string | undefined;
  durationMs: number | undefined;
  totalSteps: number;
  completedSteps: number;
  cachedSteps: number;
  error: string | undefined;
}

// commands/history/ls.go lsContext.MarshalJSON: `ref` is `builder/node/ref`; `completed_at` only once done.
const lsSchema = z.looseObject({
  ref: z.string(),
  name: z.string(),
  status: z.string(),
  created_at: z.string(),
  completed_at: z.string().optional(),
  total_steps: z.number(),
  completed_steps: z.number(),
  cached_steps: z.number(),
});
const LS_KEYS = new Set(Object.keys(lsSchema.shape));
// `history ls` says Completed/Error/Running; `history inspect` completed/failed/running/canceled.
const LS_STATUS: Record<string, HistoryStatus> = {
  Completed: 'completed',
  Error: 'failed',
  Running: 'running',
};

/** Parses `history ls --format json`: JSON Lines, one record per node and build, newest first. */
export function parseHistoryLs(text: string): Parsed<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  const unparsed: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const read = readJson(FORMAT_LS, line, lsSchema);
    if (!read.ok) return { ok: false, error: { ...read.error, line: i + 1 } };
    const r = read.value;
    const [builder, node, ...rest] = r.ref.split('/');
    if (!builder || !node || rest.length !== 1) {
      return failAt(FORMAT_LS, i + 1, line, `ref "${r.ref}" is not builder/node/ref`);
    }
    unparsed.push(
      ...Object.keys(r)
        .filter((k) => !LS_KEYS.has(k))
        .map((k) => `line ${i + 1}: unknown key ${k}`),
    );
    records.push({
      builder,
      node,
      ref: rest[0]!,
      name: r.name,
      status: LS_STATUS[r.status] ?? r.status,
      createdAt: r.created_at,
      completedAt: r.completed_at,
      totalSteps: r.total_steps,
      completedSteps: r.completed_steps,
      cachedSteps: r.cached_steps,
    });
  }
  return { ok: true, value: records, unparsed };
}

// commands/history/inspect.go inspectOutput, encoded with Go's default names; Duration in nanoseconds.
const inspectSchema = z.looseObject({
  Name: z.string().optional(),
  Ref: z.string(),
  Platform: z.array(z.string()).optional(),
  StartedAt: z.string().optional(),
  CompletedAt: z.string().optional(),
  Duration: z.number().optional(),
  Status: z.string().optional(),
  Error: z.looseObject({ Message: z.string().optional(), Name: z.string().optional() }).optional(),
  NumCompletedSteps: z.number(),
  NumTotalSteps: z.number(),
  NumCachedSteps: z.number(),
});

/**
 * Parses `history inspect --format json`. On a multi-node builder buildx inspects the newest record with that
 * ref (queryRecords sorts by creation), so it describes one node only: ask each node through a one-node builder.
 */
export function parseHistoryInspect(text: string): Parsed<HistoryDetail> {
  const read = readJson('buildx history inspect --format json', text, inspectSchema);
  if (!read.ok) return read;
  const d = read.value;
  const error = d.Error && [d.Error.Name, d.Error.Message].filter(Boolean).join(': ');
  return {
    ok: true,
    value: {
      ref: d.Ref,
      name: d.Name,
      platforms: d.Platform ?? [],
      status: d.Status,
      startedAt: d.StartedAt,
      completedAt: d.CompletedAt,
      durationMs: d.Duration === undefined ? undefined : Math.round(d.Duration / 1e6),
      totalSteps: d.NumTotalSteps,
      completedSteps: d.NumCompletedSteps,
      cachedSteps: d.NumCachedSteps,
      error: error || undefined,
    },
    unparsed: [],
  };
}

/** `builder/node/ref` from the metadata file's `buildx.build.ref` → its parts. */
export function splitBuildRef(text: string): { builder: string; node: string; ref: string } | undefined {
  const [builder, node, ref, ...rest] = text.split('/');
  return builder && node && ref && rest.length === 0 ? { builder, node, ref } : undefined;
}

/** The records of one build: buildx gives every node of it the same ref. */
export function recordsOfRef(records: readonly HistoryRecord[], ref: string): HistoryRecord[] {
  return records.filter((r) => r.ref === ref);
}

// Go's RFC 3339 with nanoseconds, `Z` (ls) or the local offset (inspect): the same instant as one key. Two nodes
// of one build start within a millisecond of each other (captures-local history-ls-json: .188 and .187 s).
function instantKey(text: string): string | undefined {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const seconds = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  return Number.isNaN(seconds) ? undefined : `${seconds / 1000}.${(m![2] ?? '').padEnd(9, '0')}`;
}

/**
 * The node a `history inspect` detail is from: its JSON does not say, but its StartedAt is that node's
 * `created_at` in `history ls` (captures-local v0.29.1 history-inspect-first-json: node a).
 */
export function recordOfDetail(
  records: readonly HistoryRecord[],
  detail: HistoryDetail,
): HistoryRecord | undefined {
  const started = detail.startedAt === undefined ? undefined : instantKey(detail.startedAt);
  if (started === undefined) return undefined;
  return records.find((r) => r.ref === detail.ref && instantKey(r.createdAt) === started);
}

/** Milliseconds between two RFC 3339 times, or undefined. */
export function spanMs(start: string | undefined, end: string | undefined): number | undefined {
  if (start === undefined || end === undefined) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The newest of a build's records, the one `history logs ID` and `history inspect ID` describe on a multi-node
 * builder (buildx sorts a ref's records by creation, newest first, and takes the first).
 */
export function newestRecord(records: readonly HistoryRecord[]): HistoryRecord | undefined {
  const keyed = records.flatMap((r) => {
    const key = instantKey(r.createdAt);
    return key === undefined ? [] : [{ r, key: key.split('.').map(Number) as [number, number] }];
  });
  keyed.sort((x, y) => y.key[0] - x.key[0] || y.key[1] - x.key[1]);
  return keyed[0]?.r;
}
