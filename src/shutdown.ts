// The one owner of SIGINT and SIGTERM while a command runs. The first one aborts the command's signal: every
// child is stopped (buildx/exec.ts), the run that was waiting on one throws, and the command's `finally`s (temp
// folders, helper state, locks) run as the error unwinds; the CLI then waits for the children to end and exits
// 130 (143). A second one exits at once, for a user who will not wait for a frozen node's grace period.
import { InterruptedError } from './errors.js';

export interface Shutdown {
  /** Aborted, with an InterruptedError as its reason, by the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Gives the signals back to Node's defaults. */
  release: () => void;
}

export function trapSignals(): Shutdown {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      const error = new InterruptedError(name);
      if (controller.signal.aborted) process.exit(error.exitCode);
      controller.abort(error);
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return {
    signal: controller.signal,
    release: () => {
      for (const off of handlers) off();
    },
  };
}
