// buildkitd.toml for the registries a node declares, and a structural check of a user's own buildkitd.toml.
// Pure. buildx does not read the file before `create` (a bad one leaves a builder that cannot be removed,
// docker/buildx#2505), and BuildKit only when it starts: mpb checks it first. No TOML parser is a dependency:
// the check reads the structure line by line (tables, keys, where values start and end), which catches what
// people get wrong (a missing quote or bracket, a key without `=`, a table or key written twice).
import type { RegistrySpec } from './types.js';

/** A problem in a TOML text, at its 1-based line and column. */
export interface TomlProblem {
  line: number;
  column: number;
  message: string;
}

const BARE_KEY = /^[A-Za-z0-9_-]+/;

/** Reads one key (bare, "basic" or 'literal') at the start of `text`; its text and length, or undefined. */
function readKey(text: string): { key: string; length: number } | undefined {
  const bare = BARE_KEY.exec(text);
  if (bare) return { key: bare[0], length: bare[0].length };
  const q = text[0];
  if (q !== '"' && q !== "'") return undefined;
  for (let i = 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] === q) {
      const raw = text.slice(1, i);
      return { key: q === '"' ? raw.replace(/\\(.)/g, '$1') : raw, length: i + 1 };
    }
  }
  return undefined;
}

/** A dotted key path (`a."b.c".d`) at the start of `text`: its keys and where it ends, or undefined. */
function readKeyPath(text: string): { keys: string[]; length: number } | undefined {
  const keys: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const key = readKey(text.slice(i));
    if (!key) return undefined;
    keys.push(key.key);
    i += key.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '.') return { keys, length: i };
    i++;
  }
}

interface ValueScan {
  /** Open brackets/braces still to close, and a multi-line string still open. */
  depth: number;
  multiline: '"""' | "'''" | undefined;
}

/**
 * Scans a value's text (or its continuation on a later line) for strings, brackets and a trailing comment.
 * Returns an error message, or undefined; `scan` carries what is still open to the next line.
 */
function scanValue(text: string, scan: ValueScan): string | undefined {
  let i = 0;
  while (i < text.length) {
    if (scan.multiline) {
      const end = text.indexOf(scan.multiline, i);
      if (end < 0) return undefined;
      i = end + 3;
      while (text[i] === scan.multiline[0]) i++;
      scan.multiline = undefined;
      continue;
    }
    const c = text[i]!;
    if (c === '#') return undefined; // a comment, to the end of the line
    if (c === '"' || c === "'") {
      const triple = c.repeat(3);
      if (text.startsWith(triple, i)) {
        scan.multiline = triple as '"""' | "'''";
        i += 3;
        continue;
      }
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return `a string opened with ${c} is not closed on its line`;
      i = j + 1;
      continue;
    }
    if (c === '[' || c === '{') scan.depth++;
    if (c === ']' || c === '}') {
      scan.depth--;
      if (scan.depth < 0) return `"${c}" closes nothing`;
    }
    i++;
  }
  return undefined;
}

// What a value may start with: a string, an array, an inline table, a boolean, a number or a date.
const VALUE_START = /^(?:["'[{]|true\b|false\b|[+-]?(?:inf|nan)\b|[+-]?[0-9])/;

/** Structural problems of a TOML text; empty when it reads as TOML. */
export function checkToml(text: string): TomlProblem[] {
  const problems: TomlProblem[] = [];
  const tables = new Set<string>();
  const keysIn = new Map<string, Set<string>>();
  let table = '';
  let open: { scan: ValueScan; line: number } | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problem = (line: number, column: number, message: string) => {
    problems.push({ line, column, message });
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (open) {
      const error = scanValue(raw, open.scan);
      if (error) problem(line, 1, error);
      if (error || (open.scan.depth === 0 && !open.scan.multiline)) open = undefined;
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) return;
    if (body.startsWith('[')) {
      const array = body.startsWith('[[');
      const inner = body.slice(array ? 2 : 1);
      const path = readKeyPath(inner);
      const close = array ? ']]' : ']';
      const rest = path ? inner.slice(path.length).trimStart() : '';
      if (!path || !rest.startsWith(close) || !/^\s*(?:#.*)?$/.test(rest.slice(close.length))) {
        problem(line, indent + 1, `cannot read this table header: write [name] or [a."b.c"]`);
        return;
      }
      table = JSON.stringify(path.keys);
      if (!array) {
        if (tables.has(table)) problem(line, indent + 1, `table [${path.keys.join('.')}] is defined twice`);
        tables.add(table);
      } else {
        keysIn.delete(table); // each [[array]] entry is a table of its own
      }
      return;
    }
    const path = readKeyPath(body);
    const afterKey = path ? body.slice(path.length) : '';
    if (!path || !afterKey.startsWith('=')) {
      problem(line, indent + 1, 'expected key = value');
      return;
    }
    const keys = keysIn.get(table) ?? new Set<string>();
    keysIn.set(table, keys);
    const key = JSON.stringify(path.keys);
    if (keys.has(key)) problem(line, indent + 1, `key ${path.keys.join('.')} is set twice in this table`);
    keys.add(key);
    const value = afterKey.slice(1).trimStart();
    const column = indent + 1 + body.length - value.length;
    if (!VALUE_START.test(value)) {
      problem(line, column, 'expected a value: a "string", a number, true or false, [a list] or { a table }');
      return;
    }
    const scan: ValueScan = { depth: 0, multiline: undefined };
    const error = scanValue(value, scan);
    if (error) problem(line, column, error);
    else if (scan.depth > 0 || scan.multiline) open = { scan, line };
  });
  if (open) {
    const { line, scan } = open as { line: number; scan: ValueScan };
    problem(
      line,
      1,
      scan.multiline ? `a ${scan.multiline} string is never closed` : 'a [ or { is never closed',
    );
  }
  return problems;
}

/** The registry hosts a TOML text configures, with the line of each: `[registry."HOST"…]` and `registry."HOST".…`. */
export function registryHostsIn(text: string): Map<string, number> {
  const hosts = new Map<string, number>();
  let table: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const body = raw.trim();
    const header = /^\[\[?/.exec(body);
    const path = readKeyPath(header ? body.slice(header[0].length) : body);
    if (!path) return;
    if (header) table = path.keys;
    const full = header ? path.keys : [...table, ...path.keys];
    if (!header && !body.slice(path.length).startsWith('=')) return;
    if (full[0] === 'registry' && full.length >= 2 && !hosts.has(full[1]!)) hosts.set(full[1]!, index + 1);
  });
  return hosts;
}

const tomlString = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
const tomlList = (list: readonly string[]) => `[${list.map(tomlString).join(', ')}]`;

/** The `[registry."HOST"]` tables, hosts in order, in BuildKit's documented format. */
export function registryTables(registries: Readonly<Record<string, RegistrySpec>>): string {
  return Object.keys(registries)
    .sort()
    .map((host) => {
      const r = registries[host]!;
      const lines = [`[registry.${tomlString(host)}]`];
      if (r.mirrors !== undefined) lines.push(`  mirrors = ${tomlList(r.mirrors)}`);
      if (r.http !== undefined) lines.push(`  http = ${r.http}`);
      if (r.insecure !== undefined) lines.push(`  insecure = ${r.insecure}`);
      if (r.ca !== undefined) lines.push(`  ca = ${tomlList(r.ca)}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

export type RegistriesToml = { ok: true; text: string } | { ok: false; host: string; line: number };

const HEADER = '# Written by mpb from registries: in builders.yaml. Edit that file, not this one.';

/**
 * The buildkitd.toml of a node with registries: the node's own buildkitd.toml as it is (when it has one), then
 * a table per registry. A registry both configure is refused, not merged: mpb would otherwise drop or keep
 * settings of the user's without saying so. The answer then names the host and its line in `existing`.
 */
export function registriesToml(
  registries: Readonly<Record<string, RegistrySpec>>,
  existing?: string,
): RegistriesToml {
  const tables = registryTables(registries);
  if (existing === undefined) return { ok: true, text: `${HEADER}\n\n${tables}\n` };
  const theirs = registryHostsIn(existing);
  const both = Object.keys(registries)
    .sort()
    .find((h) => theirs.has(h));
  if (both !== undefined) return { ok: false, host: both, line: theirs.get(both)! };
  const kept = existing.replace(/\s*$/, '');
  return { ok: true, text: `${kept === '' ? '' : `${kept}\n\n`}${HEADER}\n\n${tables}\n` };
}

/** A node's registries: the builder's, and the node's over them host by host, field by field. */
export function effectiveRegistries(
  builder: Readonly<Record<string, RegistrySpec>> | undefined,
  node: Readonly<Record<string, RegistrySpec>> | undefined,
): Record<string, RegistrySpec> | undefined {
  if (builder === undefined && node === undefined) return undefined;
  const out: Record<string, RegistrySpec> = {};
  for (const [host, r] of Object.entries(builder ?? {})) out[host] = { ...r };
  for (const [host, r] of Object.entries(node ?? {})) out[host] = { ...out[host], ...r };
  return out;
}
