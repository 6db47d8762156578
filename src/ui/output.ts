// Human output goes to stdout (results) and stderr (progress, warnings); --json output is one document on stdout.
import { Chalk, type ChalkInstance } from 'chalk';
import type { Context } from '../context.js';
import { type Layout, widthOf, wrapLine } from './table.js';

export interface Output {
  color: ChalkInstance;
  /** A result line, on stdout. */
  result(text: string): void;
  /** Progress, on stderr; silent under --json. */
  info(text: string): void;
  warn(text: string): void;
  /** The --json document, on stdout. */
  json(doc: unknown): void;
  /**
   * A wait worth showing: on an interactive terminal a spinner with the elapsed time once it has taken
   * SPINNER_AFTER_MS, then a ✓/✗ line; in CI, pipes and under --json one plain `label...` line (none with --json).
   */
  step<T>(label: string, work: () => Promise<T>, options?: StepOptions): Promise<T>;
  /**
   * Under GitHub Actions, what `work` prints (buildx's own output) folded in the log between
   * `::group::title` and `::endgroup::`; elsewhere just `work`.
   */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  /** Columns of the terminal on stdout (80 when a TTY reports none); undefined when stdout is not a TTY. */
  width: number | undefined;
}

export interface StepOptions {
  /** false: no plain line outside a TTY, for a wait that used to pass unannounced (reading state, probing). */
  plainLine?: boolean;
}

/** Output.step on its own, for code that waits but prints nothing else. */
export type Step = Output['step'];

/** Shorter waits show no spinner: it would only flicker. */
export const SPINNER_AFTER_MS = 300;

/** The ✓/✗ line's elapsed time: `0.4s`, `18.2s`. */
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

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

/** --wide: every platform listed and nothing fitted to the terminal, lines as long as they need. */
export function layoutOf(out: Pick<Output, 'width'>, wide = false): Layout {
  return { width: wide ? undefined : out.width, wide };
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
      if (!ctx.json) line(ctx.stderr, wrapLine(text, widthOf(ctx.stderr), '  ').join('\n'));
    },
    warn: (text) =>
      line(
        ctx.stderr,
        wrapLine(`warning: ${text}`, widthOf(ctx.stderr), '  ')
          .map((l) => color.yellow(l))
          .join('\n'),
      ),
    json: (doc) => line(ctx.stdout, JSON.stringify(doc, null, 2)),
    width: widthOf(ctx.stdout),
    async group(title, work) {
      // Workflow commands are read from the step's output; stderr keeps them in order with buildx's lines.
      if (ctx.env['GITHUB_ACTIONS'] !== 'true') return work();
      line(ctx.stderr, `::group::${title}`);
      try {
        return await work();
      } finally {
        line(ctx.stderr, '::endgroup::');
      }
    },
    async step(label, work, options = {}) {
      if (!interactive) {
        if (!ctx.json && options.plainLine !== false) line(ctx.stderr, `${label}...`);
        return work();
      }
      const { default: ora } = await import('ora');
      const started = performance.now();
      // ora writes its own colours; NO_COLOR and --no-color turn them off with ours.
      const spinner = ora({
        text: label,
        stream: ctx.stderr,
        color: color.level === 0 ? false : 'cyan',
        isEnabled: true,
        // ora's stdin discarder puts the terminal in raw mode and, on Node 20 and 24, never reads it: Ctrl-C then
        // is a byte nobody sees instead of a SIGINT, and the run cannot be stopped (seen in tmux).
        discardStdin: false,
      });
      // The spinner or mark and a space come first: the text wraps at spaces under them, never at the
      // terminal's edge in the middle of a word.
      const width = widthOf(ctx.stderr);
      const wrapped = (text: string) => wrapLine(text, width && width - 2).join('\n  ');
      const ticker = setInterval(() => {
        if (!spinner.isSpinning && performance.now() - started >= SPINNER_AFTER_MS) spinner.start();
        if (spinner.isSpinning) spinner.text = wrapped(`${label} ${color.dim(elapsed(started))}`);
      }, 100);
      const finish = (ok: boolean) => {
        clearInterval(ticker);
        const text = wrapped(`${label} ${color.dim(elapsed(started))}`);
        const mark = ok ? color.green('✓') : color.red('✗');
        spinner.stopAndPersist({ symbol: mark, text });
      };
      try {
        const value = await work();
        finish(true);
        return value;
      } catch (e) {
        finish(false);
        throw e;
      }
    },
  };
}
