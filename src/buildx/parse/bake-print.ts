// `docker buildx bake --print` → the resolved bake definition: groups and targets, as buildx read them from
// HCL, JSON or compose files (mpb never reads those itself). Shapes: test/fixtures/bake/README.md.
import { z } from 'zod';
import type { Parsed } from '../model.js';
import { readJson } from './zod-json.js';

export interface BakeTarget {
  name: string;
  context: string | undefined;
  dockerfile: string | undefined;
  tags: string[];
  platforms: string[];
  /** `output`, each in the CSV form `--set T.output=` takes (`type=image,push=true`), whichever form buildx printed. */
  outputs: string[];
  cacheFrom: string[];
  cacheTo: string[];
  /** Named build contexts: name → `target:NAME`, `docker-image://…`, a path, … */
  contexts: Record<string, string>;
  args: Record<string, string>;
  push: boolean | undefined;
  /** The target as printed, for every key mpb does not read (labels, secret, target, attest, …). */
  raw: Record<string, unknown>;
}

export interface BakeDefinition {
  /** Group name → its targets, in buildx's order (0.13 keeps the file's, 0.29 sorts). */
  groups: Record<string, string[]>;
  targets: Record<string, BakeTarget>;
}

// 0.10/0.13 print exporter entries as the CSV strings written; 0.29 as objects of string attributes.
const entrySchema = z.union([
  z.string(),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
]);
const entriesSchema = z.array(entrySchema).optional();
const stringsSchema = z.array(z.string()).optional();
const mapSchema = z.record(z.string(), z.string()).optional();

const targetSchema = z.looseObject({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  tags: stringsSchema,
  platforms: stringsSchema,
  output: entriesSchema,
  'cache-from': entriesSchema,
  'cache-to': entriesSchema,
  contexts: mapSchema,
  // Compose build args may be null (an arg with no value); buildx prints them as given.
  args: z.record(z.string(), z.string().nullable()).optional(),
  push: z.boolean().optional(),
});
const printSchema = z.looseObject({
  group: z.record(z.string(), z.looseObject({ targets: stringsSchema })).optional(),
  target: z.record(z.string(), targetSchema).optional(),
});
const KNOWN_KEYS = new Set(Object.keys(printSchema.shape));

/** Parses bake's `--print` JSON (stdout). Top-level keys other than `group` and `target` go to `unparsed`. */
export function parseBakePrint(text: string): Parsed<BakeDefinition> {
  const read = readJson('bake --print', text, printSchema);
  if (!read.ok) return read;
  const groups: Record<string, string[]> = {};
  for (const [name, group] of Object.entries(read.value.group ?? {})) groups[name] = group.targets ?? [];
  const targets: Record<string, BakeTarget> = {};
  for (const [name, raw] of Object.entries(read.value.target ?? {})) targets[name] = bakeTargetOf(name, raw);
  const unparsed = Object.keys(read.value).filter((key) => !KNOWN_KEYS.has(key));
  return { ok: true, value: { groups, targets }, unparsed };
}

function bakeTargetOf(name: string, raw: z.infer<typeof targetSchema>): BakeTarget {
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.args ?? {})) if (value !== null) args[key] = value;
  return {
    name,
    context: raw.context,
    dockerfile: raw.dockerfile,
    tags: raw.tags ?? [],
    platforms: raw.platforms ?? [],
    outputs: (raw.output ?? []).map(entryCsv),
    cacheFrom: (raw['cache-from'] ?? []).map(entryCsv),
    cacheTo: (raw['cache-to'] ?? []).map(entryCsv),
    contexts: raw.contexts ?? {},
    args,
    push: raw.push,
    raw,
  };
}

const TARGET_CONTEXT = 'target:';

/** The targets a target is built on through `contexts` (`base = "target:base"` → `base`), in its order. */
export function linkedTargetsOf(target: BakeTarget): string[] {
  return Object.values(target.contexts)
    .filter((value) => value.startsWith(TARGET_CONTEXT))
    .map((value) => value.slice(TARGET_CONTEXT.length));
}

/**
 * An exporter entry in the CSV form buildx's flags parse (encoding/csv): `type` first, then the other attributes
 * in the printed order; a field holding a comma, quote or newline is quoted, quotes doubled.
 */
function entryCsv(entry: z.infer<typeof entrySchema>): string {
  if (typeof entry === 'string') return entry;
  const { type, ...attrs } = entry;
  const fields = Object.entries(type === undefined ? attrs : { type, ...attrs }).map(([k, v]) => `${k}=${v}`);
  return fields.map((field) => (/[",\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field)).join(',');
}
