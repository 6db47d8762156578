// Human output goes to stdout (results) and stderr (progress, warnings); --json output is one document on stdout.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Context } from '../context.js';

export interface Output {
  color: ChalkInstance;
  /** A result line, on stdout. */
  result(text: string): void;
  /** Progress, on stderr; silent under --json. */
  info(text: string): void;
  warn(text: string): void;
  /** The --json document, on stdout. */
  json(doc: unknown): void;
  /** A spinner on an interactive terminal; plain lines in CI, pipes and under --json. */
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/** CI services set CI (GitHub Actions, GitLab, CircleCI…); `CI=false` or an empty value means not CI. */
function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Colour only on a TTY outside CI, never with NO_COLOR or --no-color; FORCE_COLOR turns it on anywhere. */
export function colorLevel(ctx: Pick<Context, 'color' | 'env' | 'stdout'>): 0 | 1 {
  if (!ctx.color) return 0;
  if (ctx.env['NO_COLOR'] !== undefined && ctx.env['NO_COLOR'] !== '') return 0;
  const force = ctx.env['FORCE_COLOR'];
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : 1;
  return ctx.stdout.isTTY && !isCi(ctx.env) ? 1 : 0;
}

/** Spinners only where a person watches: a TTY, outside CI, not under --json. */
export function isInteractive(ctx: Pick<Context, 'env' | 'stderr' | 'json'>): boolean {
  return !ctx.json && Boolean(ctx.stderr.isTTY) && !isCi(ctx.env);
}

export function createOutput(ctx: Context): Output {
  const color = new Chalk({ level: colorLevel(ctx) });
  const interactive = isInteractive(ctx);
  const line = (stream: Context['stdout'], text: string) =>
    stream.write(text.endsWith('\n') ? text : `${text}\n`);
  return {
    color,
    result: (text) => line(ctx.stdout, text),
    info: (text) => {
      if (!ctx.json) line(ctx.stderr, text);
    },
    warn: (text) => line(ctx.stderr, color.yellow(`warning: ${text}`)),
    json: (doc) => line(ctx.stdout, JSON.stringify(doc, null, 2)),
    async step(label, work) {
      if (!interactive) {
        if (!ctx.json) line(ctx.stderr, `${label}...`);
        return work();
      }
      const { default: ora } = await import('ora');
      const spinner = ora({ text: label, stream: ctx.stderr }).start();
      try {
        const value = await work();
        spinner.succeed();
        return value;
      } catch (e) {
        spinner.fail();
        throw e;
      }
    },
  };
}
