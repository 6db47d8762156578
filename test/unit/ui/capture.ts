// A Context whose stdout and stderr are strings in memory, with chosen TTY flags and environment; and the Deps
// a command gets over it, run the way cli.ts runs commands.
import { Writable } from 'node:stream';
import type { Context } from '../../../src/context.js';
import { createDeps, type Deps, type World } from '../../../src/deps.js';
import { type CommandResult, runCommand } from '../../../src/run-command.js';

export interface Captured {
  ctx: Context;
  stdout: () => string;
  stderr: () => string;
}

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    // A TTY stream also moves the cursor, as a spinner does; here those moves write nothing.
    isTTY ? { isTTY, cursorTo: () => true, moveCursor: () => true, clearLine: () => true } : { isTTY },
  );
  return { stream, text: () => chunks.join('') };
}

export function captureContext(
  options: {
    env?: NodeJS.ProcessEnv;
    tty?: boolean;
    json?: boolean;
    verbose?: boolean;
    color?: boolean;
  } = {},
): Captured {
  const out = sink(options.tty ?? false);
  const err = sink(options.tty ?? false);
  const ctx: Context = {
    config: undefined,
    json: options.json ?? false,
    verbose: options.verbose ?? false,
    color: options.color ?? true,
    env: options.env ?? {},
    cwd: '/work/repo',
    stdout: out.stream,
    stderr: err.stream,
  };
  return { ctx, stdout: out.text, stderr: err.text };
}

/** A command's world over a captured context: the real one, with `replace` swapped in (a fake runner, say). */
export function captureDeps(
  options: Parameters<typeof captureContext>[0] & { cwd?: string; config?: string } = {},
  replace: Partial<World> = {},
): Captured & { deps: Deps; exit: (command: () => Promise<CommandResult>) => Promise<number> } {
  const captured = captureContext(options);
  const ctx: Context = {
    ...captured.ctx,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.config ? { config: options.config } : {}),
  };
  const deps = createDeps(ctx, replace);
  return { ...captured, ctx, deps, exit: (command) => runCommand(deps, command) };
}
