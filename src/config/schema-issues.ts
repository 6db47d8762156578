// zod's issues, rewritten as findings a person can act on: which key, what it holds, what to write instead.
import { z } from 'zod';
import { quote } from '../quote-value.js';
import { editDistance } from './edit-distance.js';
import { configSchema, NAME_PATTERN } from './schema.js';
import type { Finding, YamlPath } from './yaml-source.js';

const EXAMPLES: Record<string, string> = {
  version: 'version: 1',
  defaultBuilder: 'defaultBuilder: fleet',
  builders: 'builders: { fleet: { driver: remote, nodes: [{ name: amd64, endpoint: "tcp://host:1234" }] } }',
  builder: 'fleet: { driver: docker-container, nodes: [{ name: local0 }] }',
  driver: 'driver: remote   (or docker-container, kubernetes)',
  use: 'use: true',
  strategy: 'strategy: auto   (or split, single)',
  cache: 'cache: registry.example.com/app/cache',
  nodes: 'nodes: [{ name: local0, platforms: [linux/arm64] }]',
  node: '- { name: local0, platforms: [linux/arm64] }',
  name: 'name: linux-amd64',
  endpoint: 'endpoint: tcp://build-amd64.example.com:1234',
  platforms: 'platforms: [linux/amd64, linux/386]',
  emulate: 'emulate: [linux/amd64]',
  tls: 'tls: { ca: ~/.config/mpb/certs/ca.pem, cert: ~/.config/mpb/certs/client-cert.pem, key: ~/.config/mpb/certs/client-key.pem }',
  ca: 'ca: ~/.config/mpb/certs/ca.pem',
  cert: 'cert: ~/.config/mpb/certs/client-cert.pem',
  key: 'key: ~/.config/mpb/certs/client-key.pem',
  servername: 'servername: buildkitd',
  driverOpts: 'driverOpts: { image: moby/buildkit:buildx-stable-1 }',
  driverOpt: 'image: moby/buildkit:buildx-stable-1',
  buildkitdFlags: 'buildkitdFlags: --allow-insecure-entitlement network.host',
  buildkitdConfig: 'buildkitdConfig: ./buildkitd.toml',
  registries:
    'registries: { docker.io: { mirrors: [mirror.gcr.io] }, "registry.example.com:5000": { http: true } }',
  registry: '"registry.example.com:5000": { mirrors: [mirror.example.com], insecure: true, ca: [./ca.pem] }',
  mirrors: 'mirrors: [mirror.gcr.io]',
  registryCa: 'ca: [~/certs/registry-ca.pem]',
  http: 'http: true',
  insecure: 'insecure: true',
  local: 'local: true',
  image: 'image: moby/buildkit:buildx-stable-1',
};

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/** The kind of value at `path`, to pick an example: `builder`, `node`, `driverOpt` or the key itself. */
function fieldOf(path: YamlPath): string {
  const last = path.at(-1);
  if (path.length === 2 && path[0] === 'builders') return 'builder';
  if (path.at(-2) === 'driverOpts') return 'driverOpt';
  if (path.at(-2) === 'registries') return 'registry';
  if (path.at(-3) === 'registries' && last === 'ca') return 'registryCa';
  if (typeof last === 'number') return path.at(-2) === 'nodes' ? 'node' : fieldOf(path.slice(0, -1));
  return String(last ?? 'builders');
}

const exampleHint = (path: YamlPath) => {
  const example = EXAMPLES[fieldOf(path)];
  return example ? `Write e.g. ${example}` : 'See builders.example.yaml or run: mpb config schema';
};

function kindOf(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return `${value}`;
  return typeof value === 'string' ? `the string ${quote(value)}` : `the number ${value}`;
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let value = data;
  for (const s of path)
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
  return value;
}

function shapeAt(path: YamlPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = configSchema;
  for (const segment of ['', ...path]) {
    while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    if (segment === '') continue;
    if (schema instanceof z.ZodObject) schema = schema.shape[String(segment)] as z.ZodType | undefined;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else return undefined;
  }
  return schema;
}

function unknownKeyHint(path: YamlPath, key: string): string {
  const schema = shapeAt(path);
  const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const near = allowed.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
  const list = `Allowed here: ${allowed.join(', ')}.`;
  return near ? `Did you mean "${near}"? ${list}` : list;
}

/** The allowed value `text` was probably meant to be: the same but for case and `_`/`-`/space, or 2 edits away. */
export function nearValue(text: string, allowed: readonly string[]): string | undefined {
  const plain = (v: string) => v.toLowerCase().replace(/[_\s-]+/g, '');
  return (
    allowed.find((v) => plain(v) === plain(text)) ??
    allowed.find((v) => editDistance(v.toLowerCase(), text.toLowerCase()) <= 2)
  );
}

/** A valid name close to `text`, to suggest in place of an invalid one. */
export function suggestName(text: string): string {
  const cleaned = text
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[^a-zA-Z]+/, '')
    .slice(0, 40);
  return NAME_PATTERN.test(cleaned) ? cleaned : 'node0';
}

function findingOf(issue: z.core.$ZodIssue, data: unknown): Finding[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const value = valueAt(data, path);
  const parent = path.slice(0, -1);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      at: [...path, key],
      on: 'key' as const,
      message: `unknown key ${quote(key)}`,
      hint: unknownKeyHint(path, key),
    }));
  }
  if (issue.code === 'invalid_key') {
    const key = String(path.at(-1));
    const why = issue.issues[0]?.message ?? 'not a valid name';
    const hint = parent.at(-1) === 'driverOpts' ? exampleHint(path) : `Rename it, e.g. ${suggestName(key)}`;
    return [{ at: path, on: 'key', message: `${quote(key)}: ${why}`, hint }];
  }
  if (value === undefined && path.length > 0 && valueAt(data, parent) !== undefined) {
    return [{ at: path, on: 'key', message: `"${path.at(-1)}" is required`, hint: exampleHint(path) }];
  }
  const message = (() => {
    switch (issue.code) {
      case 'invalid_type':
        return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${kindOf(value)}`;
      case 'invalid_value':
        return `must be ${issue.values.map((v) => String(v)).join(', ')}${issue.values.length > 1 ? ' (one of them)' : ''}, not ${kindOf(value)}`;
      case 'invalid_union': {
        const expected = issue.errors.flatMap((e) =>
          e.map((i) => (i.code === 'invalid_type' ? EXPECTED[i.expected] : undefined)),
        );
        return `expected ${expected.filter(Boolean).join(', ') || 'another value'}, got ${kindOf(value)}`;
      }
      default:
        return issue.message;
    }
  })();
  // `docker_container`, `Remote`, `kubernets`: one of the allowed values, mistyped.
  const near =
    issue.code === 'invalid_value' && typeof value === 'string'
      ? nearValue(
          value,
          issue.values.filter((v): v is string => typeof v === 'string'),
        )
      : undefined;
  if (near !== undefined)
    return [
      {
        at: path,
        message: `${message}: did you mean ${near}?`,
        hint: `Write ${String(path.at(-1))}: ${near}`,
      },
    ];
  const hint =
    fieldOf(path) === 'name' && typeof value === 'string'
      ? `Write e.g. name: ${suggestName(value)}`
      : exampleHint(path);
  return [{ at: path, message, hint }];
}

const BUILDER_KEYS = ['driver', 'use', 'nodes', 'strategy', 'cache'];

/**
 * A builder's key written at the level of builder names (`nodes:` dedented under `builders:`): the builder above
 * it then lacks the key and a "builder" named like the key holds a list. One finding says what happened, and
 * which issues it explains.
 */
function dedentedKeys(data: unknown): { findings: Finding[]; explains: (path: YamlPath) => boolean } {
  const builders = valueAt(data, ['builders']);
  const names =
    builders !== null && typeof builders === 'object' && !Array.isArray(builders)
      ? Object.keys(builders)
      : [];
  const dedented = names.flatMap((name, i) => {
    const value = (builders as Record<string, unknown>)[name];
    const isBuilder = value !== null && typeof value === 'object' && !Array.isArray(value);
    const above = names.slice(0, i).at(-1);
    return BUILDER_KEYS.includes(name) && !isBuilder && above !== undefined ? [{ name, above }] : [];
  });
  const findings = dedented.map(({ name, above }) => ({
    at: ['builders', name],
    on: 'key' as const,
    message: `"${name}:" is indented as a builder's name, but it is a key of builder "${above}"`,
    hint: `Indent ${name}: under ${above}: (two spaces deeper, at the column of its driver:), and the lines under it as much.`,
  }));
  const explains = (path: YamlPath) =>
    dedented.some(
      ({ name, above }) =>
        (path[0] === 'builders' && path[1] === name) ||
        (path.length === 3 && path[0] === 'builders' && path[1] === above && path[2] === name),
    );
  return { findings, explains };
}

/** Every zod issue as findings, in file order as zod reports them. */
export function findingsOfSchema(issues: readonly z.core.$ZodIssue[], data: unknown): Finding[] {
  const dedented = dedentedKeys(data);
  const rest = issues.flatMap((issue) => findingOf(issue, data)).filter((f) => !dedented.explains(f.at));
  return [...dedented.findings, ...rest];
}
