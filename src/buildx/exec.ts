// The only place mpb starts a process. argv arrays only, never a shell; every call has a timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { BuildxFailedError, ToolMissingError } from '../errors.js';
import { directPlugin } from './plugin.js';
import { shellQuote } from './quote.js';

/** Named timeouts: a docker call that hangs must not hang mpb. */
export const TIMEOUT_MS = {
  read: 30_000,
  mutate: 60_000,
  bootstrap: 120_000,
  build: 0, // builds run as long as they need; Ctrl-C stops them
} as const;

export interface RunOptions {
  timeoutMs?: number;
  /** 'pipe' captures output; 'inherit' streams it live (builds); 'stderr' streams both to our stderr. */
  stdio?: 'pipe' | 'inherit' | 'stderr';
  input?: string;
  /**
   * Aborting stops the child: SIGINT first (buildx cancels cleanly), SIGKILL after `abortGraceMs`. Such a child
   * runs in a process group of its own, and the signals go to the group: `docker buildx` is two processes, and
   * docker does not pass a signal on to its plugin (it expects the terminal to have sent it to both), so a
   * signal to docker alone leaves buildx running, hung on a frozen node (docs/buildx.md#signals-to-the-plugin).
   */
  signal?: AbortSignal;
  /** How long a child stopped by `signal` has to exit before SIGKILL; 5 s when not given. */
  abortGraceMs?: number;
  /**
   * With 'pipe': each complete line of stdout and stderr as it arrives (a split build prefixes and shows them
   * live); the output is still captured whole in the result.
   */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Feeds complete lines to `emit`, keeping a partial one until its end arrives (or `end` is called). */
export function lineSplitter(emit: (line: string) => void): {
  push: (chunk: string) => void;
  end: () => void;
} {
  let partial = '';
  return {
    push: (chunk) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) emit(line);
    },
    end: () => {
      if (partial !== '') emit(partial);
      partial = '';
    },
  };
}

export type RunOutcome =
  | { kind: 'ok' }
  | { kind: 'failed' }
  | { kind: 'timed-out' }
  | { kind: 'missing'; tool: 'docker' | 'buildx' | (string & {}) };

export interface RunResult {
  file: string;
  args: string[];
  /** The command, shell-quoted, for messages and --verbose. */
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  outcome: RunOutcome;
  durationMs: number;
}

export type Runner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface RunnerSettings {
  env?: NodeJS.ProcessEnv;
}

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

/** A running child; `stop` signals it, or its whole process group when it has one. */
const children = new Set<{ stop: (signal: NodeJS.Signals) => void }>();
let signalsHooked = false;
/** The exit code of the SIGINT/SIGTERM received, once one was. */
let interrupted: number | undefined;

// Ctrl-C reaches the whole foreground process group (but not a child in a group of its own), and a SIGTERM
// from CI reaches only us: forward both to every child, then exit with the conventional 128+N code as soon as
// the last child has ended — not carry on to the next step with the children's failures (seen in tmux: Ctrl-C
// during the preflight, then a "degraded" verdict and exit 3).
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  // A child still running when mpb exits (a read started ahead that no command took, an error thrown while
  // one ran) must not outlive it.
  process.once('exit', () => {
    for (const child of children) child.stop('SIGTERM');
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      interrupted = code;
      for (const child of children) child.stop(signal);
      process.exitCode = code;
      if (children.size === 0) process.exit(code);
      setTimeout(() => process.exit(code), 5_000).unref();
    });
  }
}

// `docker buildx` without the plugin: docker's own message, exit 1 (docker CLI 20–28).
const BUILDX_MISSING =
  /'buildx' is not a docker command|unknown command "buildx"|docker: unknown command: docker buildx/;

/** Classifies a finished process; pure, so the rules are tested without spawning. */
export function classify(
  file: string,
  args: readonly string[],
  r: { exitCode?: number; stderr?: string; timedOut?: boolean; code?: string },
): RunOutcome {
  if (r.code === 'ENOENT') return { kind: 'missing', tool: file };
  if (r.timedOut) return { kind: 'timed-out' };
  if (r.exitCode === 0) return { kind: 'ok' };
  if (file === 'docker' && args[0] === 'buildx' && BUILDX_MISSING.test(r.stderr ?? '')) {
    return { kind: 'missing', tool: 'buildx' };
  }
  return { kind: 'failed' };
}

/**
 * Reads started before the command asked for them (startAhead), by command line. The first run of the same
 * command takes its result; a run of any other command first drops them all, since it may change what they read.
 */
const ahead = new Map<string, { result: Promise<RunResult>; stop: AbortController }>();

function takeAhead(command: string, options: RunOptions): Promise<RunResult> | undefined {
  const plain = (options.stdio ?? 'pipe') === 'pipe' && !options.input && !options.onLine && !options.signal;
  const early = plain ? ahead.get(command) : undefined;
  ahead.delete(command);
  dropAhead();
  return early?.result;
}

/** Stops every read started ahead that no run took: a command that ended without it must not wait for it. */
export function dropAhead(): void {
  for (const { stop } of ahead.values()) stop.abort();
  ahead.clear();
}

/**
 * Starts a read-only buildx call now, while the command that will ask for it is still loading: `mpb ls` starts
 * its one `buildx ls` before its own modules (BENCHMARKS.md, issue #15). Its failure is the command's to see.
 */
export function startAhead(
  settings: RunnerSettings,
  file: string,
  args: readonly string[],
  options: Pick<RunOptions, 'timeoutMs'>,
): void {
  const stop = new AbortController();
  const result = createRunner(settings)(file, args, { ...options, signal: stop.signal, abortGraceMs: 1_000 });
  result.catch(() => {}); // the taker awaits it; untaken, it is dropped
  ahead.set(shellQuote([file, ...args]), { result, stop });
}

/** Creates the runner every command uses; tests pass their own Runner instead. */
export function createRunner(settings: RunnerSettings = {}): Runner {
  // Resolved at the first buildx call, once: a few stat calls (plugin.ts).
  let plugin: { path: string | undefined } | undefined;
  const pluginOf = () => {
    plugin ??= { path: directPlugin(settings.env ?? process.env) };
    return plugin.path;
  };
  const run: Runner = async (file, args, options = {}) => {
    const early = takeAhead(shellQuote([file, ...args]), options);
    if (early) return early;
    const spawned = spawnedAs(file, args, pluginOf());
    const r = await runOnce(file, args, spawned, settings, options);
    // The plugin gone (or not executable) since it was found: docker's own way, and its own message.
    if (spawned.file !== file && (r.cause === 'ENOENT' || r.cause === 'EACCES')) {
      plugin = { path: undefined };
      return run(file, args, options);
    }
    return r.result;
  };
  return run;
}

async function runOnce(
  file: string,
  args: readonly string[],
  spawned: { file: string; args: readonly string[] },
  settings: RunnerSettings,
  options: RunOptions,
): Promise<{ result: RunResult; cause: string | undefined }> {
  const command = shellQuote([file, ...args]);
  hookSignals();
  if (interrupted !== undefined) process.exit(interrupted);
  const stdio = options.stdio ?? 'pipe';
  const started = performance.now();
  const child = spawn(spawned.file, spawned.args, {
    env: settings.env ?? process.env,
    stdio: [
      options.input === undefined ? (stdio === 'pipe' ? 'ignore' : 'inherit') : 'pipe',
      stdio === 'inherit' ? 'inherit' : stdio === 'stderr' ? process.stderr.fd : 'pipe',
      stdio === 'pipe' ? 'pipe' : 'inherit',
    ],
    detached: options.signal !== undefined,
  });
  const group = options.signal !== undefined && child.pid !== undefined ? child.pid : undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (group === undefined) return void child.kill(signal);
    try {
      process.kill(-group, signal);
    } catch {
      // the group has ended
    }
  };
  const running = { stop };
  children.add(running);
  let killLater: NodeJS.Timeout | undefined;
  const stopOnAbort = () => {
    stop('SIGINT');
    killLater = setTimeout(() => stop('SIGKILL'), options.abortGraceMs ?? 5_000).unref();
  };
  if (options.signal?.aborted) stopOnAbort();
  else options.signal?.addEventListener('abort', stopOnAbort, { once: true });
  const captured = { stdout: '', stderr: '' };
  const splitters = (['stdout', 'stderr'] as const).flatMap((stream) => {
    const pipe = child[stream];
    if (!pipe) return [];
    // A chunk may end inside a multi-byte character: the stream's decoder keeps it for the next one.
    pipe.setEncoding('utf8');
    const onLine = options.onLine;
    const splitter = onLine ? lineSplitter((line) => onLine(line, stream)) : undefined;
    pipe.on('data', (chunk: string) => {
      captured[stream] += chunk;
      splitter?.push(chunk);
    });
    return splitter ? [splitter] : [];
  });
  if (child.stdin) {
    child.stdin.on('error', () => {}); // the child may end before reading it all (EPIPE): its exit code tells
    child.stdin.end(options.input);
  }
  const r = await exited(child, options.timeoutMs ?? TIMEOUT_MS.read);
  options.signal?.removeEventListener('abort', stopOnAbort);
  if (killLater !== undefined) {
    // docker may end on SIGINT before its plugin does: what is left of the group must not outlive the run.
    clearTimeout(killLater);
    stop('SIGKILL');
  }
  for (const s of splitters) s.end();
  children.delete(running);
  if (interrupted !== undefined && children.size === 0) process.exit(interrupted);
  const { stdout, stderr } = captured;
  const code = r.cause;
  const result: RunResult = {
    file,
    args: [...args],
    command,
    exitCode: r.exitCode ?? (r.timedOut ? 124 : 1),
    stdout,
    stderr,
    outcome: classify(file, args, { exitCode: r.exitCode, stderr, timedOut: r.timedOut, code }),
    durationMs: Math.round(performance.now() - started),
  };
  return { result, cause: code };
}

// How long a child stopped by its timeout (SIGTERM) has before SIGKILL.
const KILL_AFTER_MS = 3_000;

/**
 * The end of a child: its exit code (undefined when a signal ended it), whether its timeout (0: none) stopped
 * it, or the errno code of a spawn that failed (ENOENT: no such program).
 */
function exited(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ exitCode: number | undefined; timedOut: boolean; cause: string | undefined }> {
  return new Promise((resolve) => {
    let timedOut = false;
    let forceKill: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            forceKill = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS).unref();
          }, timeoutMs)
        : undefined;
    const done = (exitCode: number | undefined, cause: string | undefined) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      resolve({ exitCode, timedOut, cause });
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      // A spawn that failed never closes; an error after the start (a kill that failed) is not the end.
      if (child.pid === undefined) done(undefined, e.code ?? 'ESPAWN');
    });
    child.once('close', (code) => done(code ?? undefined, undefined));
  });
}

/** The last few non-empty lines of stderr: enough to see why, short enough to read. */
export function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
    .join('\n');
}

/** Turns a result that did not succeed into the matching mpb error; returns ok results untouched. */
export function expectOk(r: RunResult, what?: string): RunResult {
  switch (r.outcome.kind) {
    case 'ok':
      return r;
    case 'missing':
      throw r.outcome.tool === 'buildx'
        ? new ToolMissingError('the docker buildx plugin is not installed', {
            hint: 'Install buildx 0.10 or newer: https://github.com/docker/buildx#installing',
            code: 'buildx.unusable',
          })
        : new ToolMissingError(`${r.outcome.tool} was not found on PATH`, {
            ...(r.outcome.tool === 'docker' ? { code: 'docker.missing' as const } : {}),
            hint:
              r.outcome.tool === 'docker'
                ? 'Install the Docker CLI (docker-ce-cli or docker.io) and make sure `docker` is on PATH.'
                : `Install ${r.outcome.tool} or add it to PATH.`,
          });
    case 'timed-out':
      throw new BuildxFailedError(
        `${what ?? r.command} timed out after ${r.durationMs} ms`,
        r.command,
        r.stderr,
        {
          hint: 'A node may be unreachable: run `mpb doctor` to find which.',
        },
      );
    case 'failed':
      throw new BuildxFailedError(
        `${what ?? r.command} failed (exit ${r.exitCode})${r.stderr.trim() ? `:\n${lastLines(r.stderr)}` : ''}`,
        r.command,
        r.stderr,
      );
  }
}
