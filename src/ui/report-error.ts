// The one catch: every error becomes a message, a hint and an exit code. Stacks only for bugs or --verbose.
import type { Context } from '../context.js';
import { ConfigError, EXIT, isMpbError } from '../errors.js';
import { createOutput } from './output.js';

interface ErrorEntry {
  path?: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

function entriesOf(e: unknown): ErrorEntry[] {
  if (e instanceof ConfigError) return e.issues;
  if (isMpbError(e)) return [{ message: e.message, ...(e.hint ? { hint: e.hint } : {}) }];
  return [
    {
      message: e instanceof Error ? e.message : String(e),
      hint: 'This is a bug in mpb: please report it with the output of --verbose.',
    },
  ];
}

/** GitHub Actions reads `::error` workflow commands from the step's output and shows them as annotations. */
function annotation(entry: ErrorEntry): string {
  const encode = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  const props = entry.path ? ` file=${entry.path},line=${entry.line},col=${entry.column}` : '';
  return `::error${props}::${encode(entry.hint ? `${entry.message}\n${entry.hint}` : entry.message)}\n`;
}

/** Prints the error for humans (stderr) or as the --json document (stdout); returns the exit code. */
export function reportError(e: unknown, ctx: Context): number {
  const code = isMpbError(e) ? e.exitCode : EXIT.internal;
  const entries = entriesOf(e);
  const out = createOutput(ctx);
  if (ctx.json) {
    out.json({ ok: false, errors: entries });
  } else {
    for (const entry of entries) {
      const where = entry.path ? `${entry.path}:${entry.line}:${entry.column}: ` : '';
      ctx.stderr.write(`${out.color.red('error:')} ${where}${entry.message}\n`);
      if (entry.hint) ctx.stderr.write(`  ${out.color.dim('→')} ${entry.hint}\n`);
    }
  }
  if (ctx.env['GITHUB_ACTIONS'] === 'true') for (const entry of entries) ctx.stderr.write(annotation(entry));
  if ((ctx.verbose || !isMpbError(e)) && e instanceof Error && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return code;
}
