// A Context whose stdout and stderr are strings in memory, with chosen TTY flags and environment.
import { Writable } from 'node:stream';
import type { Context } from '../../../src/context.js';

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
    { isTTY },
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
