// `--strategy split`: one `buildx build` per node, run at once, each pushed by digest and untagged, each with
// its node watched (probe/watch.ts); then one `imagetools create` merges them under the tags, only when every
// job succeeded; then the tag is checked.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BuildArgsInput } from '../buildx/build-args.js';
import { expectOk, lastLines, TIMEOUT_MS } from '../buildx/exec.js';
import { inspectImage } from '../buildx/images.js';
import type { ImageReport } from '../buildx/parse/imagetools.js';
import { parseMetadataFile } from '../buildx/parse/metadata.js';
import { readBuilder } from '../buildx/read.js';
import { mergeArgs, pushRepositoryOf, splitJobArgs } from '../buildx/split-args.js';
import { cacheFlagsOf } from '../core/cache-ref.js';
import { helperNameOf, planHelper } from '../core/helper-builder.js';
import type { SplitJob } from '../core/split-plan.js';
import type { Deps } from '../deps.js';
import { UnhealthyError, UsageError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import type { ProbeNodeSpec } from '../probe/node.js';
import { describeDeath, type NodeDeath, runWatched, type WatchOptions } from '../probe/watch.js';
import { type JobView, jobView } from '../ui/render-jobs.js';
import type { BuildTarget } from './build-target.js';
import { checkPlatforms } from './inspect.js';

export interface JobResult {
  job: SplitJob;
  /** The builder it ran on: the target itself, or the node's `mpb-via-…` helper. */
  builder: string;
  exitCode: number;
  digest: string | undefined;
  buildRef: string | undefined;
  stderr: string;
  /** Set when the watchdog stopped the job: its node stopped answering for --node-timeout. */
  died: NodeDeath | undefined;
}

/** How each job's node is watched while it builds: the target's nodes as probed, and the watchdog's settings. */
export interface SplitWatch {
  nodes: readonly ProbeNodeSpec[];
  options: WatchOptions;
}

export interface SplitResult {
  jobs: JobResult[];
  /** The merged index, after every job succeeded and the merge ran. */
  index: ImageReport | undefined;
}

/** The builder each job runs on: direct jobs on the target, the others on a helper made (or reused) now. */
async function buildersOf(deps: Deps, target: BuildTarget, jobs: readonly SplitJob[]): Promise<string[]> {
  const indirect = jobs.filter((j) => !j.direct);
  if (indirect.length === 0) return jobs.map(() => target.name);
  const actual = await readBuilder(deps.run, target.version, target.name);
  const names = new Map<string, string>();
  for (const job of indirect) {
    const node = actual?.nodes.find((n) => n.name === job.node);
    if (!actual || !node)
      throw new UsageError(`node "${job.node}" of "${target.name}" is not known to buildx`);
    const existing = await readBuilder(deps.run, target.version, helperNameOf(target.name, job.node));
    const plan = planHelper(target.name, actual.driver, node, existing);
    if (plan.kind === 'unreachable') {
      throw new UsageError(`cannot send ${job.platforms.join(', ')} to node "${job.node}": ${plan.reason}`, {
        hint: 'Declare the builder in builders.yaml (its nodes are then pinned), or use --strategy single.',
      });
    }
    for (const w of plan.warnings) deps.out.warn(w);
    if (!plan.reuse) deps.out.info(`creating helper builder ${plan.name} for node "${job.node}"`);
    for (const argv of plan.argv) expectOk(await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.mutate }));
    names.set(job.node, plan.name);
  }
  return jobs.map((j) => names.get(j.node) ?? target.name);
}

async function readJobMetadata(file: string) {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : parseMetadataFile(text);
  return parsed?.ok ? parsed.value : undefined;
}

/** Runs the jobs at once; each buildx line goes out whole with its platforms in front (or to the TTY view). */
async function runJobs(
  deps: Deps,
  input: BuildArgsInput,
  jobs: readonly SplitJob[],
  builders: readonly string[],
  cacheRef: string | undefined,
  dir: string,
  watch: SplitWatch,
): Promise<JobResult[]> {
  const repo = pushRepositoryOf(input.flags.tag ?? [])!;
  const view: JobView = jobView(deps, jobs);
  try {
    return await Promise.all(
      jobs.map(async (job, i) => {
        const metadataFile = path.join(dir, `job-${i}.json`);
        const cache = cacheRef ? cacheFlagsOf(cacheRef, job.platforms) : { cacheFrom: [], cacheTo: [] };
        const argv = splitJobArgs(
          input,
          { builder: builders[i]!, platforms: job.platforms, metadataFile, ...cache },
          repo,
        );
        // A helper builder reaches the same BuildKit as the target's node: that node is the one watched.
        const { result: r, died } = await runWatched(
          deps,
          argv,
          watch.nodes,
          new Map([[job.node, job.platforms]]),
          {
            ...watch.options,
            stdio: 'pipe',
            timeoutMs: TIMEOUT_MS.build,
            onLine: (line) => view.line(i, line),
          },
        );
        if (r.outcome.kind === 'missing') expectOk(r);
        const metadata = r.exitCode === 0 && !died ? await readJobMetadata(metadataFile) : undefined;
        view.done(i, r.exitCode);
        return {
          job,
          builder: builders[i]!,
          exitCode: r.exitCode,
          digest: metadata?.digest,
          buildRef: metadata?.buildRef,
          stderr: r.stderr,
          died,
        };
      }),
    );
  } finally {
    view.stop();
  }
}

/** A job that did not leave a digest to merge: it failed, wrote none, or was stopped by the watchdog. */
const isFailed = (r: JobResult) => r.died !== undefined || r.exitCode !== 0 || r.digest === undefined;

/** What a failed split says: which platforms failed where, their buildx output, and what was pushed untagged. */
export function describeFailure(results: readonly JobResult[], repo: string): string[] {
  const failed = results.filter(isFailed);
  const pushed = results.filter((r) => !isFailed(r));
  return [
    ...failed.flatMap((r) => [
      r.died
        ? `${describeDeath(r.died).message}:`
        : `${r.job.platforms.join(', ')} on node "${r.job.node}" failed (exit ${r.exitCode}${r.digest === undefined && r.exitCode === 0 ? ', no digest in its metadata' : ''}):`,
      ...lastLines(r.stderr, 20)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => `  [${r.job.platforms.join(',')}] ${l}`),
    ]),
    'nothing was tagged.',
    ...(pushed.length > 0
      ? [
          'pushed by digest, untagged:',
          ...pushed.map((r) => `  ${repo}@${r.digest} (${r.job.platforms.join(', ')} on "${r.job.node}")`),
        ]
      : []),
  ];
}

/** The merged result in the metadata file's own keys, as a single build writes them. */
async function writeMergedMetadata(file: string, index: ImageReport, tags: readonly string[]): Promise<void> {
  const doc = {
    'containerimage.descriptor': { mediaType: index.mediaType, digest: index.digest, size: index.size },
    'containerimage.digest': index.digest,
    'image.name': tags.join(','),
  };
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`).catch((e: unknown) => {
    throw fsError(e, file, 'write', 'Check --metadata-file.');
  });
}

/**
 * Runs the split build. Nothing is merged when a job failed or its node died (JobResult.died); throws
 * UnhealthyError (exit 3) when the merged tag lacks or adds platforms.
 */
export async function runSplit(
  deps: Deps,
  target: BuildTarget,
  input: BuildArgsInput,
  jobs: readonly SplitJob[],
  cacheRef: string | undefined,
  watch: SplitWatch,
): Promise<SplitResult> {
  const tags = input.flags.tag ?? [];
  const repo = pushRepositoryOf(tags)!;
  const builders = await buildersOf(deps, target, jobs);
  const dir = await mkdtemp(path.join(tmpdir(), 'mpb-split-')).catch((e: unknown) => {
    throw fsError(e, tmpdir(), 'create a temporary folder in', 'TMPDIR names it.');
  });
  try {
    const results = await runJobs(deps, input, jobs, builders, cacheRef, dir, watch);
    if (results.some(isFailed)) return { jobs: results, index: undefined };
    const merge = await deps.run(
      'docker',
      mergeArgs(
        tags,
        repo,
        results.map((r) => r.digest!),
      ),
      { timeoutMs: TIMEOUT_MS.mutate, stdio: 'pipe' },
    );
    expectOk(merge, 'docker buildx imagetools create');
    const index = await inspectImage(deps.run, tags[0]!);
    const expected = jobs.flatMap((j) => j.platforms);
    const check = checkPlatforms(index, expected, true);
    if (!check.ok) {
      const problems = [
        ...(check.missing.length > 0 ? [`missing ${check.missing.join(', ')}`] : []),
        ...(check.extra.length > 0 ? [`not expected ${check.extra.join(', ')}`] : []),
      ];
      throw new UnhealthyError(
        `${tags[0]} after the merge does not hold the built platforms: ${problems.join('; ')}`,
        {
          hint: `See it with: mpb inspect ${tags[0]} --expect-platforms ${expected.join(',')} --exact`,
        },
      );
    }
    if (input.flags.metadataFile) {
      await writeMergedMetadata(path.resolve(deps.cwd, input.flags.metadataFile), index, tags);
    }
    return { jobs: results, index };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
