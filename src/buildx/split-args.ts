// Pure argv builders for a split build: one `buildx build` per node, pushed by digest and untagged, then one
// `imagetools create` that merges the digests into the tags. A tag moves only in the merge.
import { type BuildArgsInput, buildArgs } from './build-args.js';
import { jobFlagsOf } from './build-flags.js';
import { repositoryOf } from './image-ref.js';

export interface SplitJobArgs {
  /** The builder the job runs on: the builder itself, or its `mpb-via-…` helper for the node. */
  builder: string;
  platforms: readonly string[];
  /** The job's own metadata file (its `containerimage.digest` is what the merge takes); the runner adds it. */
  metadataFile?: string;
  /** Per-platform cache flags (cache-ref.ts), added after the user's own. */
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
}

/**
 * Where every job pushes: the first tag's repository. `imagetools create` copies each source's manifests and
 * blobs into every `-t` repository (util/imagetools/create.go Copy, buildx 0.29.1), so tags in other
 * repositories, or on other registries, still get the whole index.
 */
export function pushRepositoryOf(tags: readonly string[]): string | undefined {
  const [first] = tags;
  return first === undefined ? undefined : repositoryOf(first);
}

/** The exporter of a job: the image pushed by digest under REPO, no tag, canonical name in the metadata. */
export function digestOutputOf(repo: string): string {
  return `type=image,name=${repo},push-by-digest=true,name-canonical=true,push=true`;
}

/**
 * `buildx build` for one job: the user's flags as a single build has them, but the job's builder, platforms
 * and metadata file, none that the split does its own way or merges (build-flags.ts: `--tag`, `--push`,
 * `--iidfile`, `--quiet`, …), and the digest exporter in place of any `--output`.
 */
export function splitJobArgs(input: BuildArgsInput, job: SplitJobArgs, repo: string): string[] {
  return buildArgs(splitJobInput(input, job, repo));
}

/** What splitJobArgs builds its argv from. */
export function splitJobInput(input: BuildArgsInput, job: SplitJobArgs, repo: string): BuildArgsInput {
  const { flags } = input;
  return {
    ...input,
    builder: job.builder,
    platforms: job.platforms,
    flags: {
      ...jobFlagsOf(flags),
      output: [digestOutputOf(repo)],
      cacheFrom: [...(flags.cacheFrom ?? []), ...job.cacheFrom],
      cacheTo: [...(flags.cacheTo ?? []), ...job.cacheTo],
      metadataFile: job.metadataFile,
    },
  };
}

/** `imagetools create`: one index of every job's pushed digest (attestations come with them), under each tag. */
export function mergeArgs(tags: readonly string[], repo: string, digests: readonly string[]): string[] {
  return [
    'buildx',
    'imagetools',
    'create',
    ...tags.flatMap((t) => ['--tag', t]),
    ...digests.map((d) => `${repo}@${d}`),
  ];
}
