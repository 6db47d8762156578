// The small buildx commands: version, ls, inspect, rm, use, stop (commands/*.go at v0.10.5, v0.13.1, v0.29.1).
import { join } from 'node:path';
import { bootBuilder } from './boot.mjs';
import { DRIVERS } from './drivers.mjs';
import { parseFlags } from './flags.mjs';
import { formatInspect } from './format-inspect.mjs';
import { formatLs } from './format-ls.mjs';
import { builderNameFor, loadBuilder, loadBuilders } from './model.mjs';
import { CliError, hang } from './runtime.mjs';
import { dockerConfigDir, readState, updateState } from './state.mjs';
import { containerNameOf } from './workers.mjs';

export function runVersion(ctx, argv) {
  parseFlags(argv, {}, 'version');
  ctx.stdout(`${ctx.version.line}\n`);
  return 0;
}

export function runLs(ctx, argv) {
  const caps = ctx.version.caps;
  const { flags } = parseFlags(
    argv,
    { string: caps.treeLs ? ['format'] : [], bool: caps.truncPlatforms ? ['no-trunc'] : [] },
    'ls',
  );
  const format = flags.format ?? 'table';
  if (format !== 'table' && format !== 'json')
    throw new CliError(`fake buildx: --format ${format} is not implemented`);
  const state = readState(ctx.env);
  const out = formatLs(loadBuilders(ctx, state), state.current ?? 'default', ctx.version, {
    format,
    noTrunc: flags['no-trunc'],
  });
  ctx.stdout(out.stdout);
  ctx.stderr(out.stderr);
  return 0;
}

export async function runInspect(ctx, argv) {
  const { flags, args } = parseFlags(argv, { bool: ['bootstrap'], string: ['timeout'] }, 'inspect');
  const name = builderNameFor(ctx, readState(ctx.env), args[0], flags);
  let b = loadBuilder(ctx, readState(ctx.env), name);
  if (flags.bootstrap) {
    const boot = await bootBuilder(ctx, name);
    if (boot.hang) {
      // buildx 0.10 prints the builder, then keeps polling the dead node (capture inspect-dead-bootstrap).
      ctx.stdout(formatInspect(b, ctx.version));
      await ctx.flush();
      await hang();
    }
    ctx.stderr(boot.stderr);
    if (boot.error) throw new CliError(boot.error);
    b = loadBuilder(ctx, readState(ctx.env), name);
    // docker/buildx#1935: right after booting, a newer buildx may print a node it just started as `inactive`.
    if (boot.stale?.length)
      b = {
        ...b,
        nodes: b.nodes.map((n) =>
          boot.stale.includes(n.name) ? { ...n, status: 'inactive', running: false } : n,
        ),
      };
  }
  ctx.stdout(formatInspect(b, ctx.version));
  return 0;
}

function removeBuilder(state, name, flags) {
  const ng = state.builders[name];
  if (!ng) {
    if (name === 'default')
      throw new CliError(
        'context builder cannot be removed, run `docker context rm default` to remove this context',
      );
    throw new CliError(`no builder "${name}" found`);
  }
  if (DRIVERS[ng.driver].nodeContainer) {
    for (const node of ng.nodes) {
      const container = containerNameOf(node);
      if (!flags['keep-daemon']) delete state.containers[container];
      if (!flags['keep-state']) delete state.volumes[`${container}_state`];
    }
  }
  // `rm` deletes a kubernetes node's Deployment (driver.go Rm), unless --keep-daemon.
  if (DRIVERS[ng.driver].runtime === 'cluster' && state.cluster && !flags['keep-daemon'])
    for (const node of ng.nodes) delete state.cluster.deployments?.[node.name];
  delete state.builders[name];
  if (state.current === name) state.current = null;
}

export function runRm(ctx, argv) {
  const caps = ctx.version.caps;
  const { flags, args } = parseFlags(
    argv,
    {
      bool: ['keep-state', 'keep-daemon', 'all-inactive', 'force'],
      string: ['timeout'],
      short: { f: 'force' },
    },
    'rm',
  );
  if (!caps.treeLs) {
    if (args.length > 1) throw new CliError('"docker buildx rm" requires at most 1 argument.');
    const name = builderNameFor(ctx, readState(ctx.env), args[0], flags);
    updateState((state) => removeBuilder(state, name, flags), ctx.env);
    ctx.stderr(`${name} removed\n`);
    return 0;
  }
  // 0.13+: each name independently, `<name> removed` or `failed to remove <name>: <err>` (capture rm-missing).
  const literal = args.length ? args : [flags.builder ?? ''];
  let failed = false;
  for (const arg of literal) {
    try {
      const name = builderNameFor(ctx, readState(ctx.env), arg, {});
      updateState((state) => removeBuilder(state, name, flags), ctx.env);
      ctx.stderr(`${arg} removed\n`);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      ctx.stderr(`failed to remove ${arg}: ${e.message}\n`);
      failed = true;
    }
  }
  if (failed) throw new CliError('failed to remove one or more builders');
  return 0;
}

export function runUse(ctx, argv) {
  const { args } = parseFlags(argv, { bool: ['default', 'global'] }, 'use');
  if (args.length !== 1) throw new CliError('"docker buildx use" requires exactly 1 argument.');
  const name = args[0].toLowerCase();
  updateState((state) => {
    if (name === 'default') state.current = null;
    else if (!state.builders[name])
      throw new CliError(
        `failed to find instance "${name}": open ${join(dockerConfigDir(ctx.env), 'buildx', 'instances', name)}: no such file or directory`,
      );
    else state.current = name;
  }, ctx.env);
  return 0;
}

export function runStop(ctx, argv) {
  const { flags, args } = parseFlags(argv, {}, 'stop');
  const name = builderNameFor(ctx, readState(ctx.env), args[0], flags);
  loadBuilder(ctx, readState(ctx.env), name);
  updateState((state) => {
    const ng = state.builders[name];
    if (!ng || !DRIVERS[ng.driver].nodeContainer) return;
    for (const node of ng.nodes) {
      const c = state.containers[containerNameOf(node)];
      if (c) c.State = { ...c.State, Status: 'exited', Running: false, Pid: 0 };
    }
  }, ctx.env);
  return 0;
}
