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

// Keys are commander's attribute names (`--build-arg` → buildArg, `--no-cache` → cache); rows are in argv order,
// which is also their order in `mpb build --help`.
export const BUILD_FLAGS = {
  tag: { long: '--tag', short: '-t', arity: 'list', value: 'name', help: 'image name and tag (repeatable)' },
  file: { long: '--file', short: '-f', arity: 'value', value: 'path', help: 'Dockerfile' },
  buildArg: { long: '--build-arg', arity: 'list', value: 'k=v', help: 'build argument (repeatable)' },
  push: { long: '--push', arity: 'boolean', help: 'push the image to its registry' },
  load: {
    long: '--load',
    arity: 'boolean',
    help: 'load the image into the local Docker (one platform only)',
  },
  output: {
    long: '--output',
    short: '-o',
    arity: 'list',
    value: 'spec',
    help: 'buildx output, e.g. type=oci,dest=out.tar (repeatable)',
  },
  cacheFrom: { long: '--cache-from', arity: 'list', value: 'spec', help: 'cache source (repeatable)' },
  cacheTo: { long: '--cache-to', arity: 'list', value: 'spec', help: 'cache destination (repeatable)' },
  secret: {
    long: '--secret',
    arity: 'list',
    value: 'spec',
    help: 'secret to expose, id=...,src=... (repeatable)',
  },
  ssh: {
    long: '--ssh',
    arity: 'list',
    value: 'spec',
    help: 'SSH agent socket or keys to expose (repeatable)',
  },
  label: { long: '--label', arity: 'list', value: 'k=v', help: 'image label (repeatable)' },
  target: { long: '--target', arity: 'value', value: 'stage', help: 'build stage' },
  progress: { long: '--progress', arity: 'value', value: 'mode', help: 'auto, plain, tty, rawjson, quiet' },
  provenance: {
    long: '--provenance',
    arity: 'value',
    value: 'spec',
    joined: true,
    help: 'provenance attestation (e.g. mode=max, false)',
  },
  sbom: { long: '--sbom', arity: 'value', value: 'spec', joined: true, help: 'SBOM attestation (e.g. true)' },
  metadataFile: {
    long: '--metadata-file',
    arity: 'value',
    value: 'path',
    help: 'write buildx build metadata (digest) to this file',
  },
  pull: { long: '--pull', arity: 'boolean', help: 'always pull base images' },
  cache: { long: '--no-cache', arity: 'boolean', help: 'do not use the build cache' },
} as const satisfies Record<string, BuildFlagRow>;

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
