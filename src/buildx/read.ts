// What buildx has now: its version, one builder (`inspect`) or all of them (`ls`), in the fewest docker calls.
import { BuildxFailedError } from '../errors.js';
import { inspectArgs, lsArgs, VERSION_ARGS } from './args.js';
import { TIMEOUT_MS } from './exec.js';
import type { BuildxBuilder, BuildxVersion, Parsed, ParseError } from './model.js';
import { parseInspect } from './parse/inspect.js';
import { parseLsText } from './parse/ls-text.js';
import { resolvePlugin } from './plugin.js';
import { collapseReplicas } from './replicas.js';
import { expectOk } from './run-result.js';
import type { Runner, RunResult } from './run-types.js';
import { parseBuildxVersion, requireSupported } from './version.js';
import { knownVersion, rememberVersion } from './version-cache.js';

const REPORT_HINT =
  'mpb may not know this buildx output yet: please report it with the output of `docker buildx version`.';

/**
 * The parsed value, or a BuildxFailedError that quotes the line buildx printed and mpb could not read; an
 * unreadable version makes buildx unusable to mpb, anything else is output mpb does not know yet.
 */
function readValue<T>(
  parsed: Parsed<T>,
  r: RunResult,
  code: 'buildx.unusable' | 'buildx.unreadable' = 'buildx.unreadable',
): T {
  if (parsed.ok) return parsed.value;
  throw new BuildxFailedError(describeParseError(parsed.error, r.command), r.command, r.stderr, {
    hint: REPORT_HINT,
    code,
  });
}

function describeParseError(e: ParseError, command: string): string {
  return `could not read the output of \`${command}\`: line ${e.line}: ${e.message}\n  ${JSON.stringify(e.text)}`;
}

/**
 * `docker buildx version`, parsed; below 0.10 is refused with the upgrade hint (exit 4). Given `env`, the
 * answer is remembered for the plugin binary docker would run (path, size, mtime) and read back while that
 * binary is unchanged: no docker call at all.
 */
export async function detectVersion(run: Runner, env?: NodeJS.ProcessEnv): Promise<BuildxVersion> {
  const plugin = env ? resolvePlugin(env) : undefined;
  const remembered = env && plugin ? knownVersion(env, plugin) : undefined;
  if (remembered) return requireSupported(remembered);
  const r = expectOk(
    await run('docker', VERSION_ARGS, { timeoutMs: TIMEOUT_MS.read }),
    'docker buildx version',
  );
  const version = requireSupported(readValue(parseBuildxVersion(r.stdout), r, 'buildx.unusable'));
  if (env && plugin) rememberVersion(env, plugin, r.stdout);
  return version;
}

export interface ReadBuilderOptions {
  /** `inspect --bootstrap`: start nodes that are not running. On a dead node 0.13+ fails after ~20 s, 0.10–0.12 hang. */
  bootstrap?: boolean;
  timeoutMs?: number;
}

// The same words in 0.10.5, 0.13.1 and 0.29.1 (captures inspect-missing, dc-inspect-before-bootstrap);
// buildx lower-cases builder names, so compare without case.
const isNoSuchBuilder = (stderr: string, name: string): boolean =>
  stderr.toLowerCase().includes(`error: no builder "${name.toLowerCase()}" found`);

/**
 * One builder from one `docker buildx inspect [--bootstrap] NAME`: in every version it has the pinned marks,
 * driver options, status and platforms. Undefined when buildx has no such builder. `current` is not known here.
 */
export async function readBuilder(
  run: Runner,
  version: BuildxVersion | Promise<BuildxVersion>,
  name: string,
  options: ReadBuilderOptions = {},
): Promise<BuildxBuilder | undefined> {
  const bootstrap = options.bootstrap ?? false;
  const timeoutMs = options.timeoutMs ?? (bootstrap ? TIMEOUT_MS.bootstrap : TIMEOUT_MS.read);
  // `inspect` reads the same way in every version: it starts while `buildx version` (a promise on a first
  // run) is still answering; a version mpb refuses still wins over whatever inspect printed.
  const r = await run('docker', inspectArgs(name, { bootstrap }), { timeoutMs });
  const known = await version;
  if (r.outcome.kind === 'failed' && isNoSuchBuilder(r.stderr, name)) return undefined;
  if (r.outcome.kind === 'timed-out' && bootstrap && !known.caps.bootstrapTimesOut) {
    throw new BuildxFailedError(
      `\`${r.command}\` did not finish in ${Math.round(timeoutMs / 1000)} s: buildx ${known.raw} waits forever for a node that does not answer`,
      r.command,
      r.stderr,
      {
        hint: 'Find the node that is down with `mpb doctor`, or upgrade buildx to 0.13+ (it gives up after 20 s).',
      },
    );
  }
  return collapseReplicas(readValue(parseInspect(expectOk(r, `docker buildx inspect ${name}`).stdout), r));
}

/**
 * Every builder from one `docker buildx ls`: `--format json` from 0.13, the table before. JSON does not mark
 * pinned platforms (nodes come with `platformsComplete: false`) and has `current` only from 0.24: a caller
 * that needs pins reads that builder with readBuilder. The table (< 0.13) has pins but no driver options.
 */
export async function readBuilders(
  run: Runner,
  version: BuildxVersion,
  options: { timeoutMs?: number } = {},
): Promise<BuildxBuilder[]> {
  const json = version.caps.lsJson;
  const running = run('docker', lsArgs(version), { timeoutMs: options.timeoutMs ?? TIMEOUT_MS.read });
  // The JSON parser brings zod (~180 ms of CPU to load): it loads while buildx answers, not before, and not
  // at all for commands that never list every builder (a converged ensure).
  const jsonParser = json ? import('./parse/ls-json.js') : undefined;
  jsonParser?.catch(() => {}); // awaited below
  const r = expectOk(await running);
  const parsed = jsonParser ? (await jsonParser).parseLsJson(r.stdout) : parseLsText(r.stdout, r.stderr);
  return readValue(parsed, r).map(collapseReplicas);
}

/**
 * The builder `docker buildx use` selected, from one `docker buildx inspect` without a name: the only call
 * that says which builder is current in every version (JSON has `Current` only from 0.24). Undefined when
 * buildx cannot show it (the engine's `default` builder without a daemon fails here).
 */
export async function readCurrentBuilder(run: Runner): Promise<BuildxBuilder | undefined> {
  const r = await run('docker', ['buildx', 'inspect'], { timeoutMs: TIMEOUT_MS.read });
  if (r.outcome.kind !== 'ok') return undefined;
  const parsed = parseInspect(r.stdout);
  return parsed.ok ? { ...collapseReplicas(parsed.value), current: true } : undefined;
}
