// Per-platform figures of one node's build record, from its vertices (`buildx history logs`, parse/progress.ts):
// what "how long did arm64 take" and "how much of arm64 was cached" mean when one node built several platforms. Pure.
import type { Vertex } from '../buildx/parse/progress.js';

/** One RUN step a platform ran, for comparing platforms: the same step is the same place and the same command. */
export interface StepTime {
  /** Its place in the Dockerfile: `common 2/3`. */
  step: string;
  /** The command with the platform's own name and architecture made neutral (`{platform}`, `{arch}`). */
  command: string;
  durationMs: number;
  cached: boolean;
}

export interface PlatformFigures {
  /** From the platform's first vertex start to its last completion; null when no vertex has both. */
  durationMs: number | null;
  cachedSteps: number;
  totalSteps: number;
  /** Its RUN steps (the only ones emulation slows), each with its own time. */
  steps: StepTime[];
}

/**
 * Each platform's figures in one node's record. A record of one platform is all that platform's: every vertex,
 * the export included, so its figures are the record's (as `history ls` counts them), whether BuildKit named the
 * vertices after it (`[linux/arm64 2/3]`, a node's share of a multi-node build) or not (`[2/3]`, a one-platform
 * build). In a record of several, BuildKit names each platform's vertices (`[linux/arm64 2/3] RUN …`,
 * `[linux/arm64 internal] load metadata …`): those are that platform's. The ones it names no platform for
 * (`[internal] load build definition`, `load .dockerignore`, `exporting to image`) serve them all at once and
 * count in none: the record's steps are its platforms' plus these, and a platform's time is from its first
 * vertex's start to its last one's end, without the export and push that follow.
 */
export function figuresByPlatform(
  vertices: readonly Vertex[],
  platforms: readonly string[],
): Map<string, PlatformFigures> {
  const groups = new Map<string, Vertex[]>();
  for (const v of vertices) {
    const platform = platforms.length === 1 ? platforms[0] : v.platform;
    if (platform === undefined) continue;
    groups.set(platform, [...(groups.get(platform) ?? []), v]);
  }
  return new Map([...groups].map(([platform, own]) => [platform, figuresOf(own, platform)]));
}

// `[linux/arm64 2/3] RUN …`: a process run in the image, where QEMU does the work (FROM, COPY and exports do not).
const isRun = (v: Vertex) => /^\[[^\]]*\] RUN /.test(v.name);

// BuildKit shows a RUN command with its build args expanded (`"$TARGETPLATFORM"` as `"linux/arm64"`): each
// platform's command names itself, so the platform and its architecture are made neutral before comparing.
function neutralCommand(name: string, platform: string): string {
  const command = name.replace(/^\[[^\]]*\] /, '');
  const arch = platform.split('/')[1] ?? platform;
  return command.replaceAll(platform, '{platform}').replace(new RegExp(`\\b${arch}\\b`, 'g'), '{arch}');
}

function figuresOf(vertices: readonly Vertex[], platform: string): PlatformFigures {
  const starts = vertices.flatMap((v) => (v.startedMs === undefined ? [] : [v.startedMs]));
  const ends = vertices.flatMap((v) => (v.completedMs === undefined ? [] : [v.completedMs]));
  const steps = vertices.flatMap((v): StepTime[] =>
    v.step === undefined || !isRun(v) || v.startedMs === undefined || v.completedMs === undefined
      ? []
      : [
          {
            step: v.step,
            command: neutralCommand(v.name, platform),
            durationMs: v.completedMs - v.startedMs,
            cached: v.cached,
          },
        ],
  );
  return {
    durationMs: starts.length > 0 && ends.length > 0 ? Math.max(...ends) - Math.min(...starts) : null,
    cachedSteps: vertices.filter((v) => v.cached).length,
    totalSteps: vertices.length,
    steps,
  };
}

/** What the same steps took on an emulated and on a native platform, where both ran them (neither cached). */
export interface SameSteps {
  steps: number;
  emulatedMs: number;
  nativeMs: number;
}

/**
 * The RUN steps two platforms both ran (neither cached), matched by their place in the Dockerfile (`common 2/3`)
 * and their command: the same work on each, so their times compare emulation with native execution. Undefined
 * when none match.
 */
export function sameSteps(emulated: PlatformFigures, native: PlatformFigures): SameSteps | undefined {
  const ran = (f: PlatformFigures) =>
    new Map(f.steps.filter((s) => !s.cached).map((s) => [`${s.step}\n${s.command}`, s]));
  const [e, n] = [ran(emulated), ran(native)];
  const common = [...e.keys()].filter((k) => n.has(k));
  const sum = (m: Map<string, StepTime>) => common.reduce((t, k) => t + m.get(k)!.durationMs, 0);
  const nativeMs = sum(n);
  if (common.length === 0 || nativeMs <= 0) return undefined;
  return { steps: common.length, emulatedMs: sum(e), nativeMs };
}

/** How many of a build's steps a cache could have served, and how many it did (cacheFiguresOf). */
export interface CacheFigures {
  cachedSteps: number;
  totalSteps: number;
}

// `[2/3] RUN …`, `[linux/arm64 common 2/3] COPY …`: an instruction of a Dockerfile, not `[internal] load …`.
const isInstruction = (v: Vertex) => v.step !== undefined && v.step !== 'internal';
const isFrom = (v: Vertex) => /^\[[^\]]*\] FROM /.test(v.name);

/**
 * The steps of `vertices` that build layers (RUN, COPY, ADD… of every stage), and how many the cache served. A
 * record's own count (`history ls`) also holds the vertices no cache ever serves — loading the Dockerfile, its
 * .dockerignore and the base's metadata, resolving FROM, the export and push — so a build served wholly from its
 * cache still counts 1 of 6 there: here it counts all of them, and "fully cached" reads cachedSteps === totalSteps.
 */
export function cacheFiguresOf(vertices: readonly Vertex[]): CacheFigures {
  const steps = vertices.filter((v) => isInstruction(v) && !isFrom(v));
  return { cachedSteps: steps.filter((v) => v.cached).length, totalSteps: steps.length };
}
