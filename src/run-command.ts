// How a command ends, in one place: its --json document printed, its outcome turned into an exit number, and
// any error into a message (ui/report-error.ts). cli.ts runs every command through here, and so do tests.
import type { Deps } from './deps.js';
import { exitCodeOf, type Outcome } from './errors.js';
import { reportError } from './ui/report-error.js';

export interface CommandResult {
  outcome: Outcome;
  /** The --json document without `ok`, which the outcome gives; absent when the command printed its own. */
  data?: object;
}

/** A command: its world, its operands, then its options; it returns what happened instead of an exit number. */
export type CommandFn<A extends unknown[], O> = (deps: Deps, ...args: [...A, O]) => Promise<CommandResult>;

/** Runs a command as the CLI does and returns the exit code. */
export async function runCommand(deps: Deps, command: () => Promise<CommandResult>): Promise<number> {
  try {
    const { outcome, data } = await command();
    // Ctrl-C while nothing was running (a probe, a read of a file): the command ended, but was still stopped.
    deps.signal?.throwIfAborted();
    const code = exitCodeOf(outcome);
    if (deps.json && data !== undefined) deps.out.json({ ok: code === 0, ...data });
    return code;
  } catch (e) {
    return reportError(deps.signal?.aborted ? deps.signal.reason : e, deps);
  }
}
