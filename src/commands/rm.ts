// mpb rm: remove declared builders (never one the config does not declare), and the BuildKit containers and
// volumes mpb runs for their local nodes. Asks first on a terminal; needs --yes elsewhere.
import { createInterface } from 'node:readline/promises';
import { parseVolumeList, volumeListArgs } from '../buildx/container-args.js';
import { containerNameOf } from '../buildx/container-names.js';
import { readLocalContainers } from '../buildx/containers.js';
import { detectVersion, readBuilders } from '../buildx/read.js';
import { expectOk } from '../buildx/run-result.js';
import type { Runner } from '../buildx/run-types.js';
import { findBuilder } from '../config/select.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import { helperNamesOf } from '../core/helper-builder.js';
import { planRemove } from '../core/plan-remove.js';
import type { ExecutedAction, Plan } from '../core/plan-types.js';
import { configOf, type Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { RmOptions } from '../options.js';
import { executeActions } from '../reconcile/execute.js';
import type { CommandResult } from '../run-command.js';
import { withLock } from '../state/lock.js';
import { removeBuilderPemFiles } from '../state/pem-files.js';
import { renderPlan } from '../ui/render-ensure.js';

// What docker and buildx say when the thing to remove is already gone (another run removed it meanwhile):
// buildx rm exits 1 (capture rm-missing: 0.10 `no builder "X" found`, 0.13+ `failed to remove X: no builder…`).
const ALREADY_GONE = /no builder ".*" found|No such container|no such volume/i;

function targetsOf(config: ResolvedConfig, names: readonly string[], options: RmOptions): BuilderSpec[] {
  if (options.all) return config.builders;
  if (names.length === 0) {
    throw new UsageError('name the builders to remove, or pass --all', { hint: 'run: mpb rm NAME... --yes' });
  }
  return names.map((name) => {
    const spec = findBuilder(config, name);
    if (!spec) {
      throw new UsageError(
        `builder "${name}" is not declared in ${config.file}: mpb only removes builders the config declares`,
        { hint: `To remove it anyway, run: docker buildx rm ${name}` },
      );
    }
    return spec;
  });
}

async function readVolumes(run: Runner, spec: BuilderSpec): Promise<Set<string>> {
  if (!spec.nodes.some((n) => n.local)) return new Set();
  // Every state volume of this builder starts with its containers' prefix (containerNameOf + `-state`).
  const r = expectOk(await run('docker', volumeListArgs(containerNameOf(spec.name, ''))), 'listing volumes');
  return new Set(parseVolumeList(r.stdout));
}

/** A runner for which "already gone" is success: the removal raced another run, and the result is the same. */
function tolerateGone(run: Runner, gone: string[]): Runner {
  return async (file, args, options) => {
    const r = await run(file, args, options);
    if (r.outcome.kind !== 'failed' || !ALREADY_GONE.test(r.stderr)) return r;
    gone.push(r.command);
    return { ...r, outcome: { kind: 'ok' } };
  };
}

async function confirm(deps: Pick<Deps, 'stderr'>, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: deps.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function planAll(run: Runner, targets: readonly BuilderSpec[], keepState: boolean): Promise<Plan[]> {
  const version = await detectVersion(run);
  const listed = await readBuilders(run, version);
  const actual = new Map(listed.map((b) => [b.name, b]));
  const names = listed.map((b) => b.name);
  return Promise.all(
    targets.map(async (spec) => {
      const [containers, volumes] = await Promise.all([
        readLocalContainers(run, spec),
        readVolumes(run, spec),
      ]);
      const nodes = [
        ...new Set([
          ...spec.nodes.map((n) => n.name),
          ...(actual.get(spec.name)?.nodes.map((n) => n.name) ?? []),
        ]),
      ];
      const helpers = helperNamesOf(spec.name, nodes, names);
      return planRemove(spec, actual.get(spec.name), { keepState, containers, volumes, helpers });
    }),
  );
}

/** --yes, or a "y" on a terminal; without a terminal mpb never guesses (exit 2). */
async function isConfirmed(
  deps: Pick<Deps, 'stderr'>,
  todo: readonly Plan[],
  shown: readonly string[],
): Promise<boolean> {
  const who = todo.map((p) => `"${p.builder}"`).join(', ');
  if (!process.stdin.isTTY) {
    throw new UsageError('mpb rm asks before removing anything, and stdin is not a terminal', {
      hint: `pass --yes to remove ${who} (--dry-run shows what would be removed)`,
    });
  }
  deps.stderr.write(`${shown.join('\n')}\n`);
  return confirm(deps, `Remove ${who}?`);
}

/** The folders of PEM files mpb wrote for these builders' tls text (state/pem-files.ts), removed with them. */
function removePemFolders(deps: Pick<Deps, 'env'>, targets: readonly BuilderSpec[]): string[] {
  return targets.flatMap((spec) => removeBuilderPemFiles(deps.env, spec.name) ?? []);
}

const removedLine = (out: Deps['out']) => (dir: string) =>
  `${out.color.green('✓')} removed ${dir} (the TLS files mpb wrote from PEM text)`;

export async function runRm(deps: Deps, names: string[], options: RmOptions): Promise<CommandResult> {
  const { out, run } = deps;
  const { config } = await configOf(deps);
  const targets = targetsOf(config, names, options);
  const plans = await planAll(run, targets, Boolean(options.keepState));
  const gone = plans.filter((p) => p.actions.length === 0).map((p) => p.builder);
  const todo = plans.filter((p) => p.actions.length > 0);
  const goneLines = gone.map((b) => `builder "${b}" is already gone; nothing to remove`);
  const lines = [...goneLines, ...todo.flatMap((p) => renderPlan(p, out.color))];

  const dryRun = Boolean(options.dryRun);
  if (dryRun) {
    if (deps.json)
      return { outcome: 'ok', data: { dryRun, plans, executed: [], alreadyGone: gone, raced: [] } };
    out.result([out.color.bold('Plan (dry run: nothing changed)'), ...lines].join('\n'));
    return { outcome: 'ok' };
  }
  if (todo.length === 0) {
    const pemFolders = removePemFolders(deps, targets);
    if (deps.json)
      return {
        outcome: 'ok',
        data: { dryRun, plans, executed: [], alreadyGone: gone, raced: [], pemFolders },
      };
    out.result([...lines, ...pemFolders.map(removedLine(out))].join('\n'));
    return { outcome: 'ok' };
  }
  if (!options.yes && !(await isConfirmed(deps, todo, lines))) {
    out.info('nothing removed');
    return { outcome: 'ok' };
  }

  const raced: string[] = [];
  const tolerant = tolerateGone(run, raced);
  const executed: ExecutedAction[] = [];
  for (const plan of todo) {
    const done = await withLock(deps.lock.dir, plan.builder, deps.lock, () =>
      executeActions(tolerant, plan.actions, out.step),
    );
    executed.push(...done);
  }
  const pemFolders = removePemFolders(deps, targets);
  if (deps.json)
    return { outcome: 'ok', data: { dryRun, plans, executed, alreadyGone: gone, raced, pemFolders } };
  const mark = (e: ExecutedAction) =>
    raced.includes(e.command) ? out.color.dim('- (already gone)') : out.color.green('✓');
  out.result(
    [
      ...goneLines,
      ...executed.map((e) => `${mark(e)} ${e.command}`),
      ...pemFolders.map(removedLine(out)),
    ].join('\n'),
  );
  return { outcome: 'ok' };
}
