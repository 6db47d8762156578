// Pure argv builder for `docker buildx build`: mpb's build flags, then the user's own buildx flags, then the context.

/** Everything `mpb build` passes on to buildx; list fields keep the user's order. */
export interface BuildArgsInput {
  builder: string;
  /** Empty: no `--platform`, buildx builds for the first node's own platform. */
  platforms: readonly string[];
  tags: readonly string[];
  file: string | undefined;
  buildArgs: readonly string[];
  push: boolean;
  load: boolean;
  outputs: readonly string[];
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  secrets: readonly string[];
  ssh: readonly string[];
  labels: readonly string[];
  target: string | undefined;
  progress: string | undefined;
  provenance: string | undefined;
  sbom: string | undefined;
  metadataFile: string | undefined;
  pull: boolean;
  noCache: boolean;
  /** The words after `--`, passed through untouched. */
  extra: readonly string[];
  context: string;
}

const repeated = (flag: string, values: readonly string[]) => values.flatMap((v) => [flag, v]);
const optional = (flag: string, value: string | undefined) => (value === undefined ? [] : [flag, value]);

/**
 * The args after `docker`. `--provenance` and `--sbom` are written as one `--flag=value` word: a separate
 * `false` would be read as the build context if buildx ever treats the flag as a boolean. The context comes
 * last, after the `--` words, because buildx reads its one positional argument wherever it stands.
 */
export function buildArgs(input: BuildArgsInput): string[] {
  return [
    'buildx',
    'build',
    '--builder',
    input.builder,
    ...(input.platforms.length > 0 ? ['--platform', input.platforms.join(',')] : []),
    ...repeated('--tag', input.tags),
    ...optional('--file', input.file),
    ...repeated('--build-arg', input.buildArgs),
    ...(input.push ? ['--push'] : []),
    ...(input.load ? ['--load'] : []),
    ...repeated('--output', input.outputs),
    ...repeated('--cache-from', input.cacheFrom),
    ...repeated('--cache-to', input.cacheTo),
    ...repeated('--secret', input.secrets),
    ...repeated('--ssh', input.ssh),
    ...repeated('--label', input.labels),
    ...optional('--target', input.target),
    ...optional('--progress', input.progress),
    ...(input.provenance === undefined ? [] : [`--provenance=${input.provenance}`]),
    ...(input.sbom === undefined ? [] : [`--sbom=${input.sbom}`]),
    ...optional('--metadata-file', input.metadataFile),
    ...(input.pull ? ['--pull'] : []),
    ...(input.noCache ? ['--no-cache'] : []),
    ...input.extra,
    input.context,
  ];
}
