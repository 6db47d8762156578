// The `docker buildx build` flags mpb passes through, one row each: commander's options, the typed options
// object, the argv, the buildx version each needs and what a split build does with it all come from this table,
// so a new pass-through flag is one new row.
//
// The rows are every flag of `docker buildx build --help` (Flags and Global Flags) of buildx 0.10 … 0.36.1,
// but `--platform`, `--builder` and `--help`, which are mpb's own (MPB_OWN_FLAGS). `since` is the first
// release (not -rc) whose commands/build.go (commands/root.go for --debug) shows the flag and uses its value,
// read tag by tag from docker/buildx's git history; a test holds the table to the `--help` captures in
// test/fixtures/captures-local/v*/build-help.stdout, so a newer buildx's capture fails it until its rows are in.
// Hidden and experimental flags (`--print`, `--memory`, `--invoke`, …) are not here: they pass after `--`.

/** What a split build (one job per node, merged by digest) does with a flag. */
export type SplitRule =
  /** Each job gets it as given. */
  | { kind: 'every-job' }
  /** The split itself does what the flag asks, its own way (`how`); the jobs do not get it. */
  | { kind: 'own'; how: string }
  /** The jobs do not get it; mpb gives it the merged result (`how`). */
  | { kind: 'merged'; how: string }
  /** It needs one `buildx build` (when `applies` says so of its value): auto builds single, split is refused. */
  | { kind: 'single'; reason: string; applies?: (value: string) => boolean };

export interface BuildFlagRow {
  /** mpb's flag and buildx's, the same word; a `--no-` flag is given as `false` by commander. */
  long: `--${string}`;
  short?: `-${string}`;
  /** boolean: present or not; value: one string, the last one given wins; list: repeatable, in order. */
  arity: 'boolean' | 'value' | 'list';
  /** What the value is, as --help shows it (`<path>`); every value is a string. */
  value?: string;
  /** buildx gets `--flag=value` as one word (see buildArgs). */
  joined?: boolean;
  help: string;
  /** The first buildx release with the flag, `major.minor.patch`. */
  since: `${number}.${number}.${number}`;
  split: SplitRule;
}

/** The flags of `docker buildx build --help` that mpb takes as its own, not from this table. */
export const MPB_OWN_FLAGS = ['--platform', '--builder', '--help'] as const;

type Meta = Pick<BuildFlagRow, 'short' | 'joined' | 'since'> & { split?: SplitRule };
const EVERY_JOB: SplitRule = { kind: 'every-job' };
const own = (how: string): SplitRule => ({ kind: 'own', how });
const merged = (how: string): SplitRule => ({ kind: 'merged', how });
const single = (reason: string, applies?: (value: string) => boolean): SplitRule => ({
  kind: 'single',
  reason,
  ...(applies ? { applies } : {}),
});

/** A row of each arity, so that each row reads as one statement. */
const flag = (long: BuildFlagRow['long'], help: string, { split = EVERY_JOB, ...meta }: Meta) => ({
  long,
  arity: 'boolean' as const,
  help,
  split,
  ...meta,
});
const withValue =
  <A extends 'value' | 'list'>(arity: A) =>
  (long: BuildFlagRow['long'], value: string, help: string, { split = EVERY_JOB, ...meta }: Meta) => ({
    long,
    arity,
    value,
    help,
    split,
    ...meta,
  });
const one = withValue('value');
const many = withValue('list');

/**
 * `index:` and `index-descriptor:` annotations (`TYPE[,TYPE][PLATFORM]:KEY=VALUE`, buildkit's
 * exporter/containerimage/exptypes annotations) belong on the index; a split's index is the merge's.
 */
function isIndexAnnotation(value: string): boolean {
  const key = value.split('=', 1)[0] ?? '';
  const colon = key.indexOf(':');
  if (colon === -1) return false;
  const types = key.slice(0, colon).replace(/\[.*\]$/, '');
  return types.split(',').some((t) => t === 'index' || t === 'index-descriptor');
}

// Keys are commander's attribute names (`--build-arg` → buildArg, `--no-cache` → cache); rows are in argv order,
// which is also their order in `mpb build --help`.
export const BUILD_FLAGS = {
  tag: many('--tag', 'name', 'image name and tag (repeatable)', {
    short: '-t',
    since: '0.2.0',
    split: own('the merge tags the index; the jobs push by digest, untagged'),
  }),
  file: one('--file', 'path', 'Dockerfile', { short: '-f', since: '0.2.0' }),
  buildArg: many('--build-arg', 'k=v', 'build argument (repeatable)', { since: '0.2.0' }),
  buildContext: many('--build-context', 'name=path', 'additional build context (repeatable)', {
    since: '0.8.0',
  }),
  push: flag('--push', 'push the image to its registry', {
    since: '0.2.0',
    split: own('each job pushes by digest, the merge pushes the index'),
  }),
  load: flag(
    '--load',
    'load the image into the local Docker (several platforms: containerd image store only)',
    {
      since: '0.2.0',
      split: single('--load loads one image into the local Docker, and a split pushes each node by digest'),
    },
  ),
  output: many('--output', 'spec', 'buildx output, e.g. type=oci,dest=out.tar (repeatable)', {
    short: '-o',
    since: '0.2.0',
    split: own('each job has the digest exporter (core/strategy.ts refuses --output under split)'),
  }),
  cacheFrom: many('--cache-from', 'spec', 'cache source (repeatable)', { since: '0.2.0' }),
  cacheTo: many('--cache-to', 'spec', 'cache destination (repeatable)', { since: '0.2.0' }),
  noCacheFilter: many('--no-cache-filter', 'stage', 'do not cache this stage (repeatable)', {
    since: '0.8.0',
  }),
  secret: many('--secret', 'spec', 'secret to expose, id=...,src=... (repeatable)', { since: '0.2.0' }),
  ssh: many('--ssh', 'spec', 'SSH agent socket or keys to expose (repeatable)', { since: '0.2.0' }),
  label: many('--label', 'k=v', 'image label (repeatable)', { since: '0.2.0' }),
  annotation: many('--annotation', 'spec', 'image annotation, [TYPE:]KEY=VALUE (repeatable)', {
    since: '0.12.0',
    split: single(
      'index annotations belong on the index, and a split makes its index with imagetools create',
      isIndexAnnotation,
    ),
  }),
  target: one('--target', 'stage', 'build stage', { since: '0.2.0' }),
  network: one('--network', 'mode', 'network mode of RUN instructions', { since: '0.2.0' }),
  addHost: many('--add-host', 'host:ip', 'extra /etc/hosts entry (repeatable)', { since: '0.2.0' }),
  allow: many('--allow', 'entitlement', 'extra entitlement, e.g. network.host (repeatable)', {
    since: '0.3.0',
  }),
  cgroupParent: one('--cgroup-parent', 'cgroup', 'parent cgroup of RUN instructions', { since: '0.7.0' }),
  shmSize: one('--shm-size', 'bytes', 'shared memory size of build containers', { since: '0.7.0' }),
  ulimit: many('--ulimit', 'spec', 'ulimit of build containers, e.g. nofile=1024:2048 (repeatable)', {
    since: '0.7.0',
  }),
  resource: many('--resource', 'spec', 'resource limit of build containers, e.g. memory=2g (repeatable)', {
    since: '0.35.0',
  }),
  policy: many('--policy', 'spec', 'policy configuration, filename=path,... (repeatable)', {
    since: '0.31.0',
  }),
  call: one('--call', 'method', 'evaluate the build: check, outline, targets (build: build it)', {
    since: '0.15.0',
    split: single('--call evaluates the build and exports nothing', (v) => v !== 'build'),
  }),
  check: flag('--check', 'check the build (--call=check)', {
    since: '0.15.0',
    split: single('--check evaluates the build and exports nothing'),
  }),
  progress: one('--progress', 'mode', 'auto, plain, tty, rawjson, quiet, none', { since: '0.2.0' }),
  quiet: flag('--quiet', 'print only the image ID (a split: the merged index digest)', {
    short: '-q',
    since: '0.7.0',
    split: merged('stdout gets the merged index digest'),
  }),
  attest: many('--attest', 'spec', 'attestation, e.g. type=sbom (repeatable)', { since: '0.10.0' }),
  provenance: one('--provenance', 'spec', 'provenance attestation (e.g. mode=max, false)', {
    joined: true,
    since: '0.10.0',
  }),
  sbom: one('--sbom', 'spec', 'SBOM attestation (e.g. true)', { joined: true, since: '0.10.0' }),
  iidfile: one('--iidfile', 'path', 'write the image ID to this file (a split: the index digest)', {
    since: '0.2.0',
    split: merged('the file gets the merged index digest'),
  }),
  metadataFile: one('--metadata-file', 'path', 'write buildx build metadata (digest) to this file', {
    since: '0.6.0',
    split: merged('the file gets the merged index'),
  }),
  pull: flag('--pull', 'always pull base images', { since: '0.2.0' }),
  cache: flag('--no-cache', 'do not use the build cache', { since: '0.2.0' }),
  debug: flag('--debug', "buildx's debug logging", { short: '-D', since: '0.17.0' }),
} satisfies Record<string, BuildFlagRow>;

type Rows = typeof BUILD_FLAGS;
type ValueOf<R extends BuildFlagRow> = R['arity'] extends 'boolean'
  ? boolean
  : R['arity'] extends 'list'
    ? readonly string[]
    : string;

/** The pass-through flags as commander parses them: undefined when not given. */
export type BuildFlags = { [K in keyof Rows]?: ValueOf<Rows[K]> };

/** The rows with their keys, in argv order. */
export function buildFlagRows(): [keyof BuildFlags, BuildFlagRow][] {
  return Object.entries(BUILD_FLAGS) as [keyof BuildFlags, BuildFlagRow][];
}

/** The argv words of one row's value: none when not given. */
function wordsOf(row: BuildFlagRow, value: unknown): string[] {
  switch (row.arity) {
    case 'boolean':
      // `--no-cache` is given as false, `--pull` as true.
      return value === !row.long.startsWith('--no-') ? [row.long] : [];
    case 'value':
      if (typeof value !== 'string') return [];
      return row.joined ? [`${row.long}=${value}`] : [row.long, value];
    case 'list':
      return Array.isArray(value) ? value.flatMap((v: string) => [row.long, v]) : [];
  }
}

/** The pass-through flags as buildx words, in the table's order. */
export function buildFlagArgs(flags: BuildFlags): string[] {
  return buildFlagRows().flatMap(([key, row]) => wordsOf(row, flags[key]));
}

/** Whether a row's flag is given: a `--no-` flag as false, any other boolean as true, a value, a list with one. */
function isGiven(row: BuildFlagRow, value: unknown): boolean {
  if (row.arity === 'boolean') return value === !row.long.startsWith('--no-');
  if (row.arity === 'list') return Array.isArray(value) && value.length > 0;
  return typeof value === 'string';
}

/** The values a given flag has, as strings (a boolean: `true`). */
function valuesOf(row: BuildFlagRow, value: unknown): string[] {
  if (!isGiven(row, value)) return [];
  if (row.arity === 'list') return [...(value as readonly string[])];
  return row.arity === 'value' ? [value as string] : ['true'];
}

/** The given flags, as rows. */
export function givenRows(flags: BuildFlags): [keyof BuildFlags, BuildFlagRow][] {
  return buildFlagRows().filter(([key, row]) => isGiven(row, flags[key]));
}

const versionParts = (since: string) => since.split('.').map(Number) as [number, number, number];

/** True when a buildx of this version has the row's flag. */
export function hasFlag(row: BuildFlagRow, v: { major: number; minor: number; patch: number }): boolean {
  const [major, minor, patch] = versionParts(row.since);
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** The given flags that a buildx of this version lacks. */
export function flagsMissingFrom(
  flags: BuildFlags,
  v: { major: number; minor: number; patch: number },
): BuildFlagRow[] {
  return givenRows(flags)
    .map(([, row]) => row)
    .filter((row) => !hasFlag(row, v));
}

/** The given flags that some buildx mpb supports (0.10 and newer) lacks: only these need the version asked. */
export function flagsNewerThan(flags: BuildFlags, minimum: { major: number; minor: number }): BuildFlagRow[] {
  return flagsMissingFrom(flags, { ...minimum, patch: 0 });
}

/** Why the given flags need one `buildx build`: one sentence per flag, none when a split may run. */
export function singleOnlyReasons(flags: BuildFlags): { flag: string; reason: string }[] {
  return givenRows(flags).flatMap(([key, row]) => {
    const { split } = row;
    if (split.kind !== 'single') return [];
    const values = valuesOf(row, flags[key]);
    const hit = split.applies ? values.find(split.applies) : values[0];
    if (hit === undefined) return [];
    const shown = row.arity === 'boolean' ? row.long : `${row.long} ${hit}`;
    return [{ flag: shown, reason: split.reason }];
  });
}

/**
 * The flags a split's jobs get: not those the split does its own way or merges (the split sets its own), and
 * not the values that need one build (a split with them is refused before it gets here).
 */
export function jobFlagsOf(flags: BuildFlags): BuildFlags {
  const kept: Record<string, unknown> = { ...flags };
  for (const [key, row] of buildFlagRows()) {
    const { split } = row;
    if (split.kind === 'own' || split.kind === 'merged' || (split.kind === 'single' && !split.applies))
      delete kept[key];
    else if (split.kind === 'single' && split.applies && isGiven(row, kept[key])) {
      const values = valuesOf(row, kept[key]).filter((v) => !split.applies!(v));
      if (row.arity === 'list') kept[key] = values;
      else if (values.length === 0) delete kept[key];
    }
  }
  return kept as BuildFlags;
}
