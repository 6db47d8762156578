// `create --buildkitd-config FILE` as buildx stores it (util/confutil LoadConfigFiles): the TOML read and written
// again by go-toml — comments gone, keys and tables sorted, each table preceded by a blank line, nested ones
// indented — and each registry `ca` file copied in as `certs/<host, ':' as '_'>/<name>`, its path in the TOML
// rewritten to /etc/buildkit/certs/... (captures-local/buildkitd-config/v0.29.1/inspect-*). Only what mpb writes
// and the captures hold is imitated: top-level keys, tables one or two levels deep, values kept as written.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError } from './runtime.mjs';

const unquote = (s) => s.replace(/^"(.*)"$/, '$1');

/** `registry."127.0.0.1:5000"` → ['registry', '127.0.0.1:5000']. */
function splitKey(text) {
  return (text.match(/"[^"]*"|[^.]+/g) ?? []).map((p) => unquote(p.trim()));
}

const quoteKey = (k) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : `"${k}"`);

function parse(text) {
  const root = { keys: {}, tables: {} };
  let table = root;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      table = root;
      for (const part of splitKey(header[1])) table = table.tables[part] ??= { keys: {}, tables: {} };
      continue;
    }
    const eq = line.indexOf('=');
    table.keys[unquote(line.slice(0, eq).trim())] = line.slice(eq + 1).trim();
  }
  return root;
}

/** Copies each registry's CA files in, as buildx does, and points the TOML at their place in the container. */
function moveCas(root, files) {
  for (const [host, t] of Object.entries(root.tables.registry?.tables ?? {})) {
    if (t.keys.ca === undefined) continue;
    const dir = `certs/${host.replaceAll(':', '_')}`;
    const paths = (t.keys.ca.match(/"[^"]*"/g) ?? []).map(unquote);
    for (const path of paths) files[`${dir}/${basename(path)}`] = readFileSync(path).toString('base64');
    t.keys.ca = `[${paths.map((p) => `"/etc/buildkit/${dir}/${basename(p)}"`).join(', ')}]`;
  }
}

function write(table, path, depth) {
  const pad = '  '.repeat(Math.max(0, depth - 1));
  let out = Object.keys(table.keys)
    .sort()
    .map((k) => `${depth === 0 ? '' : `${pad}  `}${quoteKey(k)} = ${table.keys[k]}\n`)
    .join('');
  for (const name of Object.keys(table.tables).sort()) {
    const sub = [...path, quoteKey(name)];
    out += `\n${'  '.repeat(depth)}[${sub.join('.')}]\n${write(table.tables[name], sub, depth + 1)}`;
  }
  return out;
}

/** The node's `Files` for `--buildkitd-config PATH` (base64 by name), or null without one. */
export function loadConfigFiles(path) {
  if (!path) return null;
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`open ${path}: no such file or directory`);
  }
  const root = parse(text);
  const files = {};
  moveCas(root, files);
  return { 'buildkitd.toml': Buffer.from(write(root, [], 0)).toString('base64'), ...files };
}
