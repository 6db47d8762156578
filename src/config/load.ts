// Finds builders.yaml and turns it into a ResolvedConfig: YAML with positions → schema → normalise → rules.
// Every stage reports all of its problems, each with file, line, column and a hint.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Context } from '../context.js';
import { DRIVERS } from '../drivers/registry.js';
import type { ConfigIssue } from '../errors.js';
import { explainErrno } from '../fs-errors.js';
import { quote } from '../quote-value.js';
import { builderCertsDirOf, certsDirOf, writePemFile } from '../state/pem-files.js';
import { checkToml, effectiveRegistries, registriesToml } from './buildkitd-toml.js';
import {
  configCandidates,
  displayPath,
  type LoadOptions,
  type LoadResult,
  requireLoaded,
} from './discover.js';
import { type NamedFile, normalizeConfig, pemTextHint } from './normalize.js';
import { checkRules } from './rules.js';
import {
  configSchema,
  DEFAULT_LOCAL_IMAGE,
  type RawBuilder,
  type RawConfig,
  type RawNode,
} from './schema.js';
import { findingsOfSchema } from './schema-issues.js';
import type { BuilderSpec, RegistrySpec, ResolvedConfig } from './types.js';
import {
  describePath,
  type Finding,
  parseYaml,
  placeFinding,
  type YamlPath,
  type YamlSource,
} from './yaml-source.js';

export { configCandidates, displayPath, type LoadOptions, type LoadResult, requireLoaded };

// A builders file is a few kilobytes; a larger one is a mistake or an attack on the YAML parser.
const MAX_BYTES = 256 * 1024;

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
    const orText =
      at.at(-2) === 'tls' ? ` Or give the PEM text itself: ${pemTextHint(String(at.at(-1)))}.` : '';
    return {
      at,
      message: `${quote(text)}: cannot read ${path}`,
      hint: `Fix the path (relative paths start at the config file's folder) or create the file; mpb certs create makes TLS files.${orText}`,
    };
  }
  return { at, message: `${quote(text)}: ${path} is not a file`, hint: 'Point it at the file itself.' };
}

/** `~/x` for a path under the home folder: how a person would type it. */
function tildePath(path: string, env: NodeJS.ProcessEnv): string {
  const home = env['HOME'] || homedir();
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** The TLS files of the config that do not exist (yet): any other unreadable file stays an error. */
const isMissingTlsFile = ({ at, path }: NamedFile) => at.at(-2) === 'tls' && !existsSync(path);

/** The host names a node's server certificate must hold: its servername, and the endpoint's host. */
function certHostsOf(node: RawNode | undefined): string[] {
  const hosts: string[] = [];
  if (node?.tls?.servername) hosts.push(node.tls.servername);
  try {
    const host = node?.endpoint ? new URL(node.endpoint).hostname.replace(/^\[|\]$/g, '') : '';
    if (host !== '') hosts.push(host);
  } catch {
    // An endpoint that is not a URL is reported by the rules.
  }
  return hosts;
}

/** The builder a finding is about (`builders.NAME…`), for the warnings a command prints. */
const builderOf = (at: YamlPath) =>
  at[0] === 'builders' && typeof at[1] === 'string' ? { builder: at[1] } : {};

/**
 * TLS files that do not exist yet, as one warning per node (not one error per file): the config is right, the
 * files are still to be made. The hint is the `mpb certs create` line that makes them, with the hosts of every
 * node that expects its files in that folder, so one run serves them all. The node cannot connect until then:
 * doctor and the preflight of ensure-builder and build say so.
 */
function missingTlsWarnings(
  missing: readonly NamedFile[],
  config: RawConfig,
  env: NodeJS.ProcessEnv,
): Finding[] {
  const nodeOf = (at: YamlPath) =>
    config.builders[String(at[1])]?.nodes[Number(at[3])] as RawNode | undefined;
  const byNode = new Map<string, { at: YamlPath; files: NamedFile[] }>();
  for (const f of missing) {
    const at = f.at.slice(0, -2);
    const key = describePath(at);
    const entry = byNode.get(key) ?? { at, files: [] };
    entry.files.push(f);
    byNode.set(key, entry);
  }
  const hostsIn = new Map<string, Set<string>>();
  for (const { at, files } of byNode.values()) {
    for (const dir of new Set(files.map((f) => dirname(f.path)))) {
      const hosts = hostsIn.get(dir) ?? new Set<string>();
      for (const host of certHostsOf(nodeOf(at))) hosts.add(host);
      hostsIn.set(dir, hosts);
    }
  }
  return [...byNode.values()].map(({ at, files }) => {
    const dirs = [...new Set(files.map((f) => dirname(f.path)))];
    const names = files.map((f) => (dirs.length === 1 ? basename(f.path) : tildePath(f.path, env)));
    const where = dirs.length === 1 ? ` in ${tildePath(dirs[0]!, env)}` : '';
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    const hosts = [...(hostsIn.get(dirs[0]!) ?? [])];
    const command = `mpb certs create ${(hosts.length > 0 ? hosts : ['HOST']).map((h) => `--host ${h}`).join(' ')} --out ${dirs.length === 1 ? tildePath(dirs[0]!, env) : 'DIR'}`;
    return {
      at: [...at, 'tls'],
      message: `${list} ${names.length === 1 ? 'does' : 'do'} not exist yet${where}: this node cannot connect until ${names.length === 1 ? 'it does' : 'they do'}`,
      hint: `Make them: ${command}   (or point tls at your own files)`,
    };
  });
}

// A buildkitd.toml is small; a larger one is the wrong file.
const MAX_TOML_BYTES = 256 * 1024;
const BAD_TOML_HINT =
  'Fix the file: buildx does not read it before create, and a builder created with a bad one cannot be removed (docker/buildx#2505).';

/** A declared buildkitd.toml that does not read as TOML, as a finding at its buildkitdConfig value. */
function badTomlFile({ at, path }: NamedFile): Finding | undefined {
  let text: string;
  try {
    if (statSync(path).size > MAX_TOML_BYTES) {
      return {
        at,
        message: `${path} has more than ${MAX_TOML_BYTES} bytes: not a buildkitd.toml`,
        hint: BAD_TOML_HINT,
      };
    }
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // reported as unreadable
  }
  const [first, ...more] = checkToml(text);
  if (first === undefined) return undefined;
  const others = more.length > 0 ? ` (and ${more.length} more)` : '';
  return {
    at,
    message: `${path}:${first.line}:${first.column}: not valid TOML: ${first.message}${others}`,
    hint: BAD_TOML_HINT,
  };
}

/** Whether the node at `at` (builders.NAME.nodes.I…) has a buildkitd that buildx or mpb starts. */
function startsBuildkitd(config: RawConfig, at: YamlPath): boolean {
  const builder = config.builders[String(at[1])];
  const node = builder?.nodes[Number(at[3])];
  return builder !== undefined && (DRIVERS[builder.driver].startsBuildkitd || node?.local === true);
}

/** A node's registries, also where mpb cannot write them (a remote buildkitd: doctor checks those). */
function registriesOf(
  builder: RawBuilder['registries'],
  node: RawBuilder['registries'],
): { registries?: Record<string, RegistrySpec> } {
  const registries = effectiveRegistries(builder, node);
  return registries === undefined || Object.keys(registries).length === 0 ? {} : { registries };
}

/** The buildkitd.toml mpb writes for a node with registries (written as the PEM files are: state/pem-files.ts). */
interface NodeToml {
  at: YamlPath;
  path: string;
  pem: string;
  what: string;
}

const nodeKey = (builder: string, node: string) => `${builder}\n${node}`;

/**
 * The buildkitd.toml of every node whose buildkitd buildx or mpb starts and that has registries (its builder's
 * or its own): its own buildkitd.toml, if any, and the registry tables, in the builder's private folder beside
 * its PEM files (mpb rm removes it). A registry configured in both is a finding at the node's buildkitdConfig.
 */
function nodeTomls(
  config: RawConfig,
  certsDir: string,
): { tomls: Map<string, NodeToml>; findings: Finding[] } {
  const tomls = new Map<string, NodeToml>();
  const findings: Finding[] = [];
  for (const [name, b] of Object.entries(config.builders)) {
    b.nodes.forEach((n, i) => {
      if (!startsBuildkitd(config, ['builders', name, 'nodes', i])) return;
      const { registries } = registriesOf(b.registries, n.registries);
      if (registries === undefined) return;
      const at = ['builders', name, 'nodes', i];
      let existing: string | undefined;
      if (n.buildkitdConfig !== undefined) {
        try {
          existing = readFileSync(n.buildkitdConfig, 'utf8');
        } catch {
          return; // reported as unreadable
        }
      }
      const toml = registriesToml(registries, existing);
      if (!toml.ok) {
        const fromNode = n.registries?.[toml.host] !== undefined;
        findings.push({
          at: [...at, 'buildkitdConfig'],
          message: `${n.buildkitdConfig}:${toml.line} configures registry "${toml.host}", which registries: of this ${fromNode ? 'node' : 'builder'} configures too`,
          hint: `Keep "${toml.host}" in one place: remove its table from that file, or its entry from registries:.`,
        });
        return;
      }
      tomls.set(nodeKey(name, n.name), {
        at: [...at, 'registries'],
        path: join(builderCertsDirOf(certsDir, name), n.name, 'buildkitd.toml'),
        pem: toml.text,
        what: 'the buildkitd.toml of this node',
      });
    });
  }
  return { tomls, findings };
}

function toResolved(
  file: string,
  raw: RawConfig,
  source: YamlSource,
  tomls: ReadonlyMap<string, NodeToml>,
): ResolvedConfig {
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
      buildkitdConfig: tomls.get(nodeKey(name, n.name))?.path ?? n.buildkitdConfig,
      ...registriesOf(b.registries, n.registries),
      local:
        n.local === true
          ? {
              image: n.image ?? DEFAULT_LOCAL_IMAGE,
              ...(n.network === undefined ? {} : { network: n.network }),
            }
          : undefined,
      pos: pos(['builders', name, 'nodes', i]),
    })),
  }));
  return { file, version: 1, defaultBuilder: raw.defaultBuilder, builders };
}

/** Loads, validates and resolves the config; collects every error and warning instead of stopping at one. */
export async function loadConfig(options: LoadOptions): Promise<LoadResult> {
  return (await loadConfigNaming(options)).result;
}

/** As loadConfig, with the absolute paths of the files the config names (what its validity depends on). */
export async function loadConfigNaming(
  options: LoadOptions,
): Promise<{ result: LoadResult; file: string | undefined; named: string[] }> {
  const named: string[] = [];
  const { result, file } = load(options, named);
  return { result, file, named };
}

function load(options: LoadOptions, named: string[]): { result: LoadResult; file: string | undefined } {
  const { files, explicit } = configCandidates(options);
  const file = explicit ? files[0] : files.find((f) => existsSync(f));
  if (file === undefined || !existsSync(file)) return { result: missingResult(files, explicit), file };
  const fail = (errors: ConfigIssue[], warnings: ConfigIssue[] = []) => ({
    result: { ok: false, file, errors, warnings } satisfies LoadResult,
    file,
  });
  const shown = displayPath(file, options.cwd);
  const read = readText(file, shown);
  if ('issue' in read) return fail([read.issue]);
  const parsed = parseYaml(shown, read.text);
  if (!parsed.ok) return fail(parsed.issues);
  const source = parsed.source;
  // In file order: zod and the rules each report in their own order.
  const place = (findings: Finding[], scoped = false) =>
    findings
      .map((f) => ({ ...placeFinding(source, f), ...(scoped ? builderOf(f.at) : {}) }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
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
  const normalized = normalizeConfig(schema.data, {
    env: options.env,
    baseDir: dirname(file),
    certsDir: certsDirOf(options.env),
  });
  named.push(...normalized.files.map((f) => f.path), ...normalized.pems.map((f) => f.path));
  const missingTls = normalized.files.filter(isMissingTlsFile);
  const unreadable = normalized.files
    .filter((f) => !missingTls.includes(f))
    .map(unreadableFile)
    .filter((f) => f !== undefined);
  const badToml = normalized.files
    .filter((f) => f.at.at(-1) === 'buildkitdConfig' && !unreadable.some((u) => u.at === f.at))
    .filter((f) => startsBuildkitd(normalized.config, f.at)) // else the rules say the key does not belong
    .map(badTomlFile)
    .filter((f) => f !== undefined);
  unreadable.push(...badToml);
  const certsDir = certsDirOf(options.env);
  const generated =
    badToml.length > 0
      ? { tomls: new Map<string, NodeToml>(), findings: [] }
      : nodeTomls(normalized.config, certsDir);
  unreadable.push(...generated.findings);
  named.push(...[...generated.tomls.values()].map((t) => t.path));
  const rules = checkRules(normalized.config);
  // A value that failed to expand (or names no readable file) is reported once: the rules would add noise there.
  const failed = new Set([...normalized.findings, ...unreadable].map((f) => describePath(f.at)));
  const fresh = (f: Finding) => !failed.has(describePath(f.at));
  const errors = place([...normalized.findings, ...unreadable, ...rules.errors.filter(fresh)]);
  // A warning about one builder says which: a command that does not use it does not print it (deps.ts).
  const warnings = place(
    [...rules.warnings.filter(fresh), ...missingTlsWarnings(missingTls, normalized.config, options.env)],
    true,
  );
  if (errors.length > 0) return fail(errors, warnings);
  // Written only for a valid config, so a mistake elsewhere leaves no file behind.
  const unwritten = [...normalized.pems, ...generated.tomls.values()]
    .map(writePemFile)
    .filter((f) => f !== undefined);
  if (unwritten.length > 0) return fail(place(unwritten), warnings);
  return {
    result: { ok: true, config: toResolved(file, normalized.config, source, generated.tomls), warnings },
    file,
  };
}

/** The config for a command, loaded from where --config, $MPB_CONFIG or discovery says; see requireLoaded. */
export async function requireConfig(
  ctx: Pick<Context, 'config' | 'env' | 'cwd'>,
): Promise<{ config: ResolvedConfig; warnings: ConfigIssue[] }> {
  return requireLoaded(await loadConfig({ configPath: ctx.config, env: ctx.env, cwd: ctx.cwd }));
}
