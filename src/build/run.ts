// Carries a build plan out: the helper builders split jobs need, every job at once with its nodes watched, the
// merge when the plan has one, then what buildx's history says each node did (the report). The temp folder of
// metadata files is gone after it, Ctrl-C included.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadExeca, TIMEOUT_MS } from '../buildx/exec.js';
import type { ImageReport } from '../buildx/parse/imagetools.js';
import type { BuildReport } from '../core/build-report.js';
import { isUp } from '../core/strategy.js';
import type { Deps } from '../deps.js';
import { isKnownDriver } from '../drivers/registry.js';
import { fsError } from '../fs-errors.js';
import type { NodeDeath, WatchOptions } from '../probe/watch.js';
import { prepareHelpers } from './helpers.js';
import { isFailed, type JobResult, runJobs } from './jobs.js';
import type { BuildPlan } from './plan.js';
import type { BuildTarget } from './target.js';

export interface RunSettings {
  /** --node-timeout and --probe-timeout, in seconds. */
  nodeTimeout: number;
  probeTimeout: number;
}

export interface BuildRun {
  results: JobResult[];
  /** True when every job succeeded and, for a split, the merge did. */
  ok: boolean;
  /** A split's merged index. */
  index: ImageReport | undefined;
  /** Per platform where and how it was built; after a single build that succeeded, or any split. */
  report: BuildReport | undefined;
  /** The first node that stopped answering while a job built on it. */
  died: NodeDeath | undefined;
}

// What only a finished build needs (the history's parsers and the report, zod with them) loads while buildx
// starts, not before it: buildx's first line comes that much sooner (BENCHMARKS.md, issue #15).
const loadReporting = () => Promise.all([import('./history.js'), import('../core/build-report.js')]);

/** How the watchdog (probe/watch.ts) watches a build's or a bake's jobs on `target`. */
export function watchOptionsOf(target: BuildTarget, settings: RunSettings): WatchOptions {
  return {
    builder: target.name,
    driver: isKnownDriver(target.driver) ? target.driver : undefined,
    nodeTimeoutMs: settings.nodeTimeout * 1000,
    probeTimeoutMs: settings.probeTimeout * 1000,
    timeoutMs: TIMEOUT_MS.build,
    // The gate keeps builds off these; a node still watched among them and silent is down, not dead.
    downAtStart: target.nodes.filter((n) => !isUp(n)).map((n) => n.name),
  };
}

async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'mpb-build-')).catch((e: unknown) => {
    throw fsError(e, tmpdir(), 'create a temporary folder in', 'TMPDIR names it.');
  });
}

export async function runPlan(
  deps: Deps,
  target: BuildTarget,
  plan: BuildPlan,
  settings: RunSettings,
): Promise<BuildRun> {
  const started = performance.now();
  const dir = await makeTempDir();
  try {
    await prepareHelpers(deps, target, plan.jobs);
    // execa in hand first: buildx then spawns before the reporting modules below start loading, not after.
    await loadExeca();
    const running = runJobs(deps, plan.jobs, dir, {
      nodes: target.probeNodes,
      watch: watchOptionsOf(target, settings),
    });
    const reporting = loadReporting();
    reporting.catch(() => {}); // awaited below, once the jobs have ended
    const results = await running;
    const died = results.find((r) => r.died)?.died;
    const built = plan.merge ? !results.some(isFailed) : results[0]!.exitCode === 0 && !died;
    const index =
      plan.merge && built
        ? await (await import('./merge.js')).mergeJobs(deps, plan.merge, results)
        : undefined;
    if (!built && !plan.merge) return { results, ok: false, index, report: undefined, died };
    const [{ readEarlierBuilds, readNodeBuilds }, { buildReport, TYPICAL }] = await reporting;
    const nodeBuilds = await Promise.all(
      results.map((r) => readNodeBuilds(deps.run, target.version, r.job.builder, r.buildRef)),
    );
    const input = {
      strategy: plan.strategy,
      reason: plan.reason,
      digest: index?.digest ?? results[0]?.digest,
      wallMs: Math.round(performance.now() - started),
      routes: plan.routes,
      nodes: target.nodes,
      built: nodeBuilds.flat(),
    };
    let report = buildReport(input);
    // An emulated platform whose steps ran natively nowhere in this build: the builders' earlier builds may hold
    // a native run of them (measured there), before the typical range is all the line can say.
    if (report.emulation?.endsWith(TYPICAL)) {
      const builders = [...new Set(results.map((r) => r.job.builder))];
      const earlier = await Promise.all(
        builders.map((b) =>
          readEarlierBuilds(
            deps.run,
            target.version,
            b,
            nodeBuilds.filter((_, i) => results[i]!.job.builder === b).flat(),
          ),
        ),
      );
      if (earlier.some((e) => e.length > 0)) report = buildReport({ ...input, earlier: earlier.flat() });
    }
    report.warnings.unshift(...plan.warnings);
    return { results, ok: built, index, report, died };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
