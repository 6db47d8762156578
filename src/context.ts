// What every command receives from the CLI: global flags and the process's world, passed in so tests can replace it.
import type { Writable } from 'node:stream';

export interface GlobalOptions {
  config: string | undefined;
  json: boolean;
  verbose: boolean;
  color: boolean;
}

export interface Context extends GlobalOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** Aborted by Ctrl-C or SIGTERM (shutdown.ts): stops every child the command started. */
  signal?: AbortSignal;
}

export function createContext(globals: GlobalOptions, signal?: AbortSignal): Context {
  return {
    ...globals,
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    ...(signal ? { signal } : {}),
  };
}
