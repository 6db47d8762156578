// `docker buildx create` incl. --append, --leave and --node update in place: store/nodegroup.go Update and
// builder/builder.go Create at v0.13.1, commands/create.go at v0.10.5. Captures create-*, append-*, leave.
import { bootBuilder } from './boot.mjs';
import { loadConfigFiles } from './buildkitd-config.mjs';
import { buildkitdFlags, driverInitError, parseDriverOpts, validateName } from './create-options.mjs';
import { driverOf, REMOTE_SCHEMES } from './drivers.mjs';
import { parseFlags } from './flags.mjs';
import { nowIso } from './gofmt.mjs';
import { parsePlatformFlags } from './platforms.mjs';
import { CliError, hang } from './runtime.mjs';
import { updateState } from './state.mjs';
import { nodeRuntime } from './workers.mjs';

/** NodeGroup.Update: add a node, or change the named one in place (with the restart WARNING). */
function updateNodes(ng, opts, warn) {
  const i = ng.nodes.findIndex((n) => n.name === opts.nodeName);
  if (i === -1 && !opts.append && ng.nodes.length > 0)
    throw new CliError(`node ${opts.nodeName} not found, did you mean to append?`);
  let idx = i;
  if (i !== -1) {
    const n = ng.nodes[i];
    let restart = false;
    if (opts.setEp) [n.endpoint, restart] = [opts.ep, true];
    if (opts.platforms.length) n.platforms = opts.platforms;
    if (opts.flags) [n.flags, restart] = [opts.flags, true];
    if (opts.driverOpts) [n.driverOpts, restart] = [opts.driverOpts, true];
    if (opts.files) [n.files, restart] = [{ ...n.files, ...opts.files }, true];
    if (restart) warn('new settings may not be used until builder is restarted');
  } else {
    let name = opts.nodeName;
    for (let k = 0; !name; k++)
      if (!ng.nodes.some((n) => n.name === `${ng.name}${k}`)) name = `${ng.name}${k}`;
    ng.nodes.push({
      name: validateName(name),
      endpoint: opts.ep,
      platforms: opts.platforms,
      driverOpts: opts.driverOpts,
      flags: opts.flags,
      files: opts.files,
    });
    idx = ng.nodes.length - 1;
  }
  if (opts.ep && ng.nodes.filter((n) => n.endpoint === opts.ep).length > 1)
    throw new CliError(`invalid duplicate endpoint ${opts.ep}`);
  // Pins are exclusive: pinning P here unpins it everywhere else (nodegroup.go validateDuplicates).
  const pinned = new Set(ng.nodes[idx].platforms);
  ng.nodes.forEach((n, j) => {
    if (j !== idx) n.platforms = n.platforms.filter((p) => !pinned.has(p));
  });
}

function createInStore(ctx, state, o, warn) {
  const { caps } = ctx.version;
  if (o.name === 'default')
    throw new CliError('default is a reserved name and cannot be used to identify builder instance');
  if (o.append && !o.name) {
    if (caps.appendMissingIsError) throw new CliError('append requires a builder name');
    warn('append used without name, creating a new instance instead');
  }
  const name = validateName(o.name || `builder-${Math.random().toString(36).slice(2, 8)}`);
  const existing = state.builders[name];
  if (!existing && o.append && o.name) {
    if (caps.appendMissingIsError) throw new CliError(`failed to find instance "${o.name}" for append`);
    warn(`failed to find "${o.name}" for append, creating a new instance instead`);
  }
  const isRemoteUrl =
    o.endpoint && REMOTE_SCHEMES.includes(o.endpoint.split('://')[0]) && o.endpoint.includes('://');
  const driver = o.driver || existing?.driver || (isRemoteUrl ? 'remote' : 'docker-container');
  if (existing) {
    if (!o.nodeName && !o.append)
      throw new CliError(
        `existing instance for "${name}" but no append mode, specify ${caps.treeLs ? 'the node name' : '--node'} to make changes for existing instances`,
      );
    if (driver !== existing.driver)
      throw new CliError(`existing instance for "${name}" but has mismatched driver "${existing.driver}"`);
  }
  const entry = driverOf(driver);
  if (!entry) throw new CliError(`failed to find driver "${driver}"`);
  if (!entry.creatable) throw new CliError(`additional instances of driver "${driver}" cannot be created`);
  const original = existing ? structuredClone(existing) : undefined;
  const ng = existing ?? { name, driver, nodes: [], lastActivity: nowIso() };
  const driverOpts = parseDriverOpts(o.driverOpts);
  const { ep, setEp } = entry.endpoint(o.endpoint);
  updateNodes(
    ng,
    {
      nodeName: o.nodeName,
      append: o.append,
      ep,
      setEp,
      platforms: parsePlatformFlags(o.platforms),
      flags: buildkitdFlags(ctx, o.buildkitdFlags, driver, driverOpts),
      driverOpts,
      files: loadConfigFiles(o.config),
    },
    warn,
  );
  if (entry.nodeEndpoint)
    for (const node of ng.nodes) node.endpoint = entry.nodeEndpoint(name, node, ctx.env);
  state.builders[name] = ng;
  // buildx saves, loads the nodes, and rolls back if a driver cannot be initialised.
  for (const node of ng.nodes) {
    const err = driverInitError(ctx, driver, node) ?? nodeRuntime(ctx, state, ng, node).err;
    if (err) {
      if (original) state.builders[name] = original;
      else delete state.builders[name];
      throw new CliError(`failed to initialize builder ${name} (${node.name}): ${err}`);
    }
  }
  if (o.use && ep) state.current = name;
  return name;
}

function leave(ctx, state, o) {
  if (!o.name) throw new CliError('leave requires instance name');
  if (!o.nodeName)
    throw new CliError(
      ctx.version.caps.treeLs ? 'leave requires node name' : 'leave requires node name but --node not set',
    );
  const ng = state.builders[o.name];
  if (!ng) throw new CliError(`failed to find instance "${o.name}" for leave`);
  const i = ng.nodes.findIndex((n) => n.name === o.nodeName);
  if (i === -1) throw new CliError(`node "${o.nodeName}" not found for ${o.name}`);
  if (ng.nodes.length === 1)
    throw new CliError('can not leave last node, do you want to rm instance instead?');
  ng.nodes.splice(i, 1);
}

export async function runCreate(ctx, argv) {
  const caps = ctx.version.caps;
  const { flags, args } = parseFlags(
    argv,
    {
      bool: ['append', 'leave', 'use', 'bootstrap'],
      string: [
        'name',
        'driver',
        'node',
        'buildkitd-flags',
        'config',
        ...(caps.treeLs ? ['buildkitd-config', 'timeout'] : []),
      ],
      array: ['platform', 'driver-opt'],
    },
    'create',
  );
  if (args.length > 1) throw new CliError(`"docker buildx create" requires at most 1 argument.`);
  const o = {
    name: flags.name,
    driver: flags.driver,
    nodeName: flags.node,
    platforms: flags.platform ?? [],
    driverOpts: flags['driver-opt'],
    buildkitdFlags: flags['buildkitd-flags'],
    config: flags['buildkitd-config'] ?? flags.config,
    append: flags.append,
    use: flags.use,
    endpoint: args[0],
  };
  const warn = (m) => ctx.stderr(`WARNING: ${m}\n`);
  if (flags.leave) {
    updateState((state) => leave(ctx, state, o), ctx.env);
    if (caps.leavePrintsName) ctx.stdout(`${o.name}\n`);
    return 0;
  }
  const name = updateState((state) => createInStore(ctx, state, o, warn), ctx.env);
  if (flags.bootstrap) {
    const boot = await bootBuilder(ctx, name);
    if (boot.hang) await hang();
    ctx.stderr(boot.stderr);
    if (boot.error) throw new CliError(boot.error);
  }
  ctx.stdout(`${name}\n`);
  return 0;
}
