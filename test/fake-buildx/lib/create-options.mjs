// What `docker buildx create` checks and derives from its flags before touching the store: names, --driver-opt
// CSV records, --buildkitd-flags, the endpoint per driver, and the drivers' own option checks
// (builder/builder.go and driver/<name>/factory.go at v0.13.1).
import { DRIVERS } from './drivers.mjs';
import { CliError } from './runtime.mjs';

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
  if (!ctx.version.caps.treeLs || !DRIVERS[driver].addsEntitlement) return flags;
  const own = (flags ?? []).some((f) => f.startsWith('--allow-insecure-entitlement'));
  if (own && !(opts?.network === 'host')) return flags;
  if ((flags ?? []).includes('--allow-insecure-entitlement=network.host')) return flags;
  return [...(flags ?? []), '--allow-insecure-entitlement=network.host'];
}

/** The driver factory's own checks, reported as "failed to initialize builder" (driver/<name>/factory.go). */
export function driverInitError(ctx, driver, node) {
  const extra = ctx.version.caps.defaultLoadOpt ? ['default-load'] : [];
  return DRIVERS[driver].initError(node, extra, ctx);
}
