// `docker buildx history logs REF --progress rawjson` (0.23+) → a finished build's vertices, each with the platform
// BuildKit names it for. The replay goes to stderr, as JSON lines of `client.SolveStatus` (the same as `buildx build
// --progress rawjson`): every update of every vertex, so one vertex appears several times (captures-local v0.29.1
// logs-*-rawjson: one line, ~50 updates of 10 vertices).
import { z } from 'zod';
import type { Parsed } from '../model.js';
import { normalizePlatform } from '../platform.js';
import { readJson } from './zod-json.js';

const FORMAT = 'buildx history logs --progress rawjson';

/** One vertex of a build, its updates merged. */
export interface Vertex {
  digest: string;
  name: string;
  /** `linux/arm64` from `[linux/arm64 common 2/3] RUN …`; undefined where no platform is named (shared vertices). */
  platform: string | undefined;
  /**
   * The rest of the bracket, the step's place in the Dockerfile: `common 2/3`, `2/3`, `internal`; undefined for
   * a vertex without one (`exporting to image`).
   */
  step: string | undefined;
  /** Epoch milliseconds of its first start and last completion; undefined where BuildKit sent none. */
  startedMs: number | undefined;
  completedMs: number | undefined;
  cached: boolean;
}

// github.com/moby/buildkit/client.Vertex as JSON: `started`/`completed` RFC 3339 with nanoseconds, omitted when unset.
const vertexSchema = z.looseObject({
  digest: z.string(),
  name: z.string().optional(),
  started: z.string().optional(),
  completed: z.string().optional(),
  cached: z.boolean().optional(),
});
const statusSchema = z.looseObject({ vertexes: z.array(vertexSchema).nullish() });

// `[linux/arm64 common 2/3] …`, `[linux/amd64 internal] …`, `[linux/arm/v7 2/3] …`: a platform is os/arch[/variant]
// and starts with a letter, so `[2/3]` and `[common 2/3]` (a one-platform build's names) name none.
const BRACKET = /^\[([^\]]*)\]/;
const PLATFORM = /^[a-z][a-z0-9]*\/[a-z0-9_]+(?:\/[a-z0-9.]+)?$/;

/** The platform and the step a vertex name starts with. */
export function vertexLabel(name: string): { platform: string | undefined; step: string | undefined } {
  const bracket = BRACKET.exec(name)?.[1];
  if (bracket === undefined) return { platform: undefined, step: undefined };
  const [first = '', ...rest] = bracket.split(' ');
  const platform = PLATFORM.test(first) ? normalizePlatform(first) : undefined;
  if (platform === undefined) return { platform: undefined, step: bracket };
  return { platform, step: rest.length > 0 ? rest.join(' ') : undefined };
}

const timeOf = (text: string | undefined) => {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
};
const earliest = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);
const latest = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/**
 * Parses the rawjson replay of a build into its vertices, in order of first appearance. A vertex's updates are
 * merged: its first start, its last completion, cached when any update says so. Lines that are not JSON objects
 * (a warning buildx printed) are left in `unparsed`.
 */
export function parseProgressJson(text: string): Parsed<Vertex[]> {
  const byDigest = new Map<string, Vertex>();
  const unparsed: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('{')) {
      unparsed.push(`line ${i + 1}: ${line}`);
      continue;
    }
    const read = readJson(FORMAT, line, statusSchema);
    if (!read.ok) return { ok: false, error: { ...read.error, line: i + 1 } };
    for (const v of read.value.vertexes ?? []) {
      const known = byDigest.get(v.digest);
      const name = v.name || known?.name || '';
      byDigest.set(v.digest, {
        digest: v.digest,
        name,
        ...vertexLabel(name),
        startedMs: earliest(known?.startedMs, timeOf(v.started)),
        completedMs: latest(known?.completedMs, timeOf(v.completed)),
        cached: (known?.cached ?? false) || v.cached === true,
      });
    }
  }
  return { ok: true, value: [...byDigest.values()], unparsed };
}
