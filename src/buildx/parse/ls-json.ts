// `docker buildx ls --format json` (0.13+): JSON Lines, one object per builder, checked by zod (not cast).
import { z } from 'zod';
import type { BuildxBuilder, BuildxNode, Parsed } from '../model.js';
import { activityOf, linesOf } from './text.js';
import { readJson } from './zod-json.js';

const FORMAT = 'buildx ls --format json';

// builder/node.go MarshalJSON (0.13.0 = 0.36.1): everything but Name/Endpoint is omitempty. Fields mpb does
// not read are known but not checked: validating 500 builders' GC policies cost more than the rest together.
const unread = z.unknown().optional();
// zod's z.record checks key by key through its generic machinery: ten times slower than this for 2,000 nodes.
const isStringMap = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === 'string');
const stringMap = z.custom<Record<string, string>>(isStringMap, 'expected an object of strings').nullish();
const nodeSchema = z.looseObject({
  Name: z.string(),
  Endpoint: z.string(),
  Flags: z.array(z.string()).nullish(),
  DriverOpts: stringMap,
  Files: unread,
  Status: z.string().optional(),
  ProxyConfig: unread,
  Version: z.string().optional(),
  Err: z.string().optional(),
  IDs: unread,
  Platforms: z.array(z.string()).nullish(),
  GCPolicy: unread,
  Labels: stringMap,
});
// builder/builder.go MarshalJSON; `Current` only from 0.24 (docs/buildx.md#ls-json).
const builderSchema = z.looseObject({
  Name: z.string(),
  Driver: z.string(),
  LastActivity: z.string().optional(),
  Dynamic: z.boolean().optional(),
  Nodes: z.array(nodeSchema).nullish(),
  Err: z.string().optional(),
  Current: z.boolean().optional(),
});
const NODE_KEYS = new Set(Object.keys(nodeSchema.shape));
const BUILDER_KEYS = new Set(Object.keys(builderSchema.shape));

type NodeJson = z.infer<typeof nodeSchema>;
type BuilderJson = z.infer<typeof builderSchema>;

/** Keys buildx printed that this parser does not know: reported, so a new field shows up in tests. */
function unknownKeys(line: number, builder: BuilderJson): string[] {
  const unknown = Object.keys(builder).filter((k) => !BUILDER_KEYS.has(k));
  for (const [i, node] of (builder.Nodes ?? []).entries()) {
    unknown.push(
      ...Object.keys(node)
        .filter((k) => !NODE_KEYS.has(k))
        .map((k) => `Nodes[${i}].${k}`),
    );
  }
  return unknown.map((k) => `line ${line}: unknown key ${k}`);
}

/**
 * JSON lists a node's platforms without marking the pinned ones (`Platforms` is pinned + detected, no `*`),
 * so every entry says `pinned: false` and `platformsComplete: false` means "pins unknown": callers that
 * need pins read `inspect` (readBuilder), which marks them in every version.
 */
function nodeOf(node: NodeJson): BuildxNode {
  return {
    name: node.Name,
    endpoint: node.Endpoint,
    status: node.Status,
    buildkitVersion: node.Version || undefined,
    platforms: (node.Platforms ?? []).map((platform) => ({ platform, pinned: false })),
    platformsComplete: false,
    driverOpts: node.DriverOpts ?? {},
    buildkitdFlags: node.Flags?.length ? node.Flags.join(' ') : undefined,
    error: node.Err || undefined,
    labels: node.Labels ?? {},
  };
}

function builderOf(builder: BuilderJson): BuildxBuilder {
  return {
    name: builder.Name,
    driver: builder.Driver,
    // Before 0.24 JSON has no `Current`: false there means "not known", not "not current".
    current: builder.Current ?? false,
    error: builder.Err || undefined,
    lastActivity: activityOf(builder.LastActivity),
    // A builder that failed to load lists one zero-value node per stored node (`{"Name":"","Endpoint":""}`).
    nodes: (builder.Nodes ?? []).filter((n) => n.Name !== '').map(nodeOf),
  };
}

/** Parses `ls --format json`. 0.13–0.20 print a builder once per table row (N nodes → N+1 lines): deduped by Name. */
export function parseLsJson(text: string): Parsed<BuildxBuilder[]> {
  const builders = new Map<string, BuildxBuilder>();
  const unparsed: string[] = [];
  let previous: string | undefined;
  for (const [i, line] of linesOf(text).entries()) {
    // 0.13.1 prints each builder's line again, byte for byte, right after it: skip the copies before paying
    // for JSON and zod (a Set of whole lines would hash megabytes).
    if (line.trim() === '' || line === previous) continue;
    previous = line;
    const read = readJson(FORMAT, line, builderSchema);
    if (!read.ok) return { ok: false, error: { ...read.error, line: i + 1 } };
    if (builders.has(read.value.Name)) continue;
    builders.set(read.value.Name, builderOf(read.value));
    unparsed.push(...unknownKeys(i + 1, read.value));
  }
  return { ok: true, value: [...builders.values()], unparsed };
}
