// Finds builders.yaml and turns it into a ResolvedConfig: YAML with positions → schema → normalise → rules.
// Every stage reports all of its problems, each with file, line, column and a hint.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import { explainErrno } from '../fs-errors.js';
import { type NamedFile, normalizeConfig } from './normalize.js';
import { checkRules } from './rules.js';
import { configSchema, DEFAULT_LOCAL_IMAGE, type RawConfig } from './schema.js';
import { findingsOfSchema } from './schema-issues.js';
import type { BuilderSpec, ResolvedConfig } from './types.js';
import {
  describePath,
  type Finding,
  parseYaml,
  placeFinding,
  quote,
  type YamlSource,
} from './yaml-source.js';

export interface LoadOptions {
  /** `--config`, relative to cwd. */
  configPath: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type LoadResult =
  | { ok: true; config: ResolvedConfig; warnings: ConfigIssue[] }
  | {
      ok: false;
      file: string | undefined;
      errors: ConfigIssue[];
      warnings: ConfigIssue[];
      /** No file was found: `errors` holds one issue saying where mpb looked. */
      missing?: true;
    };

// A builders file is a few kilobytes; a larger one is a mistake or an attack on the YAML parser.
const MAX_BYTES = 256 * 1024;

/** How issues name the file: relative to the working directory when inside it, as a user would type it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** The discovery order: --config, $MPB_CONFIG, ./builders.yaml, ./builders.yml, $XDG_CONFIG_HOME/mpb/builders.yaml. */
export function configCandidates({ configPath, env, cwd }: LoadOptions): {
  files: string[];
  explicit: boolean;
} {
  const given = configPath ?? (env['MPB_CONFIG'] || undefined);
  if (given !== undefined) return { files: [resolve(cwd, given)], explicit: true };
  const xdg = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return {
    files: [
      join(cwd, 'builders.yaml'),
      join(cwd, 'builders.yml'),
      join(resolve(cwd, xdg), 'mpb', 'builders.yaml'),
    ],
    explicit: false,
  };
}

function missingResult(files: string[], explicit: boolean): LoadResult {
  const [first] = files as [string];
  const issue = explicit
    ? {
        message: `config file ${first} not found`,
        hint: `Check --config and MPB_CONFIG, or write a starter there: mpb init --output ${first}`,
      }
    : {
        message: `no config file found (looked for ${files.join(', ')})`,
        hint: 'Write one with: mpb init   (or point to yours with --config PATH or MPB_CONFIG)',
      };
  return {
    ok: false,
    file: explicit ? first : undefined,
    errors: [{ path: first, line: 1, column: 1, ...issue }],
    warnings: [],
    missing: true,
  };
}

function readText(file: string, shown: string): { text: string } | { issue: ConfigIssue } {
  const fail = (message: string, hint: string) => ({
    issue: { path: shown, line: 1, column: 1, message, hint },
  });
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return fail(`${file} is not a file`, 'Point --config at the YAML file itself.');
    if (stat.size > MAX_BYTES) {
      return fail(
        `the file has ${stat.size} bytes; a builders file has at most ${MAX_BYTES}`,
        'Check that --config names the right file.',
      );
    }
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code ?? String(e);
    const { why, hint } = explainErrno(errno, file);
    return fail(`cannot read the file: ${why} (${errno})`, hint);
  }
}

/** A file the config names must be a readable regular file: buildx only finds out when it uses it. */
function unreadableFile({ at, text, path }: NamedFile): Finding | undefined {
  try {
    accessSync(path, constants.R_OK);
    if (statSync(path).isFile()) return undefined;
  } catch {
    return {
      at,
      message: `${quote(text)}: cannot read ${path}`,
      hint: "Fix the path (relative paths start at the config file's folder) or create the file; mpb certs create makes TLS files.",
    };
  }
  return { at, message: `${quote(text)}: ${path} is not a file`, hint: 'Point it at the file itself.' };
}

function toResolved(file: string, raw: RawConfig, source: YamlSource): ResolvedConfig {
  const pos = (at: (string | number)[], on?: 'key') => ({ path: source.file, ...source.locate(at, on) });
  const builders: BuilderSpec[] = Object.entries(raw.builders).map(([name, b]) => ({
    name,
    driver: b.driver,
    use: b.use ?? false,
    ...(b.strategy === undefined ? {} : { strategy: b.strategy }),
    ...(b.cache === undefined ? {} : { cache: b.cache }),
    pos: pos(['builders', name], 'key'),
    nodes: b.nodes.map((n, i) => ({
      name: n.name,
      endpoint: n.endpoint,
      platforms: n.platforms ?? [],
      emulate: n.emulate ?? [],
      tls: n.tls && { ca: n.tls.ca, cert: n.tls.cert, key: n.tls.key, servername: n.tls.servername },
      driverOpts: Object.fromEntries(Object.entries(n.driverOpts ?? {}).map(([k, v]) => [k, String(v)])),
      buildkitdFlags: n.buildkitdFlags,
      buildkitdConfig: n.buildkitdConfig,
      local: n.local === true ? { image: n.image ?? DEFAULT_LOCAL_IMAGE } : undefined,
      pos: pos(['builders', name, 'nodes', i]),
    })),
  }));
  return { file, version: 1, defaultBuilder: raw.defaultBuilder, builders };
}

/** Loads, validates and resolves the config; collects every error and warning instead of stopping at one. */
export async function loadConfig(options: LoadOptions): Promise<LoadResult> {
  const { files, explicit } = configCandidates(options);
  const file = explicit ? files[0] : files.find((f) => existsSync(f));
  if (file === undefined || !existsSync(file)) return missingResult(files, explicit);
  const fail = (errors: ConfigIssue[], warnings: ConfigIssue[] = []): LoadResult => ({
    ok: false,
    file,
    errors,
    warnings,
  });
  const shown = displayPath(file, options.cwd);
  const read = readText(file, shown);
  if ('issue' in read) return fail([read.issue]);
  const parsed = parseYaml(shown, read.text);
  if (!parsed.ok) return fail(parsed.issues);
  const source = parsed.source;
  // In file order: zod and the rules each report in their own order.
  const place = (findings: Finding[]) =>
    findings.map((f) => placeFinding(source, f)).sort((a, b) => a.line - b.line || a.column - b.column);
  if (source.data === null || source.data === undefined) {
    return fail([
      {
        path: shown,
        line: 1,
        column: 1,
        message: 'the file is empty',
        hint: 'Start with version: 1 and builders: (mpb init writes a commented starter).',
      },
    ]);
  }
  const schema = configSchema.safeParse(source.data);
  if (!schema.success) return fail(place(findingsOfSchema(schema.error.issues, source.data)));
  const normalized = normalizeConfig(schema.data, { env: options.env, baseDir: dirname(file) });
  const unreadable = normalized.files.map(unreadableFile).filter((f) => f !== undefined);
  const rules = checkRules(normalized.config);
  // A value that failed to expand (or names no readable file) is reported once: the rules would add noise there.
  const failed = new Set([...normalized.findings, ...unreadable].map((f) => describePath(f.at)));
  const fresh = (f: Finding) => !failed.has(describePath(f.at));
  const errors = place([...normalized.findings, ...unreadable, ...rules.errors.filter(fresh)]);
  const warnings = place(rules.warnings.filter(fresh));
  if (errors.length > 0) return fail(errors, warnings);
  return { ok: true, config: toResolved(file, normalized.config, source), warnings };
}

/** The config of a result: throws UsageError (hint: mpb init) when there is none, ConfigError when invalid. */
export function requireLoaded(result: LoadResult): { config: ResolvedConfig; warnings: ConfigIssue[] } {
  if (result.ok) return { config: result.config, warnings: result.warnings };
  if (result.missing) {
    const [issue] = result.errors as [ConfigIssue];
    throw new UsageError(issue.message, { hint: issue.hint });
  }
  throw new ConfigError(result.errors);
}

/** The config for a command, loaded from where --config, $MPB_CONFIG or discovery says; see requireLoaded. */
export async function requireConfig(
  ctx: Pick<Context, 'config' | 'env' | 'cwd'>,
): Promise<{ config: ResolvedConfig; warnings: ConfigIssue[] }> {
  return requireLoaded(await loadConfig({ configPath: ctx.config, env: ctx.env, cwd: ctx.cwd }));
}
