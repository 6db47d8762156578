// The one catch: every error becomes a message, a hint and an exit code. Stacks only for bugs or --verbose.
import path from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, EXIT, InterruptedError, isMpbError } from '../errors.js';
import { createOutput } from './output.js';
import { widthOf, wrapLine } from './table.js';

interface ErrorEntry {
  code?: string;
  path?: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

function entriesOf(e: unknown): ErrorEntry[] {
  if (e instanceof ConfigError) return e.issues;
  if (isMpbError(e))
    return [{ ...(e.code ? { code: e.code } : {}), message: e.message, ...(e.hint ? { hint: e.hint } : {}) }];
  return [
    {
      message: e instanceof Error ? e.message : String(e),
      hint: 'This is a bug in mpb: please report it with the output of --verbose.',
    },
  ];
}

const escapeData = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/**
 * GitHub Actions reads `::error` workflow commands from the step's output and shows them as annotations;
 * `file=` is taken relative to the workspace, so a config path inside the working directory is made relative.
 */
function annotation(entry: ErrorEntry, cwd: string): string {
  let props = '';
  if (entry.path) {
    const relative = path.relative(cwd, path.resolve(cwd, entry.path));
    const file = relative.startsWith('..') || path.isAbsolute(relative) ? entry.path : relative;
    props = ` file=${escapeProperty(file)},line=${entry.line},col=${entry.column}`;
  }
  return `::error${props}::${escapeData(entry.hint ? `${entry.message}\n${entry.hint}` : entry.message)}\n`;
}

/** A text of several lines (refusals of one kind, joined) with its later lines under `indent`. */
const under = (text: string, indent: string) => text.replaceAll('\n', `\n${indent}`);

/** Prints the error for humans (stderr) or as the --json document (stdout); returns the exit code. */
export function reportError(e: unknown, ctx: Context): number {
  const code = isMpbError(e) ? e.exitCode : EXIT.internal;
  const entries = entriesOf(e);
  const out = createOutput(ctx);
  if (ctx.json) {
    out.json({ ok: false, errors: entries });
  } else if (e instanceof InterruptedError) {
    // The user pressed Ctrl-C (the terminal shows ^C) or CI stopped the job: the exit code says it all.
  } else {
    for (const entry of entries) {
      const where = entry.path ? `${entry.path}:${entry.line}:${entry.column}: ` : '';
      const width = widthOf(ctx.stderr);
      const message = wrapLine(`error: ${where}${under(entry.message, '  ')}`, width, '  ').join('\n');
      ctx.stderr.write(`${out.color.red('error:')}${message.slice('error:'.length)}\n`);
      if (entry.hint) {
        const hint = `  ${out.color.dim('→')} ${under(entry.hint, '    ')}`;
        ctx.stderr.write(`${wrapLine(hint, width, '    ').join('\n')}\n`);
      }
    }
  }
  if (ctx.env['GITHUB_ACTIONS'] === 'true')
    for (const entry of entries) ctx.stderr.write(annotation(entry, ctx.cwd));
  if ((ctx.verbose || !isMpbError(e)) && e instanceof Error && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return code;
}
