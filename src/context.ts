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
}

export function createContext(globals: GlobalOptions): Context {
  return { ...globals, env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}
