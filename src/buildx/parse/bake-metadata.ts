// `docker buildx bake --metadata-file` → per target, what its build produced (the keys of a build's metadata
// file). Captures: test/fixtures/bake/<version>/bake-*.metadata.json.
import { z } from 'zod';
import type { Parsed } from '../model.js';
import { type BuildMetadata, buildMetadataOf, buildMetadataSchema } from './metadata.js';
import { readJson } from './zod-json.js';

export interface BakeMetadata {
  /** Target → its build's metadata. A target built only as another's `target:` context has `buildRef` only. */
  targets: Record<string, BuildMetadata>;
  /** `buildx.build.warnings` (v0.15+, only when the build warned): buildx's warning objects, as written. */
  warnings: unknown[];
}

const WARNINGS = 'buildx.build.warnings';
const bakeMetadataSchema = z.record(z.string(), z.union([buildMetadataSchema, z.array(z.unknown())]));

/** Parses bake's metadata file; a target's unknown keys come back in `unparsed` as `TARGET.KEY`. */
export function parseBakeMetadataFile(text: string): Parsed<BakeMetadata> {
  const read = readJson('bake metadata file', text, bakeMetadataSchema);
  if (!read.ok) return read;
  const targets: Record<string, BuildMetadata> = {};
  const unparsed: string[] = [];
  let warnings: unknown[] = [];
  for (const [key, value] of Object.entries(read.value)) {
    if (Array.isArray(value)) {
      if (key === WARNINGS) warnings = value;
      else unparsed.push(key);
      continue;
    }
    const target = buildMetadataOf(value);
    targets[key] = target.value;
    unparsed.push(...target.unparsed.map((k) => `${key}.${k}`));
  }
  return { ok: true, value: { targets, warnings }, unparsed };
}
