// Container commands of the fake engine: create (recording name, image, privileged, labels, mounts, network, args), start,
// stop, rm, inspect (JSON array, or `--format`), ps, and `exec NAME buildctl debug workers`. Messages are docker
// CLI 28's; inspect output keeps the Engine API's field names.
import { existsSync } from 'node:fs';
import { containerRecord, ensureVolumes } from './containers.mjs';
import { tabwrite } from './tabwriter.mjs';
import { renderTemplate } from './template.mjs';
import { workerFor } from './workers.mjs';

export class DockerError extends Error {
  constructor(message, code = 1, stdout = '') {
    super(message);
    Object.assign(this, { code, stdout });
  }
}

/** Splits docker-style options (`--name x`, `--name=x`, `-v x`, bools) from positionals; stops at the first positional when `stopAtArg`. */
export function options(argv, { bools = [], shorts = {}, stopAtArg = false }) {
  const opts = {};
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') {
      if (stopAtArg) return { opts, args: [...args, ...argv.slice(i)] };
      args.push(a);
      continue;
    }
    let [key, value] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    key = shorts[key] ?? key.replace(/^--?/, '');
    if (bools.includes(key)) opts[key] = value === undefined ? true : value !== 'false';
    else opts[key] = [...(opts[key] ?? []), value ?? argv[++i]];
  }
  return { opts, args };
}

export const last = (list) => list?.[list.length - 1];

export function find(state, name) {
  return state.containers[name] ?? Object.values(state.containers).find((c) => c.Id.startsWith(name));
}

function parseMount(spec) {
  const kv = Object.fromEntries(
    spec.split(',').map((p) => (p.includes('=') ? p.split(/=(.*)/s).slice(0, 2) : [p, 'true'])),
  );
  return {
    type: kv.type ?? 'volume',
    source: kv.source ?? kv.src,
    target: kv.target ?? kv.destination ?? kv.dst,
    readonly: kv.readonly === 'true' || kv.ro === 'true',
  };
}

export function containerCreate(state, argv) {
  const { opts, args } = options(argv, {
    bools: ['privileged', 'rm', 'init', 'interactive', 'tty'],
    shorts: { '-v': 'volume', '-l': 'label', '-e': 'env', '-i': 'interactive', '-t': 'tty' },
    stopAtArg: true,
  });
  const [image, ...cmd] = args;
  if (!image) throw new DockerError('"docker container create" requires at least 1 argument.', 125);
  const name = last(opts.name) ?? `fake_${Math.random().toString(36).slice(2, 10)}`;
  const clash = state.containers[name];
  if (clash)
    throw new DockerError(
      `Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${clash.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      125,
    );
  const mounts = [
    ...(opts.volume ?? []).map((v) => {
      const [source, target, mode] = v.split(':');
      return {
        type: source.startsWith('/') ? 'bind' : 'volume',
        source,
        target,
        readonly: mode === 'ro',
        legacy: true,
      };
    }),
    ...(opts.mount ?? []).map(parseMount),
  ];
  for (const m of mounts)
    if (m.type === 'bind' && !m.legacy && !existsSync(m.source))
      throw new DockerError(
        `Error response from daemon: invalid mount config for type "bind": bind source path does not exist: ${m.source}`,
        125,
      );
  const labels = Object.fromEntries(
    (opts.label ?? []).map((l) => (l.includes('=') ? l.split(/=(.*)/s).slice(0, 2) : [l, ''])),
  );
  const record = containerRecord({
    name,
    image,
    cmd,
    labels,
    privileged: Boolean(opts.privileged),
    mounts,
    restart: last(opts.restart) ?? 'no',
    env: opts.env ?? [],
    network: last(opts.network) ?? 'bridge',
  });
  state.containers[name] = record;
  ensureVolumes(state, record);
  return `${record.Id}\n`;
}

export function eachContainer(state, names, fn, verb) {
  const missing = [];
  let out = '';
  for (const n of names) {
    const c = find(state, n);
    if (!c) missing.push(n);
    else out += fn(c, n) ?? `${n}\n`;
  }
  if (missing.length)
    throw new DockerError(
      `${missing.map((n) => `Error response from daemon: No such container: ${n}`).join('\n')}${verb ? `\nError: failed to ${verb} containers: ${missing.join(', ')}` : ''}`,
      1,
      out,
    );
  return out;
}

export function containerRm(state, argv) {
  const { opts, args } = options(argv, {
    bools: ['force', 'volumes', 'link'],
    shorts: { '-f': 'force', '-v': 'volumes' },
  });
  let out = '';
  for (const n of args) {
    const c = find(state, n);
    if (!c) {
      if (opts.force) continue; // docker rm -f ignores containers that do not exist
      throw new DockerError(`Error response from daemon: No such container: ${n}`, 1, out);
    }
    if (c.State.Running && !opts.force)
      throw new DockerError(
        `Error response from daemon: cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`,
        1,
        out,
      );
    delete state.containers[c.Name.slice(1)];
    if (opts.volumes)
      for (const m of c.Mounts)
        if (m.Type === 'volume' && !m.Name.includes('/')) delete state.volumes[m.Name];
    out += `${n}\n`;
  }
  return out;
}

export function inspect(state, argv, kind) {
  const { opts, args } = options(argv, { bools: ['size'], shorts: { '-f': 'format', '-s': 'size' } });
  const found = [];
  const missing = [];
  for (const n of args) {
    const obj = kind !== 'volume' ? find(state, n) : undefined;
    const vol = kind !== 'container' ? state.volumes[n] : undefined;
    if (obj ?? vol) found.push(obj ?? vol);
    else missing.push(n);
  }
  const format = last(opts.format);
  const stdout = format
    ? found.map((o) => `${renderTemplate(format, o)}\n`).join('')
    : `${JSON.stringify(found, null, 4)}\n`;
  if (missing.length) {
    const noun = kind === 'volume' ? 'volume' : kind === 'container' ? 'container' : 'object';
    throw new DockerError(missing.map((n) => `Error: No such ${noun}: ${n}`).join('\n'), 1, stdout);
  }
  return stdout;
}

export function ps(state, argv) {
  const { opts } = options(argv, {
    bools: ['all', 'quiet', 'no-trunc'],
    shorts: { '-a': 'all', '-q': 'quiet', '-f': 'filter' },
  });
  const list = Object.values(state.containers).filter((c) => opts.all || c.State.Running);
  const row = (c) => ({
    ...c,
    Names: c.Name.slice(1),
    ID: c.Id.slice(0, 12),
    Image: c.Config.Image,
    Status: c.State.Status,
  });
  if (opts.quiet) return list.map((c) => `${c.Id.slice(0, 12)}\n`).join('');
  const format = last(opts.format) ?? '{{.ID}}\t{{.Image}}\t{{.Status}}\t{{.Names}}';
  return list.map((c) => `${renderTemplate(format, row(c))}\n`).join('');
}

/** `buildctl debug workers` in a running BuildKit container (buildkit cmd/buildctl/debug/workers.go table). */
export function execBuildctl(state, argv) {
  const { args } = options(argv, {
    bools: ['interactive', 'tty', 'detach'],
    shorts: { '-i': 'interactive', '-t': 'tty', '-d': 'detach' },
    stopAtArg: true,
  });
  const [name, ...cmd] = args;
  const c = find(state, name);
  if (!c) throw new DockerError(`Error response from daemon: No such container: ${name}`);
  if (!c.State.Running) throw new DockerError(`Error response from daemon: container ${c.Id} is not running`);
  if (cmd.join(' ') !== 'buildctl debug workers')
    throw new DockerError(`fake docker: exec ${cmd.join(' ')} is not implemented`, 127);
  const w = workerFor(state, `docker-container://${c.Name.slice(1)}`);
  return tabwrite(`ID\tPLATFORMS\n${w.id}\t${w.platforms.join(',')}\n`, {
    minwidth: 1,
    tabwidth: 8,
    padding: 1,
    padchar: '\t',
  });
}
