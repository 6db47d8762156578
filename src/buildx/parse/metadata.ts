// `docker buildx build --metadata-file` → what the build produced: digest, names, build ref, provenance.
import { z } from 'zod';
import type { Parsed } from '../model.js';
import type { ManifestRef } from './imagetools.js';
import { readJson } from './zod-json.js';

export interface BuildMetadata {
  /** `containerimage.digest`: the manifest digest, or the index digest for a multi-platform image. */
  digest: string | undefined;
  /** `containerimage.descriptor` (v0.10+ single-node builds); absent after a multi-node push. */
  descriptor: ManifestRef | undefined;
  /** `containerimage.config.digest`: single-platform images only. */
  configDigest: string | undefined;
  /** `image.name`: the `-t` values as given, comma-joined by buildx. */
  imageNames: string[];
  /** `buildx.build.ref` (v0.13+): `<builder>/<node>/<ref>`. */
  buildRef: string | undefined;
  /** `buildx.build.provenance` (v0.14+), keyed by platform, `''` for the whole build. */
  provenance: Record<string, unknown>;
}

const descriptorSchema = z.looseObject({ mediaType: z.string(), digest: z.string(), size: z.number() });
/** One build's metadata object: the whole file of `build`, one value per target of `bake`'s. */
export const buildMetadataSchema = z.looseObject({
  'containerimage.digest': z.string().optional(),
  'containerimage.descriptor': descriptorSchema.optional(),
  'containerimage.config.digest': z.string().optional(),
  'image.name': z.string().optional(),
  'buildx.build.ref': z.string().optional(),
});
const KNOWN_KEYS = new Set(Object.keys(buildMetadataSchema.shape));
const PROVENANCE = 'buildx.build.provenance';

/**
 * Parses the metadata file. A multi-node push leaves only `containerimage.digest` (v0.10.5,
 * v0.13.1 and v0.29.1 `build-push.metadata.json`): every other field is optional.
 */
export function parseMetadataFile(text: string): Parsed<BuildMetadata> {
  const read = readJson('build metadata file', text, buildMetadataSchema);
  if (!read.ok) return read;
  return { ok: true, ...buildMetadataOf(read.value) };
}

/** The metadata of one build, already checked against `buildMetadataSchema`; unknown keys go to `unparsed`. */
export function buildMetadataOf(data: z.infer<typeof buildMetadataSchema>): {
  value: BuildMetadata;
  unparsed: string[];
} {
  const provenance: Record<string, unknown> = {};
  const unparsed: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === PROVENANCE || key.startsWith(`${PROVENANCE}/`))
      provenance[key.slice(PROVENANCE.length + 1)] = value;
    else if (!KNOWN_KEYS.has(key)) unparsed.push(key);
  }
  const descriptor = data['containerimage.descriptor'];
  return {
    value: {
      digest: data['containerimage.digest'],
      descriptor: descriptor && {
        digest: descriptor.digest,
        size: descriptor.size,
        mediaType: descriptor.mediaType,
      },
      configDigest: data['containerimage.config.digest'],
      imageNames: (data['image.name'] ?? '').split(',').filter((n) => n !== ''),
      buildRef: data['buildx.build.ref'],
      provenance,
    },
    unparsed,
  };
}
