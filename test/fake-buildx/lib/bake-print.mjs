// `docker buildx bake --print`: the resolved definition as buildx marshals it (bake.go Target, json tags), in the
// shape of the emulated version (test/fixtures/bake/v0.13.1 and v0.29.1 print-*; versions between not captured):
// 0.10–0.13 keep the selection order in the group and exporter entries as CSV strings, drop a linked-only
// target's output; later ones sort the group, print entries as objects and a linked-only target as cacheonly.

// bake.go Target's field order (keys of the JSON object, not of the file).
const KEY_ORDER = [
  'description',
  'context',
  'contexts',
  'dockerfile',
  'dockerfile-inline',
  'args',
  'annotations',
  'attest',
  'labels',
  'tags',
  'cache-from',
  'cache-to',
  'target',
  'secret',
  'ssh',
  'platforms',
  'output',
  'pull',
  'no-cache',
  'network',
  'no-cache-filter',
  'shm-size',
  'ulimits',
  'call',
  'entitlements',
];
const MAP_KEYS = new Set(['args', 'contexts', 'labels', 'annotations']);
const ENTRY_KEYS = new Set(['cache-from', 'cache-to', 'output']);

const sorted = (o) =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** Splits a CSV entry as encoding/csv does (quoted fields, doubled quotes) into `{key: value}`. */
export function csvAttrs(entry) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < entry.length; i++) {
    const c = entry[i];
    if (quoted && c === '"' && entry[i + 1] === '"') field += entry[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return Object.fromEntries(
    fields.map((f) =>
      f.includes('=') ? [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] : [f, ''],
    ),
  );
}

function printedTarget(target, objects) {
  const t = { ...target, dockerfile: target.dockerfile ?? 'Dockerfile' };
  if (target.linkedOnly) t.output = objects ? ['type=cacheonly'] : undefined;
  const out = {};
  for (const key of KEY_ORDER) {
    const value = t[key];
    if (value === undefined || (Array.isArray(value) && !value.length)) continue;
    if (MAP_KEYS.has(key)) out[key] = sorted(value);
    else if (ENTRY_KEYS.has(key) && objects) out[key] = value.map((e) => sorted(csvAttrs(e)));
    else out[key] = value;
  }
  return out;
}

/** The `--print` JSON (with its newline) of `resolveBake`'s result. */
export function formatBakePrint({ selected, targets }, caps) {
  const objects = caps.bakePrintObjects;
  const group = { default: { targets: objects ? [...selected].sort() : selected } };
  const target = {};
  for (const name of Object.keys(targets).sort()) target[name] = printedTarget(targets[name], objects);
  return `${JSON.stringify({ group, target }, null, 2)}\n`;
}

/** go-units HumanSize: decimal units, 3 significant digits (`1.18kB`, `279B`). */
function humanSize(bytes) {
  const units = ['B', 'kB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${Number(n.toPrecision(3))}${units[u]}`;
}

/** The one progress vertex bake prints while it reads its files. */
export function definitionProgress(files) {
  const reads = files.map((f) => `#1 reading ${f.name} ${humanSize(f.size)} / ${humanSize(f.size)} done\n`);
  return `#1 [internal] load local bake definitions\n${reads.join('')}#1 DONE 0.0s\n`;
}
