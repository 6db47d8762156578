// The only place mpb starts a process, through execa: argv arrays only, never a shell; every call has a timeout.
// execa spawns, feeds stdin, decodes and splits output into lines, and says how a child ended (exit code,
// signal, duration, the errno of a spawn that failed). mpb's own part: stopping a child's whole process group
// (below), the tail kept of a long output, the buildx plugin run directly (plugin.ts), reads started ahead, and
// the command's Ctrl-C (RunnerSettings.signal), which this module obeys but never handles: signals belong to
// the command layer (src/shutdown.ts).
import { constants } from 'node:os';
import type { Options as ExecaOptions } from 'execa';
import { takeAhead } from './ahead.js';
import { directPlugin } from './plugin.js';
import { shellQuote } from './quote.js';
import { classify } from './run-result.js';
import type { Runner, RunnerSettings, RunOptions, RunResult } from './run-types.js';
import { tailKeeper } from './tail.js';

/** Named timeouts: a docker call that hangs must not hang mpb. */
export const TIMEOUT_MS = {
  read: 30_000,
  mutate: 60_000,
  bootstrap: 120_000,
  build: 0, // builds run as long as they need; Ctrl-C stops them
} as const;

/** How long a stopped child has to exit before SIGKILL, unless the run says otherwise. */
const GRACE_MS = 5_000;

/** The most of each stream a result keeps: the tail, in whole lines (a build's log can be any size). */
const KEEP_BYTES = { whole: 16 * 1024 * 1024, lines: 256 * 1024 } as const;

/**
 * What runs for `file args`: `docker buildx ARGS` as the plugin itself, `PLUGIN ARGS`, when `plugin` is known
 * (plugin.ts directPlugin); anything else as given. Messages and --verbose keep the `docker buildx` form.
 */
export function spawnedAs(
  file: string,
  args: readonly string[],
  plugin: string | undefined,
): { file: string; args: readonly string[] } {
  if (plugin === undefined || file !== 'docker' || args[0] !== 'buildx') return { file, args };
  return { file: plugin, args: args.slice(1) };
}

// Every child runs in a process group of its own, and mpb stops the group, not just the child: `docker buildx`
// is two processes, and docker passes no signal on to its plugin (it expects the terminal to have sent it to
// both), so stopping docker alone would leave buildx running, hung on a frozen node
// (docs/buildx.md#signals-to-the-plugin). execa stops the child it started; the rest of the group is ours.
const groups = new Map<number, Promise<unknown>>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has ended
  }
}

let exitHooked = false;
/** No child outlives mpb (a read started ahead that nothing took, an error thrown while one ran). */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const pid of groups.keys()) signalGroup(pid, 'SIGKILL');
  });
}

/** Resolves once every child started so far has ended (the command layer waits for it after Ctrl-C). */
export async function childrenEnded(): Promise<void> {
  while (groups.size > 0) await Promise.allSettled([...groups.values()]);
}

// execa (one chunk, the largest import of a command's start) loads with the first process, not with the CLI: a
// run that starts none (`config validate`, a converged ensure read from buildx's record) never loads it.
let execaModule: Promise<typeof import('execa')> | undefined;
/** Loads execa now, so that a run started next spawns at once (read-ahead.ts). */
export const loadExeca = () => {
  execaModule ??= import('execa');
  return execaModule;
};

/** Creates the runner every command uses; tests pass their own Runner instead. */
export function createRunner(settings: RunnerSettings = {}): Runner {
  // Resolved at the first buildx call, once: a few stat calls (plugin.ts).
  let plugin: { path: string | undefined } | undefined;
  const pluginOf = () => {
    plugin ??= { path: directPlugin(settings.env ?? process.env) };
    return plugin.path;
  };
  const run: Runner = async (file, args, options = {}) => {
    settings.signal?.throwIfAborted();
    const early = takeAhead(shellQuote([file, ...args]), options);
    if (early) return early;
    const spawned = spawnedAs(file, args, pluginOf());
    const r = await runOnce(file, args, spawned, settings, options);
    settings.signal?.throwIfAborted();
    // The plugin gone (or not executable) since it was found: docker's own way, and its own message.
    if (spawned.file !== file && (r.cause === 'ENOENT' || r.cause === 'EACCES')) {
      plugin = { path: undefined };
      return run(file, args, options);
    }
    return r.result;
  };
  return run;
}

/** execa's stdio for ours: captured through `capture` (a line transform), inherited, or all sent to stderr. */
function stdioOf(options: RunOptions, capture: (stream: 'stdout' | 'stderr') => ExecaOptions['stdout']) {
  const stdio = options.stdio ?? 'pipe';
  return {
    stdin: options.input !== undefined ? 'pipe' : stdio === 'pipe' ? 'ignore' : 'inherit',
    stdout: stdio === 'pipe' ? capture('stdout') : stdio === 'stderr' ? process.stderr : 'inherit',
    stderr: stdio === 'pipe' ? capture('stderr') : 'inherit',
  } as const;
}

async function runOnce(
  file: string,
  args: readonly string[],
  spawned: { file: string; args: readonly string[] },
  settings: RunnerSettings,
  options: RunOptions,
): Promise<{ result: RunResult; cause: string | undefined }> {
  const { execa } = await loadExeca();
  hookExit();
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS.read;
  // One stop for the three reasons a child is stopped early: its caller, its timeout, the command's Ctrl-C.
  const deadline = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => deadline.abort(), timeoutMs) : undefined;
  const stop = AbortSignal.any(
    [options.signal, settings.signal, deadline.signal].filter((s): s is AbortSignal => s !== undefined),
  );
  const keep = options.onLine ? KEEP_BYTES.lines : KEEP_BYTES.whole;
  const kept = { stdout: tailKeeper(keep), stderr: tailKeeper(keep) };
  const capture = (stream: 'stdout' | 'stderr') => ({
    // biome-ignore lint/correctness/useYield: each line is kept and shown, none passed on: the tail is the output
    *transform(chunk: unknown) {
      const line = chunk as string; // text mode: execa hands a string
      kept[stream].push(line);
      options.onLine?.(line.replace(/\r?\n$/, ''), stream);
    },
    preserveNewlines: true,
  });
  const child = execa(spawned.file, spawned.args, {
    reject: false,
    env: settings.env ?? process.env,
    extendEnv: false,
    detached: true,
    cleanup: false, // execa's own exit cleanup skips detached children: hookExit does it, for the whole group
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...stdioOf(options, capture),
  });
  const pid = child.pid;
  // Stopped early, the group gets SIGINT (buildx cancels the build cleanly) or, at a timeout, SIGTERM; what is
  // left of it after the grace period, SIGKILL. Not execa's cancelSignal: it signals the child alone.
  let forceKill: NodeJS.Timeout | undefined;
  const stopGroup = () => {
    if (pid === undefined) return;
    signalGroup(pid, deadline.signal.aborted ? 'SIGTERM' : 'SIGINT');
    forceKill = setTimeout(() => signalGroup(pid, 'SIGKILL'), options.abortGraceMs ?? GRACE_MS).unref();
  };
  if (stop.aborted) stopGroup();
  else stop.addEventListener('abort', stopGroup, { once: true });
  if (pid !== undefined) groups.set(pid, child);
  const r = await child;
  clearTimeout(timer);
  clearTimeout(forceKill);
  stop.removeEventListener('abort', stopGroup);
  if (pid !== undefined) {
    // docker may end before its plugin: what is left of a stopped group does not outlive the run.
    if (stop.aborted) signalGroup(pid, 'SIGKILL');
    groups.delete(pid);
  }
  const timedOut = deadline.signal.aborted;
  const cause = r.failed && r.exitCode === undefined && !r.signal ? r.code : undefined;
  const stderr = kept.stderr.text();
  const result: RunResult = {
    file,
    args: [...args],
    command: shellQuote([file, ...args]),
    exitCode: timedOut ? 124 : (r.exitCode ?? (r.signal ? 128 + constants.signals[r.signal] : 1)),
    ...(r.signal ? { signal: r.signal } : {}),
    stdout: kept.stdout.text(),
    stderr,
    outcome: classify(file, args, { exitCode: r.exitCode, stderr, timedOut, code: cause }),
    durationMs: Math.round(r.durationMs),
  };
  return { result, cause };
}
