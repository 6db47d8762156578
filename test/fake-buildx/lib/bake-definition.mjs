// What `docker buildx bake` makes of its files before building (bake/bake.go ReadTargets): JSON bake files merged
// in order, the selected targets (groups expanded), `--set` overrides, and the targets linked by `target:NAME`
// contexts. JSON only: the fake reads no HCL and no compose file. Print shapes: test/fixtures/bake/README.md.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { CliError } from './runtime.mjs';

const DEFAULT_FILES = ['docker-bake.json', 'docker-bake.override.json'];
// `--set` keys and the target key each one sets (bake.go Target.AddOverrides).
const LIST_KEYS = {
  platform: 'platforms',
  tags: 'tags',
  output: 'output',
  'cache-from': 'cache-from',
  'cache-to': 'cache-to',
};
const MAP_KEYS = ['args', 'contexts', 'labels'];
const STRING_KEYS = ['context', 'dockerfile', 'target'];

/** The files as given (or bake's default names that exist), each `{name, size, json}`. */
export function readBakeFiles(files) {
  const names = files.length ? files : DEFAULT_FILES.filter((f) => existsSync(f));
  if (!names.length) throw new CliError("couldn't find a bake definition");
  return names.map((name) => {
    if (!existsSync(name))
      throw new CliError(`failed to read ${name}: open ${name}: no such file or directory`);
    const text = readFileSync(name, 'utf8');
    try {
      return { name, size: statSync(name).size, json: JSON.parse(text) };
    } catch {
      throw new CliError(`fake buildx: bake reads JSON bake files only, and ${name} is not JSON`);
    }
  });
}

/** Groups and targets of all files, a later file's keys over an earlier one's (per target). */
function merge(files) {
  const groups = {};
  const targets = {};
  for (const { json } of files) {
    for (const [name, g] of Object.entries(json.group ?? {})) groups[name] = [...(g.targets ?? [])];
    for (const [name, t] of Object.entries(json.target ?? {})) targets[name] = { ...targets[name], ...t };
  }
  return { groups, targets };
}

/** Target names of the arguments (default: the `default` group), groups expanded, in order, once each. */
function select(groups, targets, names) {
  const out = [];
  const add = (name, seen) => {
    if (groups[name] && !seen.has(name)) {
      for (const t of groups[name]) add(t, new Set([...seen, name]));
    } else if (targets[name]) {
      if (!out.includes(name)) out.push(name);
    } else throw new CliError(`failed to find target ${name}`);
  };
  for (const name of names.length ? names : ['default']) add(name, new Set());
  return out;
}

/** `--set T.key=value` → `{pattern, key, sub, value}`; `T` may be `*`. */
function parseSet(set) {
  const eq = set.indexOf('=');
  if (eq === -1) throw new CliError(`invalid value ${set} for --set, expecting target.key=value`);
  const [pattern, key, ...sub] = set.slice(0, eq).split('.');
  if (!key) throw new CliError(`invalid value ${set} for --set, expecting target.key=value`);
  return { pattern, key, sub: sub.join('.'), value: set.slice(eq + 1) };
}

/** Applies the `--set`s that match `name` to a copy of `target`; a list key's --sets replace the list together. */
function applySets(name, target, sets) {
  const t = { ...target };
  const lists = {};
  for (const s of sets.filter((x) => x.pattern === '*' || x.pattern === name)) {
    if (LIST_KEYS[s.key]) {
      const values = s.key === 'platform' ? s.value.split(',') : [s.value];
      lists[LIST_KEYS[s.key]] = [...(lists[LIST_KEYS[s.key]] ?? []), ...values.filter((v) => v !== '')];
    } else if (MAP_KEYS.includes(s.key) && s.sub) t[s.key] = { ...t[s.key], [s.sub]: s.value };
    else if (STRING_KEYS.includes(s.key)) t[s.key] = s.value;
    else if (s.key === 'push') t.output = pushed(t.output ?? [], s.value === 'true');
    else throw new CliError(`unknown key: ${s.key}`);
  }
  return { ...t, ...lists };
}

/** `--push` (`*.push=true`): image outputs get push=true; no output at all becomes `type=image,push=true`. */
function pushed(outputs, push) {
  if (!push) return outputs;
  if (!outputs.length) return ['type=image,push=true'];
  return outputs.map((o) => (/(^|,)type=image(,|$)/.test(o) && !/(^|,)push=/.test(o) ? `${o},push=true` : o));
}

/**
 * The resolved definition: `{selected: [names], targets: {name: target}}`, every target with its --sets applied,
 * plus each target reached only through a `target:NAME` context, flagged `linkedOnly` (built as a context,
 * not exported).
 */
export function resolveBake(files, names, sets) {
  const { groups, targets } = merge(files);
  const selected = select(groups, targets, names);
  const overrides = sets.map(parseSet);
  const resolved = {};
  const visit = (name, linkedOnly) => {
    if (resolved[name]) return;
    const base = targets[name];
    if (!base) throw new CliError(`failed to find target ${name}`);
    resolved[name] = { ...applySets(name, base, overrides), linkedOnly };
    for (const link of linksOf(resolved[name])) visit(link, !selected.includes(link));
  };
  for (const name of selected) visit(name, false);
  return { selected, targets: resolved };
}

/** The targets' `target:` links, as names. */
export function linksOf(target) {
  return Object.values(target.contexts ?? {})
    .filter((c) => c.startsWith('target:'))
    .map((c) => c.slice('target:'.length));
}
