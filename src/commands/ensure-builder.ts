// mpb ensure-builder: make buildx match the config, bootstrap, prove every node; exit code = health.
import { detectVersion } from '../buildx/read.js';
import { currentChoice } from '../config/current.js';
import {
  type BuilderChoice,
  choiceLine,
  chosenBuilder,
  declaredChoice,
  findBuilder,
} from '../config/select.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import { configOf, type Deps, warnAbout } from '../deps.js';
import { UsageError } from '../errors.js';
import type { EnsureBuilderOptions } from '../options.js';
import { ensureDepsOf } from '../reconcile/deps.js';
import { type EnsureReport, ensureBuilder } from '../reconcile/ensure.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf } from '../ui/output.js';
import { renderEnsure } from '../ui/render-ensure.js';

/** The builders named, or all, or the one chosen (config/select.ts) with where its name came from. */
async function targetsOf(
  deps: Deps,
  config: ResolvedConfig,
  names: string[],
  options: EnsureBuilderOptions,
): Promise<{ specs: BuilderSpec[]; choice?: BuilderChoice }> {
  if (options.all) return { specs: config.builders };
  if (names.length === 0) {
    const choice =
      chosenBuilder(config, { flag: options.builder, env: deps.env }) ??
      (await currentChoice(deps.run, config.file)).choice;
    const spec = declaredChoice(config, choice);
    deps.stderr.write(`${choiceLine(choice)}\n`);
    return { specs: [spec], choice };
  }
  const specs = names.map((name) => {
    const spec = findBuilder(config, name);
    if (!spec) {
      throw new UsageError(`builder "${name}" is not declared in ${config.file}`, {
        hint: `mpb only manages declared builders: ${config.builders.map((b) => b.name).join(', ')}`,
      });
    }
    return spec;
  });
  return { specs };
}

export async function runEnsureBuilder(
  deps: Deps,
  names: string[],
  options: EnsureBuilderOptions,
): Promise<CommandResult> {
  const { out } = deps;
  // `buildx version` (when not remembered) answers while the config loads; a bad config is still the error.
  const version = detectVersion(deps.run, deps.env);
  version.catch(() => {}); // awaited by ensureBuilder; a config error must not leave it unhandled
  const loaded = await configOf(deps);
  const { config } = loaded;
  const { specs: targets, choice } = await targetsOf(deps, config, names, options);
  warnAbout(
    deps,
    loaded,
    targets.map((t) => t.name),
  );
  const reports: EnsureReport[] = [];
  for (const spec of targets) {
    const { report } = await ensureBuilder(
      {
        spec,
        dryRun: Boolean(options.dryRun),
        prune: Boolean(options.prune),
        recreate: Boolean(options.recreate),
        allowDegraded: Boolean(options.allowDegraded),
        bootstrapTimeoutMs: options.timeout * 1000,
      },
      ensureDepsOf(deps, version, {
        probeTimeoutSeconds: options.probeTimeout,
        onProgress: (text) => out.info(`${text}...`),
      }),
    );
    reports.push(report);
    if (!deps.json) {
      out.result(renderEnsure(report, out.color, layoutOf(out, options.wide)).join('\n'));
    }
    const down = report.health?.nodes.filter((n) => n.verdict.result === 'down').map((n) => n.node) ?? [];
    if (report.outcome === 'ok' && down.length > 0) {
      out.warn(
        `builder "${spec.name}" is degraded: ${down.join(', ')} down; every declared platform is still served`,
      );
    }
  }
  const outcome = reports.every((r) => r.outcome === 'ok') ? 'ok' : 'unhealthy';
  if (deps.json)
    return {
      outcome,
      data: { buildx: (await version).raw, builderFrom: choice?.from ?? null, builders: reports },
    };
  return { outcome };
}
