// Runs a plan's jobs at once, each a `buildx build` with its nodes watched (probe/watch.ts). A single build's one
// job shows buildx's own output live; a split build's jobs show each line with its platforms in front (or one
// status line each on a TTY). Every job writes a metadata file into `dir`, unless the user named one.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildArgs } from '../buildx/build-args.js';
import { expectOk } from '../buildx/run-result.js';
import { lostUploadRace, UPLOAD_RACE_RETRY } from '../buildx/upload-race.js';
import type { Deps } from '../deps.js';
import { explainErrno } from '../fs-errors.js';
import type { ProbeNodeSpec } from '../probe/node.js';
import { type NodeDeath, runWatched, type WatchOptions } from '../probe/watch.js';
import { jobView } from '../ui/render-jobs.js';
import type { BuildJob } from './plan.js';

export interface JobResult {
  job: BuildJob;
  exitCode: number;
  digest: string | undefined;
  /** `buildx.build.ref`: where buildx's history has the build. */
  buildRef: string | undefined;
  /** `image.name` from the metadata file. */
  imageNames: string[];
  /** The tail of buildx's stderr (a live job's went to the terminal: empty). */
  stderr: string;
  /** Set when a node it built on stopped answering (the watchdog stopped buildx, or buildx failed with it). */
  died: NodeDeath | undefined;
  durationMs: number;
}

export interface JobSettings {
  /** The builder's nodes as probed (probe/node.ts): the watchdog's targets. */
  nodes: readonly ProbeNodeSpec[];
  watch: WatchOptions;
}

/** A job that did not leave a digest to merge: it failed, wrote none, or was stopped by the watchdog. */
export const isFailed = (r: JobResult): boolean =>
  r.died !== undefined || r.exitCode !== 0 || r.digest === undefined;

/** The job's argv with a metadata file: the user's (a single build's), or the runner's own. */
const argvWith = (job: BuildJob, file: string) =>
  job.input.flags.metadataFile
    ? job.argv
    : buildArgs({ ...job.input, flags: { ...job.input.flags, metadataFile: file } });

// The metadata file's parser (zod with it) loads while buildx starts, not before it (BENCHMARKS.md, issue #15).
const metadataParser = () => import('../buildx/parse/metadata.js');

async function readMetadata(deps: Deps, file: string) {
  // Missing: buildx wrote none. Unreadable: the build stands, without its digest.
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT')
      deps.out.warn(`could not read ${file}: ${explainErrno(e.code ?? String(e), file).why}`);
  });
  if (text === undefined) return undefined;
  const parsed = (await metadataParser()).parseMetadataFile(text);
  if (!parsed.ok) deps.out.warn(`could not read ${file}: ${parsed.error.message}`);
  return parsed.ok ? parsed.value : undefined;
}

/** Runs every job to its end (a failed one does not stop the others), in plan order. */
export async function runJobs(
  deps: Deps,
  jobs: readonly BuildJob[],
  dir: string,
  settings: JobSettings,
): Promise<JobResult[]> {
  // One job: buildx's own output, live (on stderr under --json, so stdout holds the document only).
  const live = jobs.length === 1 && jobs[0]!.node === undefined;
  const view = live ? undefined : jobView(deps, jobs);
  const runs = jobs.map(async (job, i): Promise<JobResult> => {
    const file = path.resolve(deps.cwd, job.input.flags.metadataFile ?? path.join(dir, `job-${i}.json`));
    const attempt = () =>
      runWatched(deps, argvWith(job, file), settings.nodes, new Map(Object.entries(job.watch)), {
        ...settings.watch,
        ...(live
          ? { stdio: deps.json ? 'stderr' : 'inherit' }
          : { stdio: 'pipe', onLine: (line: string) => view?.line(i, line) }),
      });
    let { result: r, died } = await attempt();
    // A split job's push that lost the registry's upload race runs once more (a live job's stderr is the user's).
    if (!live && !died && r.exitCode !== 0 && lostUploadRace(r.stderr)) {
      deps.out.warn(`${job.platforms.join(', ')} on node "${job.node}": ${UPLOAD_RACE_RETRY}`);
      ({ result: r, died } = await attempt());
    }
    if (r.outcome.kind === 'missing') expectOk(r);
    const metadata = r.exitCode === 0 && !died ? await readMetadata(deps, file) : undefined;
    view?.done(i, r.exitCode);
    return {
      job,
      exitCode: r.exitCode,
      digest: metadata?.digest,
      buildRef: metadata?.buildRef,
      imageNames: metadata?.imageNames ?? [],
      stderr: r.stderr,
      died,
      durationMs: r.durationMs,
    };
  });
  metadataParser().catch(() => {}); // started now; awaited as each job ends
  try {
    // Every job ends before any error goes on: Ctrl-C stops them all, and the temp folder goes after them.
    const settled = await Promise.allSettled(runs);
    const rejected = settled.find((s) => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<JobResult>).value);
  } finally {
    view?.stop();
  }
}
