// The only place mpb starts a process. argv arrays only, never a shell; every call has a timeout.
import { StringDecoder } from 'node:string_decoder';
import { BuildxFailedError, ToolMissingError } from '../errors.js';
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

// execa (one chunk of ~15 packages, the largest import of a start) loads with the first process, not with the
// CLI: a run that starts none (`config validate`, a converged ensure read from buildx's record) never loads it.
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = () => {
  execaModule ??= import('execa');
  return execaModule;
};

/** Creates the runner every command uses; tests pass their own Runner instead. */
export function createRunner(settings: RunnerSettings = {}): Runner {
  return async (file, args, options = {}) => {
    const command = shellQuote([file, ...args]);
    hookSignals();
    if (interrupted !== undefined) process.exit(interrupted);
    const stdio = options.stdio ?? 'pipe';
    const { execa } = await loadExeca();
    const started = performance.now();
    const child = execa(file, args, {
      reject: false,
      env: settings.env ?? process.env,
      extendEnv: settings.env === undefined,
      timeout: options.timeoutMs ?? TIMEOUT_MS.read,
      forceKillAfterDelay: 3_000,
      stdin: options.input === undefined ? (stdio === 'pipe' ? 'ignore' : 'inherit') : 'pipe',
      input: options.input,
      stdout: stdio === 'inherit' ? 'inherit' : stdio === 'stderr' ? process.stderr : 'pipe',
      stderr: stdio === 'pipe' ? 'pipe' : 'inherit',
      stripFinalNewline: false,
      encoding: 'utf8',
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
    const splitters = options.onLine
      ? (['stdout', 'stderr'] as const).flatMap((stream) => {
          const pipe = child[stream];
          if (stdio !== 'pipe' || !pipe) return [];
          const onLine = options.onLine!;
          const splitter = lineSplitter((line) => onLine(line, stream));
          // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
          const decoder = new StringDecoder('utf8');
          pipe.on('data', (chunk: Buffer | string) =>
            splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
          );
          return [splitter];
        })
      : [];
    const r = await child;
    options.signal?.removeEventListener('abort', stopOnAbort);
    if (killLater !== undefined) {
      // docker may end on SIGINT before its plugin does: what is left of the group must not outlive the run.
      clearTimeout(killLater);
      stop('SIGKILL');
    }
    for (const s of splitters) s.end();
    children.delete(running);
    if (interrupted !== undefined && children.size === 0) process.exit(interrupted);
    const stdout = typeof r.stdout === 'string' ? r.stdout : '';
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    const code = (r.cause as NodeJS.ErrnoException | undefined)?.code;
    return {
      file,
      args: [...args],
      command,
      exitCode: r.exitCode ?? (r.timedOut ? 124 : 1),
      stdout,
      stderr,
      outcome: classify(file, args, { exitCode: r.exitCode, stderr, timedOut: r.timedOut, code }),
      durationMs: Math.round(performance.now() - started),
    };
  };
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
