// What a run of a process is asked and what it gives back: the runner's (exec.ts) interface, which every caller
// and every test's fake runner speaks.

export interface RunOptions {
  timeoutMs?: number;
  /** 'pipe' captures output; 'inherit' streams it live (builds); 'stderr' streams both to our stderr. */
  stdio?: 'pipe' | 'inherit' | 'stderr';
  input?: string;
  /** Aborting stops the child and its process group: SIGINT, then SIGKILL after `abortGraceMs`. */
  signal?: AbortSignal;
  /** How long a child stopped by `signal` or its timeout has to exit before SIGKILL; 5 s when not given. */
  abortGraceMs?: number;
  /**
   * With 'pipe': each line of stdout and stderr as it arrives (a split build prefixes and shows them live); the
   * result then keeps only the last 256 KiB of each stream, enough for the messages that quote it.
   */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
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
  /** The child's exit code; 128+N when signal N ended it, 124 when its timeout did (as shells and timeout(1)). */
  exitCode: number;
  /** The signal that ended the child, when one did. */
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  outcome: RunOutcome;
  durationMs: number;
}

export type Runner = (file: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface RunnerSettings {
  env?: NodeJS.ProcessEnv;
  /**
   * The command's own stop (Ctrl-C, SIGTERM): aborting it stops every child; a run that it stopped, or that
   * starts after it, throws its reason once the child has ended, so the callers' `finally`s run in order.
   */
  signal?: AbortSignal;
}
