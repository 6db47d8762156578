// `mpb config validate`: exit 0 with a summary when the file is valid; every error as FILE:LINE:COL otherwise.
import { displayPath, loadConfig } from '../config/load.js';
import type { Context } from '../context.js';
import { ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import { createOutput } from '../ui/output.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function printWarnings(ctx: Context, warnings: readonly ConfigIssue[]): void {
  const { color } = createOutput(ctx);
  for (const w of warnings) {
    ctx.stderr.write(`${w.path}:${w.line}:${w.column}: ${color.yellow('warning:')} ${w.message}\n`);
    ctx.stderr.write(`  ${color.dim('→')} ${w.hint}\n`);
  }
}

/** Validates the config that --config, MPB_CONFIG or discovery finds. */
export async function runConfigValidate(
  ctx: Context,
  _options: Record<string, unknown> = {},
): Promise<number> {
  const out = createOutput(ctx);
  const result = await loadConfig({ configPath: ctx.config, env: ctx.env, cwd: ctx.cwd });
  if (!result.ok) {
    const [first] = result.errors as [ConfigIssue];
    if (result.missing) throw new UsageError(first.message, { hint: first.hint });
    if (!ctx.json) printWarnings(ctx, result.warnings);
    throw new ConfigError(result.errors);
  }
  const { config, warnings } = result;
  if (ctx.json) {
    out.json({ ok: true, file: config.file, builders: config.builders.map((b) => b.name), warnings });
    return 0;
  }
  printWarnings(ctx, warnings);
  const nodes = config.builders.reduce((n, b) => n + b.nodes.length, 0);
  const file = displayPath(config.file, ctx.cwd);
  out.result(
    `${out.color.green('✓')} ${file}: ${plural(config.builders.length, 'builder')}, ${plural(nodes, 'node')}`,
  );
  return 0;
}
