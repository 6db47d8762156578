// mpb ensure-builder: make buildx match the config, bootstrap, prove every node; exit code = health.
import { createRunner } from '../buildx/exec.js';
import { detectVersion } from '../buildx/read.js';
import { requireConfig } from '../config/load.js';
import { findBuilder, selectBuilder } from '../config/select.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { ensureDepsOf } from '../reconcile/deps.js';
import { type EnsureReport, ensureBuilder } from '../reconcile/ensure.js';
import { createOutput } from '../ui/output.js';
import { renderEnsure } from '../ui/render-ensure.js';

export interface EnsureBuilderOptions {
  builder?: string;
  all?: boolean;
  dryRun?: boolean;
  prune?: boolean;
  recreate?: boolean;
  allowDegraded?: boolean;
  /** Seconds. */
  probeTimeout: number;
  /** Seconds. */
  timeout: number;
}

function targetsOf(
  config: ResolvedConfig,
  names: string[],
  options: EnsureBuilderOptions,
  ctx: Context,
): BuilderSpec[] {
  if (options.all) return config.builders;
  if (names.length === 0) return [selectBuilder(config, { flag: options.builder, env: ctx.env })];
  return names.map((name) => {
    const spec = findBuilder(config, name);
    if (!spec) {
      throw new UsageError(`builder "${name}" is not declared in ${config.file}`, {
        hint: `mpb only manages declared builders: ${config.builders.map((b) => b.name).join(', ')}`,
      });
    }
    return spec;
  });
}

export async function runEnsureBuilder(
  ctx: Context,
  names: string[],
  options: EnsureBuilderOptions,
): Promise<number> {
  const out = createOutput(ctx);
  const { config, warnings } = await requireConfig(ctx);
  for (const w of warnings) out.warn(`${w.path}:${w.line}:${w.column}: ${w.message}`);
  const targets = targetsOf(config, names, options, ctx);
  const run = createRunner({
    env: ctx.env,
    echo: ctx.verbose ? (c) => ctx.stderr.write(`$ ${c}\n`) : undefined,
  });
  const version = detectVersion(run);
  const reports: EnsureReport[] = [];
  for (const spec of targets) {
    const report = await ensureBuilder(
      {
        spec,
        dryRun: Boolean(options.dryRun),
        prune: Boolean(options.prune),
        recreate: Boolean(options.recreate),
        allowDegraded: Boolean(options.allowDegraded),
        bootstrapTimeoutMs: options.timeout * 1000,
      },
      ensureDepsOf(ctx, run, version, {
        probeTimeoutSeconds: options.probeTimeout,
        onProgress: (text) => out.info(`${text}...`),
      }),
    );
    reports.push(report);
    if (!ctx.json) out.result(renderEnsure(report, out.color).join('\n'));
    const down = report.health?.nodes.filter((n) => n.verdict.result === 'down').map((n) => n.node) ?? [];
    if (report.exitCode === 0 && down.length > 0) {
      out.warn(
        `builder "${spec.name}" is degraded: ${down.join(', ')} down; every declared platform is still served`,
      );
    }
  }
  const exitCode = Math.max(0, ...reports.map((r) => r.exitCode));
  if (ctx.json) out.json({ ok: exitCode === 0, buildx: (await version).raw, builders: reports });
  return exitCode;
}
