// mpb doctor: docker, buildx, the config, then every node at once; each line ✓ or ✗ with the fix. A builder
// named on the command line that the config does not declare is checked as buildx has it.

import { TIMEOUT_MS } from '../buildx/exec.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { parseBootstrapErrors } from '../buildx/parse/bootstrap-errors.js';
import { detectVersion, readBuilder, readBuilders } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import { helperOwnerOf } from '../core/helper-builder.js';
import { declarationMismatches } from '../core/platforms.js';
import { type Deps, optionalConfigOf } from '../deps.js';
import { DRIVERS } from '../drivers/registry.js';
import { BuildxFailedError, ConfigError, isMpbError, UsageError } from '../errors.js';
import type { DoctorOptions } from '../options.js';
import { probeActual } from '../probe/buildx-nodes.js';
import {
  type Check,
  checkDockerCli,
  emulationChecks,
  fail,
  pass,
  probeChecks,
  warning,
} from '../probe/checklist.js';
import { probeBuilders } from '../probe/node.js';
import { registryChecks } from '../probe/registry-reach.js';
import type { ProbeResult } from '../probe/types.js';
import type { CommandResult } from '../run-command.js';
import { layoutOf, type Output } from '../ui/output.js';
import { wrapLine } from '../ui/table.js';

const errorDetail = (e: unknown) => (e instanceof Error ? e.message : String(e));
const errorFix = (e: unknown, fallback: string) => (isMpbError(e) && e.hint ? e.hint : fallback);

async function checkBuildx(run: Runner): Promise<{ check: Check; version?: BuildxVersion }> {
  try {
    const version = await detectVersion(run);
    return { check: pass('buildx', 'buildx', `${version.raw} (0.10 or newer needed)`), version };
  } catch (e) {
    return {
      check: fail(
        'buildx',
        'buildx.unusable',
        'buildx',
        errorDetail(e),
        errorFix(e, 'Install buildx 0.10 or newer.'),
      ),
    };
  }
}

async function checkConfig(deps: Deps): Promise<{ check: Check; config?: ResolvedConfig; missing?: true }> {
  try {
    const loaded = await optionalConfigOf(deps);
    if (!loaded) {
      const detail =
        "no config file found: buildx's builders are checked as undeclared ones (mpb init --from BUILDER writes one)";
      return { check: pass('config', 'config', detail), missing: true };
    }
    const { config, warnings } = loaded;
    const nodes = config.builders.reduce((n, b) => n + b.nodes.length, 0);
    const noted =
      warnings.length > 0
        ? `; ${warnings.length} warning(s): ${warnings.map((w) => w.message).join('; ')}`
        : '';
    return {
      check: pass(
        'config',
        'config',
        `${config.file}: ${config.builders.length} builder(s), ${nodes} node(s)${noted}`,
      ),
      config,
    };
  } catch (e) {
    const fix =
      e instanceof ConfigError
        ? e.issues.map((i) => i.hint).join(' ')
        : errorFix(e, 'Run: mpb config validate');
    return {
      check: fail('config', 'config.invalid', 'config', errorDetail(e), fix || 'Run: mpb config validate'),
    };
  }
}

/** The declared builders named (all without names), and the names the config does not declare. */
function selectBuilders(config: ResolvedConfig | undefined, names: readonly string[]) {
  const declared = config?.builders ?? [];
  if (names.length === 0) return { selected: declared, undeclared: [] };
  return {
    selected: declared.filter((b) => names.includes(b.name)),
    undeclared: names.filter((n) => !declared.some((b) => b.name === n)),
  };
}

/** Every builder buildx has but mpb's own helpers (split builds); none when buildx cannot list them (its check says why). */
async function buildxBuilderNames(run: Runner): Promise<string[]> {
  const version = await detectVersion(run).catch(() => undefined);
  if (!version) return [];
  const names = await readBuilders(run, version).then(
    (builders) => builders.map((b) => b.name),
    () => [],
  );
  return names.filter((n) => !helperOwnerOf(n, names));
}

/** A name read from buildx: the builder, none by that name, or why buildx could not show it. */
type ReadName = { name: string; builder: BuildxBuilder | undefined; error: string | undefined };

/**
 * Each name from buildx (`inspect`); one buildx does not know either is a usage error. Without a config or a
 * usable buildx, their own ✗ lines already say what is wrong, so the names are left out instead.
 */
async function readUndeclared(
  run: Runner,
  names: readonly string[],
  config: ResolvedConfig | undefined,
): Promise<ReadName[]> {
  if (names.length === 0) return [];
  const version = await detectVersion(run).catch(() => undefined);
  if (!version) return [];
  const found = await Promise.all(
    names.map((name) =>
      readBuilder(run, version, name).then(
        (builder): ReadName => ({ name, builder, error: undefined }),
        (e: unknown): ReadName => ({ name, builder: undefined, error: errorDetail(e) }),
      ),
    ),
  );
  const unknown = found.filter((f) => !f.builder && f.error === undefined).map((f) => f.name);
  if (unknown.length > 0 && config) {
    throw new UsageError(`no builder named ${unknown.join(', ')} in ${config.file}`, {
      hint: `Declared: ${config.builders.map((b) => b.name).join(', ') || 'none'}`,
    });
  }
  return found.filter((f) => f.builder || f.error !== undefined);
}

/**
 * An undeclared builder's checks: every node probed as buildx stores it (running ones too: doctor wants their
 * TLS facts), and a builder buildx cannot load as its own ✗ unless a probe already says why.
 */
async function undeclaredChecks(run: Runner, read: ReadName, timeoutMs: number): Promise<Check[]> {
  const { builder } = read;
  if (!builder) {
    const detail = `buildx cannot inspect it: ${read.error}`;
    const fix = `See: docker buildx inspect ${read.name}`;
    return [fail(`builder:${read.name}`, 'builder.bootstrap-failed', `builder ${read.name}`, detail, fix)];
  }
  const probes = await probeActual(builder, timeoutMs, { run, recheckRunning: true });
  const checks = probes.flatMap(probeChecks);
  if (builder.error !== undefined && !probes.some((p) => p.state === 'down')) {
    checks.unshift(
      fail(
        `builder:${builder.name}`,
        'builder.bootstrap-failed',
        `builder ${builder.name}`,
        `buildx cannot load it: ${builder.error}`,
        `See: docker buildx inspect ${builder.name}`,
      ),
    );
  }
  return checks;
}

/** A bootstrap error the builder's driver can name (a missing namespace, pods not ready) as its own check. */
function diagnosedBootstrap(b: BuilderSpec, e: unknown): Check | undefined {
  if (!(e instanceof BuildxFailedError)) return undefined;
  for (const error of parseBootstrapErrors(e.stderr)) {
    const node =
      b.nodes.find((n) => n.name === error.node) ?? (b.nodes.length === 1 ? b.nodes[0] : undefined);
    const found = DRIVERS[b.driver].diagnose(error.message, {
      node: node?.name ?? b.name,
      driverOpts: node?.driverOpts ?? {},
    });
    if (found) return fail(`builder:${b.name}`, found.code, `builder ${b.name}`, found.why, found.fix);
  }
  return undefined;
}

/** --bootstrap: builders whose nodes are all up are bootstrapped, then their `emulate` platforms checked. */
async function bootstrapChecks(
  builders: readonly BuilderSpec[],
  probes: readonly ProbeResult[],
  run: Runner,
  version: BuildxVersion,
  timeoutMs: number,
): Promise<Check[]> {
  const jobs = builders
    .filter((b) => b.nodes.some((n) => n.emulate.length > 0))
    .map(async (b) => {
      const down = probes.filter((p) => p.builder === b.name && p.state === 'down').map((p) => p.node);
      if (down.length > 0) {
        const fix = `Fix ${down.join(', ')} (above), then run: mpb doctor ${b.name} --bootstrap`;
        return [
          fail(
            `builder:${b.name}`,
            'builder.not-bootstrapped',
            `builder ${b.name}`,
            `not bootstrapped: ${down.join(', ')} down`,
            fix,
          ),
        ];
      }
      try {
        const actual = await readBuilder(run, version, b.name, {
          bootstrap: true,
          timeoutMs: TIMEOUT_MS.bootstrap,
        });
        return await emulationChecks(b, actual, { run, timeoutMs });
      } catch (e) {
        const named = diagnosedBootstrap(b, e);
        if (named) return [named];
        return [
          fail(
            `builder:${b.name}`,
            'builder.bootstrap-failed',
            `builder ${b.name}`,
            errorDetail(e),
            errorFix(e, `Run: mpb ensure-builder ${b.name}`),
          ),
        ];
      }
    });
  return (await Promise.all(jobs)).flat();
}

/**
 * Declared-native platforms that a node's hardware emulates, by what its probe heard it say (its worker list, its
 * Docker host): a warning each, with what to write instead (core/platforms.ts declarationMismatches).
 */
function nativeChecks(selected: readonly BuilderSpec[], probes: readonly ProbeResult[]): Check[] {
  return selected.flatMap((b) =>
    b.nodes.flatMap((n) => {
      const probe = probes.find((p) => p.builder === b.name && p.node === n.name);
      const native = probe?.state === 'up' ? probe.native : undefined;
      if (!probe || !native) return [];
      return declarationMismatches(n.name, n, native).map((m) =>
        warning(
          `node:${b.name}/${n.name}:native`,
          'platform.emulated',
          `${b.name}/${n.name} (${probe.endpoint})`,
          m.message.replace(/; write it.*$/, ''),
          `Write ${m.platform} under emulate: in ${b.name}'s node ${n.name}, or declare platforms: [${native.platforms.join(', ')}]`,
        ),
      );
    }),
  );
}

/**
 * A declared builder buildx does not have yet: nothing is broken, but ensure-builder (or a build) has yet to
 * create it; said so, with the command. None when buildx cannot list its builders (its own check says why).
 */
async function absentBuilders(run: Runner, selected: readonly BuilderSpec[]): Promise<Check[]> {
  if (selected.length === 0) return [];
  const version = await detectVersion(run).catch(() => undefined);
  if (!version) return [];
  const present = await readBuilders(run, version).then(
    (builders) => new Set(builders.map((b) => b.name)),
    () => undefined,
  );
  if (!present) return [];
  return selected
    .filter((b) => !present.has(b.name))
    .map((b) =>
      warning(
        `builder:${b.name}`,
        'builder.absent',
        `builder ${b.name}`,
        'declared, but buildx has no builder by this name yet',
        `Create it: mpb ensure-builder ${b.name}   (mpb build creates it too)`,
      ),
    );
}

function render(out: Output, checks: readonly Check[], width: number | undefined): void {
  for (const c of checks) {
    const mark = !c.ok ? out.color.red('✗') : c.warning ? out.color.yellow('!') : out.color.green('✓');
    // A failure or warning says its code (probe/codes.ts), as ensure-builder, build and ls do.
    const code = !c.ok || c.warning ? ` [${c.code}]` : '';
    out.result(wrapLine(`${mark} ${out.color.bold(c.title)}: ${c.detail}${code}`, width, '    ').join('\n'));
    if (c.fix) out.result(wrapLine(`    ${out.color.dim('→')} ${c.fix}`, width, '      ').join('\n'));
  }
  const failed = checks.filter((c) => !c.ok).length;
  const warned = checks.filter((c) => c.warning).length;
  const warnings = warned === 0 ? '' : ` (${warned} warning${warned === 1 ? '' : 's'})`;
  out.result(
    failed === 0
      ? `all ${checks.length} checks passed${warnings}`
      : `${failed} of ${checks.length} checks failed${warnings}`,
  );
}

/** Runs every check (failures do not stop the others) and exits 0 when all pass, 3 otherwise. */
export async function runDoctor(
  deps: Deps,
  builders: string[],
  options: DoctorOptions,
): Promise<CommandResult> {
  const { run } = deps;
  const timeoutMs = options.probeTimeout * 1000;
  const configured = (async () => {
    const loaded = await checkConfig(deps);
    // No config file: every builder buildx has is checked as an undeclared one.
    const names = builders.length === 0 && loaded.missing ? await buildxBuilderNames(run) : builders;
    const { selected, undeclared } = selectBuilders(loaded.config, names);
    const [probes, others, absent, registries] = await Promise.all([
      probeBuilders(selected, { timeoutMs, run }),
      readUndeclared(run, undeclared, loaded.config).then((found) =>
        Promise.all(found.map((b) => undeclaredChecks(run, b, timeoutMs))),
      ),
      absentBuilders(run, selected),
      registryChecks(selected, timeoutMs),
    ]);
    return { loaded, selected, probes, others: others.flat(), absent, registries };
  })();
  const [docker, buildx, { loaded, selected, probes, others, absent, registries }] = await deps.out.step(
    'checking docker, buildx, the config and every endpoint',
    () => Promise.all([checkDockerCli(run, timeoutMs), checkBuildx(run), configured]),
    { plainLine: false },
  );
  const checks = [
    docker,
    buildx.check,
    loaded.check,
    ...probes.flatMap(probeChecks),
    ...nativeChecks(selected, probes),
    ...others,
    ...absent,
    ...registries,
  ];
  if (options.bootstrap && buildx.version) {
    const version = buildx.version;
    const booted = await deps.out.step(
      'bootstrapping each builder to check its emulated platforms',
      () => bootstrapChecks(selected, probes, run, version, timeoutMs),
      { plainLine: false },
    );
    checks.push(...booted);
  }
  const outcome = checks.every((c) => c.ok) ? 'ok' : 'unhealthy';
  if (deps.json) return { outcome, data: { checks } };
  render(deps.out, checks, layoutOf(deps.out, options.wide).width);
  return { outcome };
}
