// Reads started before the command that will take them has loaded (read-ahead.ts), kept by command line until
// a run takes or drops them (exec.ts).
import type { RunOptions, RunResult } from './run-types.js';

/**
 * Reads started before the command asked for them (startAhead), by command line. The first run of the same
 * command takes its result; a run of any other command first drops them all, since it may change what they read.
 */
const ahead = new Map<string, { result: Promise<RunResult>; stop: AbortController }>();

export function takeAhead(command: string, options: RunOptions): Promise<RunResult> | undefined {
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

/** Keeps a read started ahead (read-ahead.ts startAhead) for the run that will ask for `command`. */
export function keepAhead(command: string, result: Promise<RunResult>, stop: AbortController): void {
  result.catch(() => {}); // the taker awaits it; untaken, it is dropped
  ahead.set(command, { result, stop });
}
