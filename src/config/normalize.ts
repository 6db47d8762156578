// Values as buildx needs them: `${VAR}` and `~` expanded, paths absolute (the remote driver rejects
// relative cert paths), platforms in normal form. Each failure is a finding at its value. Pure: the files the
// config names are returned for load.ts to check on disk.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { checkCacheRef } from '../core/cache-ref.js';
import { normalizePlatform, normalizePlatforms } from './platform.js';
import type { RawConfig, RawNode } from './schema.js';
import { type Finding, quote, type YamlPath } from './yaml-source.js';

export { normalizePlatform, normalizePlatforms } from './platform.js';

export interface NormalizeContext {
  env: NodeJS.ProcessEnv;
  /** The config file's folder: relative paths are relative to it, not to the working directory. */
  baseDir: string;
}

/** A file the config names (TLS files, buildkitdConfig): where it is written, as written, and its absolute path. */
export interface NamedFile {
  at: YamlPath;
  text: string;
  path: string;
}

type Expanded = { ok: true; value: string } | { ok: false; message: string; hint: string };

const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** `${VAR}` and `${VAR:-default}` (the default also when VAR is empty); an unset VAR without default fails. */
export function expandVariables(text: string, env: NodeJS.ProcessEnv): Expanded {
  let out = '';
  let rest = text;
  for (let start = rest.indexOf('${'); start >= 0; start = rest.indexOf('${')) {
    const end = rest.indexOf('}', start);
    if (end < 0) {
      return {
        ok: false,
        message: `"\${" without its closing "}" in ${quote(text)}`,
        hint: 'Write ${NAME} or ${NAME:-default}.',
      };
    }
    const match = VARIABLE.exec(rest.slice(start + 2, end));
    if (!match) {
      return {
        ok: false,
        message: `cannot read ${quote(rest.slice(start, end + 1))}: only \${NAME} and \${NAME:-default} expand`,
        hint: 'Write ${NAME} or ${NAME:-default}, NAME being letters, digits and "_".',
      };
    }
    const [, name, fallback] = match as unknown as [string, string, string | undefined];
    const value = env[name];
    if (value === undefined && fallback === undefined) {
      return {
        ok: false,
        message: `environment variable ${name} is not set`,
        hint: `Set it (export ${name}=...) or give a default: \${${name}:-default}`,
      };
    }
    out +=
      rest.slice(0, start) +
      (value === undefined || (value === '' && fallback !== undefined) ? fallback! : value);
    rest = rest.slice(end + 1);
  }
  return { ok: true, value: out + rest };
}

/** Expands variables and `~`, then makes the path absolute against the config file's folder. */
export function resolveConfigPath(text: string, context: NormalizeContext): Expanded {
  const expanded = expandVariables(text, context.env);
  if (!expanded.ok) return expanded;
  const value = expanded.value;
  if (/^~[^/]/.test(value)) {
    return {
      ok: false,
      message: `${quote(value)}: only ~ and ~/ expand, not ~user`,
      hint: 'Write the full path of that home folder.',
    };
  }
  const home = context.env['HOME'] || homedir();
  const tilde = value === '~' || value.startsWith('~/') ? home + value.slice(1) : value;
  return { ok: true, value: isAbsolute(tilde) ? resolve(tilde) : resolve(context.baseDir, tilde) };
}

/** Normalises one config; values that fail keep their text, and the failures come back as findings. */
export function normalizeConfig(
  raw: RawConfig,
  context: NormalizeContext,
): { config: RawConfig; findings: Finding[]; files: NamedFile[] } {
  const findings: Finding[] = [];
  const files: NamedFile[] = [];
  const apply = (at: YamlPath, text: string, how: (t: string) => Expanded): string => {
    const result = how(text);
    if (result.ok) return result.value;
    findings.push({ at, message: result.message, hint: result.hint });
    return text;
  };
  const variables = (t: string) => expandVariables(t, context.env);
  const file = (at: YamlPath, text: string): string => {
    const path = resolveConfigPath(text, context);
    if (path.ok) files.push({ at, text, path: path.value });
    return apply(at, text, () => path);
  };
  const cacheRepo = (t: string): Expanded => {
    const expanded = variables(t);
    if (!expanded.ok) return expanded;
    const check = checkCacheRef(expanded.value);
    return check.ok
      ? { ok: true, value: check.repo }
      : {
          ok: false,
          message: check.message.replace('--cache-ref', 'cache'),
          hint: check.hint.replace('--cache-ref ', 'cache: '),
        };
  };
  const platforms = (at: YamlPath, list: string[] | undefined) => {
    if (list === undefined) return undefined;
    list.forEach((text, i) => {
      if (normalizePlatform(text) !== undefined) return;
      findings.push({
        at: [...at, i],
        message: `${quote(text)} is not a platform`,
        hint: 'Write os/arch[/variant], e.g. linux/amd64, linux/arm64, linux/arm/v7 (amd64 alone means linux/amd64).',
      });
    });
    return normalizePlatforms(list).platforms;
  };
  const node = (at: YamlPath, n: RawNode): RawNode => ({
    ...n,
    endpoint: n.endpoint === undefined ? undefined : apply([...at, 'endpoint'], n.endpoint, variables),
    platforms: platforms([...at, 'platforms'], n.platforms),
    emulate: platforms([...at, 'emulate'], n.emulate),
    tls: n.tls && {
      ca: file([...at, 'tls', 'ca'], n.tls.ca),
      cert: file([...at, 'tls', 'cert'], n.tls.cert),
      key: file([...at, 'tls', 'key'], n.tls.key),
      servername:
        n.tls.servername === undefined
          ? undefined
          : apply([...at, 'tls', 'servername'], n.tls.servername, variables),
    },
    driverOpts:
      n.driverOpts &&
      Object.fromEntries(
        Object.entries(n.driverOpts).map(([k, v]) => [
          k,
          apply([...at, 'driverOpts', k], String(v), variables),
        ]),
      ),
    buildkitdConfig:
      n.buildkitdConfig === undefined ? undefined : file([...at, 'buildkitdConfig'], n.buildkitdConfig),
  });
  const builders = Object.fromEntries(
    Object.entries(raw.builders).map(([name, b]) => [
      name,
      {
        ...b,
        cache: b.cache === undefined ? undefined : apply(['builders', name, 'cache'], b.cache, cacheRepo),
        nodes: b.nodes.map((n, i) => node(['builders', name, 'nodes', i], n)),
      },
    ]),
  );
  return { config: { ...raw, builders }, findings, files };
}
