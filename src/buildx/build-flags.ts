// The `docker buildx build` flags mpb passes through, one row each: commander's options, the typed options
// object and the argv all come from this table, so a new pass-through flag is one new row.

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
}

type Extra = Pick<BuildFlagRow, 'short' | 'joined'>;
/** A row of each arity, so that each row reads as one line. */
const flag = (long: BuildFlagRow['long'], help: string) => ({ long, arity: 'boolean' as const, help });
const withValue =
  <A extends 'value' | 'list'>(arity: A) =>
  (long: BuildFlagRow['long'], value: string, help: string, extra: Extra = {}) => ({
    long,
    arity,
    value,
    help,
    ...extra,
  });
const one = withValue('value');
const many = withValue('list');

// Keys are commander's attribute names (`--build-arg` → buildArg, `--no-cache` → cache); rows are in argv order,
// which is also their order in `mpb build --help`.
export const BUILD_FLAGS = {
  tag: many('--tag', 'name', 'image name and tag (repeatable)', { short: '-t' }),
  file: one('--file', 'path', 'Dockerfile', { short: '-f' }),
  buildArg: many('--build-arg', 'k=v', 'build argument (repeatable)'),
  push: flag('--push', 'push the image to its registry'),
  load: flag('--load', 'load the image into the local Docker (one platform only)'),
  output: many('--output', 'spec', 'buildx output, e.g. type=oci,dest=out.tar (repeatable)', { short: '-o' }),
  cacheFrom: many('--cache-from', 'spec', 'cache source (repeatable)'),
  cacheTo: many('--cache-to', 'spec', 'cache destination (repeatable)'),
  secret: many('--secret', 'spec', 'secret to expose, id=...,src=... (repeatable)'),
  ssh: many('--ssh', 'spec', 'SSH agent socket or keys to expose (repeatable)'),
  label: many('--label', 'k=v', 'image label (repeatable)'),
  target: one('--target', 'stage', 'build stage'),
  progress: one('--progress', 'mode', 'auto, plain, tty, rawjson, quiet'),
  provenance: one('--provenance', 'spec', 'provenance attestation (e.g. mode=max, false)', { joined: true }),
  sbom: one('--sbom', 'spec', 'SBOM attestation (e.g. true)', { joined: true }),
  metadataFile: one('--metadata-file', 'path', 'write buildx build metadata (digest) to this file'),
  pull: flag('--pull', 'always pull base images'),
  cache: flag('--no-cache', 'do not use the build cache'),
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
