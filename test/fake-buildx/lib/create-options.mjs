// What `docker buildx create` checks and derives from its flags before touching the store: names, --driver-opt
// CSV records, --buildkitd-flags, the endpoint per driver, config files, and the drivers' own option checks
// (builder/builder.go and driver/<name>/factory.go at v0.13.1).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError } from './runtime.mjs';

const LOCAL_DOCKER = 'unix:///var/run/docker.sock';
export const REMOTE_SCHEMES = ['tcp', 'unix', 'ssh', 'docker-container', 'kube-pod'];
const NAME_RE = /^[a-zA-Z][a-zA-Z0-9.\-_]*$/;

export function validateName(name) {
  if (!NAME_RE.test(name))
    throw new CliError(
      `invalid name ${name}, name needs to start with a letter and may not contain symbols, except ._-`,
    );
  return name.toLowerCase();
}

/** Each --driver-opt value is one CSV record of k=v fields (builder.go csvToMap). */
export function parseDriverOpts(values) {
  if (!values?.length) return null;
  const opts = {};
  for (const value of values) {
    for (const field of value.match(/("([^"]|"")*"|[^,]+)/g) ?? []) {
      const text = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
      const eq = text.indexOf('=');
      if (eq === -1) throw new CliError(`invalid value "${text}", expecting k=v`);
      opts[text.slice(0, eq)] = text.slice(eq + 1);
    }
  }
  return opts;
}

function splitFlags(text) {
  return text.match(/"[^"]*"|'[^']*'|\S+/g)?.map((w) => w.replace(/^["']|["']$/g, '')) ?? [];
}

// 0.13+ add the network.host entitlement for container drivers (builder.go parseBuildkitdFlags).
export function buildkitdFlags(ctx, text, driver, opts) {
  const flags = text ? splitFlags(text) : null;
  if (!ctx.version.caps.treeLs || (driver !== 'docker-container' && driver !== 'kubernetes')) return flags;
  const own = (flags ?? []).some((f) => f.startsWith('--allow-insecure-entitlement'));
  if (own && !(opts?.network === 'host')) return flags;
  if ((flags ?? []).includes('--allow-insecure-entitlement=network.host')) return flags;
  return [...(flags ?? []), '--allow-insecure-entitlement=network.host'];
}

export function resolveEndpoint(driver, endpoint) {
  if (driver === 'remote') {
    if (!endpoint) throw new CliError('no remote endpoint provided');
    const scheme = endpoint.split('://')[0];
    if (!endpoint.includes('://') || !REMOTE_SCHEMES.includes(scheme))
      throw new CliError(`unrecognized url scheme ${scheme}`);
    return { ep: endpoint, setEp: true };
  }
  if (driver === 'kubernetes') {
    if (endpoint) throw new CliError(`kubernetes driver does not support endpoint args "${endpoint}"`);
    return { ep: '', setEp: false };
  }
  if (!endpoint) return { ep: LOCAL_DOCKER, setEp: false };
  return { ep: endpoint === 'default' ? LOCAL_DOCKER : endpoint, setEp: true };
}

export function loadConfigFiles(path) {
  if (!path) return null;
  try {
    return { [basename(path)]: readFileSync(path).toString('base64') };
  } catch {
    throw new CliError(`open ${path}: no such file or directory`);
  }
}

const REMOTE_OPTS = ['key', 'cert', 'cacert', 'servername'];
const CONTAINER_OPTS = [
  'image',
  'network',
  'cgroup-parent',
  'memory',
  'memory-swap',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'restart-policy',
];

/** The driver factory's own checks, reported as "failed to initialize builder" (driver/<name>/factory.go). */
export function driverInitError(ctx, driver, node) {
  const opts = node.driverOpts ?? {};
  const extra = ctx.version.caps.defaultLoadOpt ? ['default-load'] : [];
  if (driver === 'remote') {
    if (node.files && Object.keys(node.files).length)
      return 'setting config file is not supported for remote driver';
    if (node.flags?.length) return 'setting buildkit flags is not supported for remote driver';
    for (const k of Object.keys(opts).sort()) {
      if (![...REMOTE_OPTS, ...extra].includes(k)) return `invalid driver option ${k} for remote driver`;
      if (k !== 'servername' && REMOTE_OPTS.includes(k) && !opts[k].startsWith('/'))
        return `non-absolute path '${opts[k]}' provided for ${k}`;
    }
    if (REMOTE_OPTS.some((k) => opts[k])) {
      const missing = [];
      if (!opts.cacert) missing.push('cacert');
      if (opts.cert && !opts.key) missing.push('key');
      if (opts.key && !opts.cert) missing.push('cert');
      if (missing.length) return `tls enabled, but missing keys ${missing.join(', ')}`;
    }
  }
  if (driver === 'docker-container') {
    for (const k of Object.keys(opts).sort())
      if (![...CONTAINER_OPTS, ...extra].includes(k) && !k.startsWith('env.'))
        return `invalid driver option ${k} for docker-container driver`;
  }
  return undefined;
}
