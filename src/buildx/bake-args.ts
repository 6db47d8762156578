// Pure argv builders for `docker buildx bake`: buildx reads the bake file (HCL, JSON or compose; mpb never parses
// HCL), and each of mpb's jobs is one bake of one target for one platform, pushed by digest. The user's files and
// `--set`s come first, so each job builds what bake itself would; mpb's own `--set`s after them pick the platform,
// the exporter and the cache.
import { digestOutputOf } from './split-args.js';

/** What the bakes mpb runs share: the files, the user's `--set`s and `--allow`s, and bake's other flags. */
export interface BakeArgsInput {
  files: readonly string[];
  sets: readonly string[];
  /** `--allow` entitlements (fs.read=PATH, network.host, …): the reading of the file needs them too. */
  allow: readonly string[];
  /** Flags every build takes as they are (`--pull`, `--no-cache`, `--provenance=…`, `--sbom=…`, `--progress=…`). */
  flags: readonly string[];
  /** Flags only buildx's own whole bake takes (`--load`, `--call=…`, `--check`, `--metadata-file=…`). */
  whole: readonly string[];
}

const common = (input: BakeArgsInput) => [
  ...input.files.flatMap((f) => ['--file', f]),
  ...input.sets.flatMap((s) => ['--set', s]),
  ...input.allow.map((a) => `--allow=${a}`),
];

/**
 * `buildx bake --print` (buildx's own reading of the bake file, as JSON), or another read that builds nothing
 * (`--list=targets`).
 */
export function bakeReadArgs(input: BakeArgsInput, targets: readonly string[], read = '--print'): string[] {
  return ['buildx', 'bake', ...common(input), read, ...targets];
}

/** The whole bake, as buildx runs it on one builder (outputs that are not an image push). */
export function bakeAllArgs(
  input: BakeArgsInput,
  builder: string,
  targets: readonly string[],
  push: boolean,
): string[] {
  return [
    'buildx',
    'bake',
    '--builder',
    builder,
    ...common(input),
    ...input.flags,
    ...input.whole,
    ...(push ? ['--push'] : []),
    ...targets,
  ];
}

export interface BakeJobArgs {
  builder: string;
  target: string;
  platform: string;
  /** Targets it names in `contexts = { x = "target:NAME" }`, built in the same bake for the same platform. */
  linked: readonly string[];
  /** Where its digest is pushed. */
  repo: string;
  /** The target's own cache sources and exports (bake --print), then mpb's per target × platform ones. */
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  metadataFile?: string;
}

/** One job: `TARGET` for one platform on one builder, pushed by digest under `repo`, untagged. */
export function bakeJobArgs(input: BakeArgsInput, job: BakeJobArgs): string[] {
  const set = (key: string, value: string) => ['--set', `${key}=${value}`];
  return [
    'buildx',
    'bake',
    '--builder',
    job.builder,
    ...common(input),
    ...input.flags,
    ...[job.target, ...job.linked].flatMap((t) => set(`${t}.platform`, job.platform)),
    // Bake puts a target's tags into its image output's names, and a tagged ref cannot be pushed by digest
    // (captures test/fixtures/bake: "can't push tagged ref … by digest"): the tags move in the merge instead.
    ...set(`${job.target}.tags`, ''),
    ...set(`${job.target}.output`, digestOutputOf(job.repo)),
    // Repeated `--set T.cache-from=…` add up to the list (bake/bake.go: the values of one key are appended).
    ...job.cacheFrom.flatMap((c) => set(`${job.target}.cache-from`, c)),
    ...job.cacheTo.flatMap((c) => set(`${job.target}.cache-to`, c)),
    ...(job.metadataFile ? ['--metadata-file', job.metadataFile] : []),
    job.target,
  ];
}
