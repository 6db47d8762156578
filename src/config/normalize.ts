// Values as buildx needs them: `${VAR}` and `~` expanded, paths absolute (the remote driver rejects
// relative cert paths), platforms in normal form. Each failure is a finding at its value. Pure: the files the
// config names are returned for load.ts to check on disk, and the PEM text of tls values for it to write.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { normalizePlatform, normalizePlatforms } from '../buildx/platform.js';
import { checkCacheRef } from '../core/cache-ref.js';
import { quote } from '../quote-value.js';
import { builderCertsDirOf } from '../state/pem-files.js';
import type { RawConfig, RawNode, RawRegistry } from './schema.js';
import { suggestPlatform } from './suggest-platform.js';
import type { Finding, YamlPath } from './yaml-source.js';

export { normalizePlatform, normalizePlatforms } from '../buildx/platform.js';

export interface NormalizeContext {
  env: NodeJS.ProcessEnv;
  /** The config file's folder: relative paths are relative to it, not to the working directory. */
  baseDir: string;
  /** Where tls values given as PEM text are written for buildx (`mpb-certs` in buildx's config folder). */
  certsDir: string;
}

/** A file the config names (TLS files, buildkitdConfig): where it is written, as written, and its absolute path. */
export interface NamedFile {
  at: YamlPath;
  text: string;
  path: string;
}

/** PEM text a tls value holds, and the file it goes to: buildx takes only paths for its TLS files. */
export interface PemFile {
  at: YamlPath;
  path: string;
  pem: string;
}

export type TlsFileKey = 'ca' | 'cert' | 'key';

/**
 * Where the PEM text of one tls value goes: one file per builder, node and key, so that the path, and with it
 * the builder's driver options, stays the same while the text does. Names are buildx names: no `/`, no `..`.
 */
export const pemPathOf = (certsDir: string, builder: string, node: string, key: TlsFileKey) =>
  join(builderCertsDirOf(certsDir, builder), node, `${key}.pem`);

/** A tls value is PEM text, not a path, when (after `${VAR}` expansion) it holds a PEM block's first line. */
export const isPemText = (value: string) => value.includes('-----BEGIN ');

/** How to give a tls value as text instead of a path. */
export const pemTextHint = (key: string) =>
  `${key}: \${BUILDKIT_${key.toUpperCase()}} with the whole PEM block in that variable, or ${key}: | and the -----BEGIN ... lines indented below it`;

// After expansion a path is one line; anything else is text mpb must not quote back (it may be a secret key).
const CONTROL = /[\u0000-\u001f\u007f]/;

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
): { config: RawConfig; findings: Finding[]; files: NamedFile[]; pems: PemFile[] } {
  const findings: Finding[] = [];
  const files: NamedFile[] = [];
  const pems: PemFile[] = [];
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
  // A tls value: PEM text goes to its file under certsDir; else it is the path of a PEM file.
  const tlsFile = (at: YamlPath, text: string, target: string): string => {
    const expanded = variables(text);
    if (!expanded.ok) return apply(at, text, () => expanded);
    if (isPemText(expanded.value)) {
      pems.push({ at, path: target, pem: expanded.value });
      return target;
    }
    if (expanded.value === '' || CONTROL.test(expanded.value)) {
      const key = String(at.at(-1));
      // The schema keeps raw text without -----BEGIN to one line: quoting it shows only the variable.
      findings.push({
        at,
        message:
          expanded.value === ''
            ? `${quote(text)} is empty`
            : `${quote(text)} is neither PEM text (no -----BEGIN line) nor a file path`,
        hint: `Write the path of a PEM file, or the PEM text itself: ${pemTextHint(key)}.`,
      });
      return text;
    }
    return file(at, text);
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
      const near = suggestPlatform(text);
      findings.push({
        at: [...at, i],
        message: `${quote(text)} is not a platform${near ? `: did you mean ${near}?` : ''}`,
        hint: near
          ? `Write ${near} (os/arch[/variant]; amd64 alone means linux/amd64).`
          : 'Write os/arch[/variant], e.g. linux/amd64, linux/arm64, linux/arm/v7 (amd64 alone means linux/amd64).',
      });
    });
    return normalizePlatforms(list).platforms;
  };
  const registries = (at: YamlPath, r: Record<string, RawRegistry> | undefined) =>
    r &&
    Object.fromEntries(
      Object.entries(r).map(([host, entry]) => [
        host,
        {
          ...entry,
          ...(entry.ca ? { ca: entry.ca.map((c, i) => file([...at, host, 'ca', i], c)) } : {}),
        },
      ]),
    );
  const node = (builder: string, at: YamlPath, n: RawNode): RawNode => ({
    ...n,
    endpoint: n.endpoint === undefined ? undefined : apply([...at, 'endpoint'], n.endpoint, variables),
    platforms: platforms([...at, 'platforms'], n.platforms),
    emulate: platforms([...at, 'emulate'], n.emulate),
    tls: n.tls && {
      ca: tlsFile([...at, 'tls', 'ca'], n.tls.ca, pemPathOf(context.certsDir, builder, n.name, 'ca')),
      cert: tlsFile([...at, 'tls', 'cert'], n.tls.cert, pemPathOf(context.certsDir, builder, n.name, 'cert')),
      key: tlsFile([...at, 'tls', 'key'], n.tls.key, pemPathOf(context.certsDir, builder, n.name, 'key')),
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
    registries: registries([...at, 'registries'], n.registries),
  });
  const builders = Object.fromEntries(
    Object.entries(raw.builders).map(([name, b]) => [
      name,
      {
        ...b,
        cache: b.cache === undefined ? undefined : apply(['builders', name, 'cache'], b.cache, cacheRepo),
        registries: registries(['builders', name, 'registries'], b.registries),
        nodes: b.nodes.map((n, i) => node(name, ['builders', name, 'nodes', i], n)),
      },
    ]),
  );
  return { config: { ...raw, builders }, findings, files, pems };
}
