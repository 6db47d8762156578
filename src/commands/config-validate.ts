// `mpb config validate`: exit 0 with a summary when the file is valid; every error as FILE:LINE:COL otherwise.
import { displayPath } from '../config/discover.js';
import type { Deps } from '../deps.js';
import { ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import type { NoOptions } from '../options.js';
import type { CommandResult } from '../run-command.js';
import { widthOf, wrapLine } from '../ui/table.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Unlike other commands, validate shows each warning with its hint: finding them is what it is for.
function printWarnings(deps: Deps, warnings: readonly ConfigIssue[]): void {
  const { color } = deps.out;
  // On a terminal, wrapped at spaces to its width like errors (ui/report-error.ts); whole for pipes.
  const width = widthOf(deps.stderr);
  for (const w of warnings) {
    const where = `${w.path}:${w.line}:${w.column}: `;
    const line = wrapLine(`${where}warning: ${w.message}`, width, '  ').join('\n');
    deps.stderr.write(`${where}${color.yellow('warning:')}${line.slice(where.length + 'warning:'.length)}\n`);
    deps.stderr.write(`${wrapLine(`  ${color.dim('→')} ${w.hint}`, width, '    ').join('\n')}\n`);
  }
}

/** Validates the config that --config, MPB_CONFIG or discovery finds. */
export async function runConfigValidate(deps: Deps, _options: NoOptions): Promise<CommandResult> {
  const { out } = deps;
  const result = await deps.loadConfig();
  if (!result.ok) {
    const [first] = result.errors as [ConfigIssue];
    if (result.missing) throw new UsageError(first.message, { hint: first.hint });
    if (!deps.json) printWarnings(deps, result.warnings);
    throw new ConfigError(result.errors);
  }
  const { config, warnings } = result;
  const data = { file: config.file, builders: config.builders.map((b) => b.name), warnings };
  if (deps.json) return { outcome: 'ok', data };
  printWarnings(deps, warnings);
  const nodes = config.builders.reduce((n, b) => n + b.nodes.length, 0);
  const file = displayPath(config.file, deps.cwd);
  out.result(
    `${out.color.green('✓')} ${file}: ${plural(config.builders.length, 'builder')}, ${plural(nodes, 'node')}`,
  );
  return { outcome: 'ok' };
}
