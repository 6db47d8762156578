// Every command's flags as data: cli.ts registers them with commander, and each command's options type is
// inferred from the same declaration, so what commander parses and what a command takes cannot drift apart.
// Loaded by `mpb --help`: commander, build-flags.ts and ui/table.ts (no colours, no spinner) only.
import { type Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { type BuildFlags, buildFlagRows } from './buildx/build-flags.js';
import { widthOf, wrapLine } from './ui/table.js';

/** One option: commander's spelling and help, how a value is read; T is what the command receives. */
export interface OptionSpec<T> {
  flags: string;
  help: string;
  parse?: (value: string, previous: T) => T;
  default?: T;
  required?: boolean;
  /** Never set: carries T to OptionsOf. */
  readonly type?: (value: T) => void;
}

/** Any OptionSpec, whatever its T. */
interface AnySpec {
  flags: string;
  help: string;
  parse?: (value: string, previous: never) => unknown;
  default?: unknown;
  required?: boolean;
  readonly type?: (value: never) => void;
}
export type Specs = Record<string, AnySpec>;
type TypeOf<S> = S extends OptionSpec<infer T> ? T : never;
type MaybeKeys<S extends Specs> = { [K in keyof S]: undefined extends TypeOf<S[K]> ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };

/** The options object commander builds from these specs: a flag that may be absent is an optional key. */
export type OptionsOf<S extends Specs> = Flatten<
  { [K in Exclude<keyof S, MaybeKeys<S>>]: TypeOf<S[K]> } & { [K in MaybeKeys<S>]?: TypeOf<S[K]> }
>;

const collect = (value: string, previous: string[] = []) => [...previous, value];
/** `--platform a,b --platform c` ≡ `--platform a,b,c`. */
const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];
const parseSeconds = (value: string) => {
  const n = Number(value);
  // InvalidArgumentError: commander reports it as a usage error (exit 2), not as a crash with a stack.
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number of seconds, got "${value}"`);
  return n;
};

const flag = (flags: string, help: string): OptionSpec<boolean | undefined> => ({ flags, help });
/** `--no-x`: commander gives x = true unless it is given. */
const negated = (flags: `--no-${string}`, help: string): OptionSpec<boolean> => ({ flags, help });
const text = (flags: string, help: string): OptionSpec<string | undefined> => ({ flags, help });
const textOr = (flags: string, help: string, value: string): OptionSpec<string> => ({
  flags,
  help,
  default: value,
});
const commaList = (flags: string, help: string): OptionSpec<string[] | undefined> => ({
  flags,
  help,
  parse: collectList,
});
const seconds = (flags: string, help: string, value: number): OptionSpec<number> => ({
  flags,
  help,
  parse: parseSeconds,
  default: value,
});
const wide = flag('--wide', 'list every platform, variants and emulated ones, instead of a summary');
const probeTimeout = seconds('--probe-timeout <seconds>', 'how long to wait for each endpoint to answer', 5);

export const GLOBAL_OPTIONS = {
  config: text(
    '-c, --config <path>',
    'config file (default: $MPB_CONFIG, ./builders.yaml, ~/.config/mpb/builders.yaml)',
  ),
  json: flag('--json', 'print one JSON document on stdout and nothing else there'),
  verbose: flag('-v, --verbose', 'print each docker command; show stack traces'),
  color: negated('--no-color', 'no colours (NO_COLOR is honoured too)'),
};
export type GlobalFlags = OptionsOf<typeof GLOBAL_OPTIONS>;

export const INIT_OPTIONS = {
  output: textOr('-o, --output <path>', 'where to write it', 'builders.yaml'),
  force: flag('-f, --force', 'overwrite an existing file'),
  from: text(
    '--from <builder>',
    'declare a builder buildx has (docker buildx ls): its nodes, endpoints, TLS files, pins',
  ),
};
export type InitOptions = OptionsOf<typeof INIT_OPTIONS>;

export const ENSURE_BUILDER_OPTIONS = {
  builder: text(
    '-b, --builder <name>',
    "the builder to ensure (default: $MPB_BUILDER, $BUILDX_BUILDER, defaultBuilder, then buildx's current one)",
  ),
  all: flag('--all', 'ensure every declared builder'),
  dryRun: flag(
    '--dry-run',
    'print the plan as docker commands with reasons and the endpoint checks; change nothing (exit 0)',
  ),
  prune: flag('--prune', 'remove nodes buildx has that the config does not declare'),
  recreate: flag('--recreate', 'allow removing and re-creating a builder whose driver changed'),
  allowDegraded: flag('--allow-degraded', 'exit 0 while every declared platform still has a running node'),
  probeTimeout,
  timeout: seconds('--timeout <seconds>', 'how long bootstrap may take', 120),
  wide,
};
export type EnsureBuilderOptions = OptionsOf<typeof ENSURE_BUILDER_OPTIONS>;

export const RM_OPTIONS = {
  all: flag('--all', 'remove every declared builder'),
  keepState: flag('--keep-state', 'keep BuildKit state (volumes) for next time'),
  yes: flag('-y, --yes', 'do not ask for confirmation (required without a TTY)'),
  dryRun: flag('--dry-run', 'print what would be removed; change nothing'),
};
export type RmOptions = OptionsOf<typeof RM_OPTIONS>;

export const LS_OPTIONS = {
  wide,
  probeTimeout: seconds(
    '--probe-timeout <seconds>',
    'how long to wait for each undeclared node buildx does not report running',
    5,
  ),
};
export type LsOptions = OptionsOf<typeof LS_OPTIONS>;

/** mpb build's own flags, before the pass-through ones of build-flags.ts. */
const BUILD_TARGET_OPTIONS = {
  builder: text(
    '-b, --builder <name>',
    "builder to use (default: $MPB_BUILDER, $BUILDX_BUILDER, defaultBuilder, then buildx's current one)",
  ),
  platform: commaList(
    '-p, --platform <list>',
    "platforms, comma-separated or repeated (amd64 = linux/amd64); default: every platform the builder declares (buildx's own default for an undeclared builder)",
  ),
};
/** mpb build's own flags, after the pass-through ones. */
const BUILD_OPTIONS = {
  ensure: negated('--no-ensure', 'skip ensure-builder before building'),
  nativeOnly: flag('--native-only', 'refuse to build a platform that would be emulated'),
  allowDegraded: flag(
    '--allow-degraded',
    'build even when a node is down, if no requested platform goes to it',
  ),
  strategy: {
    flags: '--strategy <strategy>',
    help: "split (one job per node, pushed by digest, merged; needs --push), single (one buildx build) or auto (default; or the builder's strategy:)",
    parse: (value: string) => {
      if (value === 'auto' || value === 'split' || value === 'single') return value;
      throw new InvalidArgumentError(`expected auto, split or single, got "${value}"`);
    },
  } satisfies OptionSpec<'auto' | 'split' | 'single' | undefined>,
  cacheRef: text(
    '--cache-ref <repo>',
    "registry cache per platform: REPO:<os>-<arch>[-<variant>], mode=max (or the builder's cache:)",
  ),
  dryRun: flag('--dry-run', 'print the routing and the buildx command; build nothing'),
  probeTimeout,
  nodeTimeout: seconds(
    '--node-timeout <seconds>',
    'while building, stop buildx (exit 3) when a building node has not answered for this long',
    30,
  ),
};

type BuildFlagSpecs = { [K in keyof BuildFlags]-?: OptionSpec<BuildFlags[K]> };

/** The pass-through flags of build-flags.ts as option specs, in the table's order. */
function buildFlagSpecs(): BuildFlagSpecs {
  const entries = buildFlagRows().map(([key, row]): [string, AnySpec] => {
    const value = row.value === undefined ? '' : ` <${row.value}>`;
    const flags = `${row.short ? `${row.short}, ` : ''}${row.long}${value}`;
    return [
      key,
      row.arity === 'list' ? { flags, help: row.help, parse: collect } : { flags, help: row.help },
    ];
  });
  // Object.fromEntries forgets the keys; buildFlagRows gives every key of BUILD_FLAGS once, with its arity.
  return Object.fromEntries(entries) as BuildFlagSpecs;
}

/** Everything `mpb build` takes, in --help order: the builder and platforms, the pass-through flags, mpb's own. */
export const BUILD_COMMAND_OPTIONS = { ...BUILD_TARGET_OPTIONS, ...buildFlagSpecs(), ...BUILD_OPTIONS };
export type BuildOptions = OptionsOf<typeof BUILD_COMMAND_OPTIONS>;

export const INSPECT_OPTIONS = {
  expectPlatforms: commaList('--expect-platforms <list>', 'exit 3 unless all these platforms are present'),
  exact: flag('--exact', 'with --expect-platforms: also fail on platforms not expected'),
  raw: flag('--raw', 'print the manifest untouched'),
};
export type InspectOptions = OptionsOf<typeof INSPECT_OPTIONS>;

export const DOCTOR_OPTIONS = {
  bootstrap: flag('--bootstrap', 'also bootstrap and check emulated platforms (QEMU) on each node'),
  probeTimeout,
  wide,
};
export type DoctorOptions = OptionsOf<typeof DOCTOR_OPTIONS>;

export const CERTS_CREATE_OPTIONS = {
  host: {
    flags: '--host <name-or-ip>',
    help: 'DNS name or IP of the buildkitd server (repeatable)',
    parse: collect,
    required: true,
  } satisfies OptionSpec<string[]>,
  out: text(
    '--out <dir>',
    'where to write the files (default: ~/.config/mpb/certs, or $XDG_CONFIG_HOME/mpb/certs)',
  ),
  days: {
    flags: '--days <n>',
    help: 'validity of the certificates in days',
    parse: (v: string) => Number.parseInt(v, 10),
    default: 825,
  } satisfies OptionSpec<number>,
  force: flag('-f, --force', 'overwrite existing files'),
};
export type CertsCreateOptions = OptionsOf<typeof CERTS_CREATE_OPTIONS>;

/** A command without options of its own. */
export const NO_OPTIONS = {};
export type NoOptions = OptionsOf<typeof NO_OPTIONS>;

/** Registers the specs in their order; a key that is not commander's name for the flag is a bug caught here. */
export function addOptions(cmd: Command, specs: Specs): Command {
  for (const [key, spec] of Object.entries(specs)) {
    const option = new Option(spec.flags, spec.help);
    // `--no-cache-filter <stage>` is a flag of its own, not the negation of a `--cache-filter`: one that takes
    // a value is never a negation (commander would read it as `cacheFilter`, true unless given).
    if (option.negate && option.required) option.negate = false;
    if (option.attributeName() !== key) throw new Error(`option ${spec.flags} is read as "${key}"`);
    // Each spec's parser was checked against its T where it was declared; commander only passes values through.
    if (spec.parse) option.argParser(spec.parse as (value: string, previous: unknown) => unknown);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  return cmd;
}

/** Whether `--json` is among the words before `--`: commander may not have read it yet when an error comes. */
function jsonAsked(cmd: Command): boolean {
  let root = cmd;
  while (root.parent) root = root.parent;
  if (root.opts()['json']) return true;
  // commander keeps the words it parsed on the program (untyped): node, the script, then the user's.
  const words = ((root as { rawArgs?: string[] }).rawArgs ?? process.argv).slice(2);
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).includes('--json');
}

/**
 * A command's commander errors: an unknown option gets `hintOf`'s advice, and under --json it is the error document
 * on stdout, as every other error of mpb's is (ui/report-error.ts).
 */
function unknownOptionOutput(
  cmd: Command,
  hintOf: (flag: string) => string,
): Pick<OutputConfiguration, 'outputError'> {
  return {
    outputError: (text, write) => {
      const unknown = /^error: unknown option '([^']+)'/.exec(text);
      if (!unknown) {
        write(text);
        return;
      }
      const hint = hintOf(unknown[1]!);
      if (jsonAsked(cmd)) {
        const message = text
          .trim()
          .replace(/^error: /, '')
          .replace(/\n/g, ' ');
        process.stdout.write(`${JSON.stringify({ ok: false, errors: [{ message, hint }] }, null, 2)}\n`);
        return;
      }
      write(`${text}${wrapLine(`  → ${hint}`, widthOf(process.stderr), '    ').join('\n')}\n`);
    },
  };
}

/** `mpb build`: an unknown option can still reach buildx, after `--`. */
export const buildCommandOutput = (cmd: Command) =>
  unknownOptionOutput(
    cmd,
    (flag) =>
      `mpb build passes the flags of docker buildx build --help itself (see mpb build --help); put any other buildx flag after --, e.g.: mpb build . -- ${flag} ...`,
  );

/** `mpb bake`: its flags are bake's; platforms and other target attributes are set with --set. */
export const bakeCommandOutput = (cmd: Command) =>
  unknownOptionOutput(cmd, (flag) =>
    /^(-p|--plat\w*)$/.test(flag)
      ? "a bake target's platforms come from the bake file, or from --set, e.g.: mpb bake --set '*.platform=linux/amd64,linux/arm64'"
      : "mpb bake takes the flags of docker buildx bake (see mpb bake --help); set a target's attributes with --set, e.g.: mpb bake --set 'app.args.VERSION=1'",
  );

/** mpb bake: buildx's own bake flags (passed on), then mpb's. */
export const BAKE_OPTIONS = {
  builder: BUILD_TARGET_OPTIONS.builder,
  file: {
    flags: '-f, --file <file>',
    help: 'bake file (HCL, JSON or compose; repeatable; default: buildx finds docker-bake.hcl, compose.yaml…)',
    parse: collect,
  } satisfies OptionSpec<string[] | undefined>,
  set: {
    flags: '--set <target.key=value>',
    help: 'override a target attribute, as buildx bake --set (repeatable)',
    parse: collect,
  } satisfies OptionSpec<string[] | undefined>,
  push: flag(
    '--push',
    'push every target: one job per target × platform on a native node, merged per target',
  ),
  print: flag('--print', "print buildx's reading of the bake file (JSON) and build nothing"),
  list: text('--list <what>', "buildx bake --list: list the file's targets or variables; build nothing"),
  load: flag('--load', "load the images into this Docker: buildx's own bake on the builder"),
  metadataFile: text(
    '--metadata-file <file>',
    "write each target's result (with --push: its merged index) as buildx bake does",
  ),
  progress: text('--progress <type>', 'progress output of each buildx bake (auto, plain, rawjson, …)'),
  allow: {
    flags: '--allow <entitlement>',
    help: 'let the build access a resource (fs.read=PATH, network.host, …; repeatable)',
    parse: collect,
  } satisfies OptionSpec<string[] | undefined>,
  call: text('--call <method>', "check, outline or targets: buildx's own bake evaluates, builds nothing"),
  check: flag('--check', 'the same as --call=check'),
  pull: flag('--pull', 'always pull referenced images'),
  cache: negated('--no-cache', 'do not use the build cache'),
  provenance: text('--provenance <value>', 'provenance attestation, as buildx bake --provenance'),
  sbom: text('--sbom <value>', 'SBOM attestation, as buildx bake --sbom'),
  cacheRef: text(
    '--cache-ref <repo>',
    'registry cache per target × platform: REPO:TARGET-<os>-<arch>, mode=max',
  ),
  allowEmulation: flag(
    '--allow-emulation',
    'where no node that runs a platform natively is up, build it on a node that emulates it',
  ),
  ensure: BUILD_OPTIONS.ensure,
  dryRun: flag('--dry-run', 'print the pools, each job, its node and its buildx command; build nothing'),
  probeTimeout,
  nodeTimeout: BUILD_OPTIONS.nodeTimeout,
};
export type BakeOptions = OptionsOf<typeof BAKE_OPTIONS>;
