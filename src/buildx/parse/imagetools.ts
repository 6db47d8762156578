// `docker buildx imagetools inspect` → ImageReport: what a registry holds for one reference.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Parsed } from '../model.js';
import { readJson } from './zod-json.js';

/** A manifest entry: an attestation manifest, or the image itself. */
export interface ManifestRef {
  digest: string;
  /** Bytes of the manifest document (not of the image's layers). */
  size: number;
  mediaType: string;
}

export interface ImagePlatform extends ManifestRef {
  /** `os/arch[/variant]` as the registry has it; `unknown` when the entry names no platform. */
  platform: string;
  /** Windows images carry their OS build (`10.0.20348.2340`). */
  osVersion?: string;
  /** Attestation manifests (provenance, SBOM) whose `vnd.docker.reference.digest` is this image. */
  attestations: ManifestRef[];
}

export interface ImageReport extends ManifestRef {
  ref: string;
  kind: 'index' | 'manifest';
  platforms: ImagePlatform[];
  /** Attestation manifests that point at no image in this index. */
  attestationsUnattached?: ManifestRef[];
}

const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});
const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  digest: z.string(),
  size: z.number(),
  platform: platformSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const indexSchema = z.looseObject({ mediaType: z.string().optional(), manifests: z.array(descriptorSchema) });
// `{{json .}}`: `manifest` is the index with its own digest/size, or the bare descriptor of a
// single manifest, whose platform then comes from `image` (the one config object).
const indexDocSchema = indexSchema.extend({ digest: z.string(), size: z.number() });
const inspectSchema = z.looseObject({
  name: z.string(),
  manifest: z.union([indexDocSchema, descriptorSchema]),
  image: z.unknown().optional(),
});
const singleManifestSchema = z.looseObject({
  mediaType: z.string().optional(),
  config: z.looseObject({ digest: z.string() }),
});
// Top-level keys mpb reads; v0.8–v0.9 add `buildinfo`, v0.10.0 `Provenance`/`SBOM`
// (docs/buildx.md#imagetools-inspect).
const KNOWN_KEYS = new Set(['name', 'manifest', 'image']);
const ATTESTATION = 'attestation-manifest';
// OCI lets an index or manifest omit its own mediaType; these are what the document then is.
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

type Descriptor = z.infer<typeof descriptorSchema>;
type IndexDoc = z.infer<typeof indexDocSchema>;

const isIndex = (m: IndexDoc | Descriptor): m is IndexDoc => Array.isArray(m['manifests']);

function platformText(p: { os: string; architecture: string; variant?: string | undefined }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

const refOf = (d: Descriptor): ManifestRef => ({ digest: d.digest, size: d.size, mediaType: d.mediaType });

/** Index entries as images, with each attestation manifest moved under the image it describes. */
function platformsOf(manifests: Descriptor[]): Pick<ImageReport, 'platforms' | 'attestationsUnattached'> {
  const isAttestation = (d: Descriptor) => d.annotations?.['vnd.docker.reference.type'] === ATTESTATION;
  const platforms: ImagePlatform[] = manifests
    .filter((d) => !isAttestation(d))
    .map((d) => ({
      platform: d.platform ? platformText(d.platform) : 'unknown',
      ...refOf(d),
      ...(d.platform?.['os.version'] ? { osVersion: d.platform['os.version'] } : {}),
      attestations: [],
    }));
  const unattached: ManifestRef[] = [];
  for (const d of manifests.filter(isAttestation)) {
    const target = platforms.find((p) => p.digest === d.annotations?.['vnd.docker.reference.digest']);
    if (target) target.attestations.push(refOf(d));
    else unattached.push(refOf(d));
  }
  return unattached.length > 0 ? { platforms, attestationsUnattached: unattached } : { platforms };
}

/** Parses `imagetools inspect --format '{{json .}}'` (v0.8+): an index, or a single manifest. */
export function parseImagetoolsJson(text: string): Parsed<ImageReport> {
  const read = readJson('imagetools inspect json', text, inspectSchema);
  if (!read.ok) return read;
  const { name, manifest, image } = read.value;
  const unparsed = Object.keys(read.value).filter((k) => !KNOWN_KEYS.has(k));
  const head = { ref: name, digest: manifest.digest, size: manifest.size };
  if (isIndex(manifest)) {
    const value = { ...head, mediaType: manifest.mediaType ?? OCI_INDEX, kind: 'index' as const };
    return { ok: true, value: { ...value, ...platformsOf(manifest.manifests) }, unparsed };
  }
  const config = platformSchema.safeParse(image);
  const platform = config.success ? platformText(config.data) : 'unknown';
  const only: ImagePlatform = { platform, ...refOf(manifest), attestations: [] };
  return {
    ok: true,
    value: { ...head, mediaType: manifest.mediaType, kind: 'manifest', platforms: [only] },
    unparsed,
  };
}

/**
 * Parses `imagetools inspect --raw`: the registry's bytes (OCI index, Docker manifest list or a
 * single manifest). The document carries no digest of its own: it is the sha256 of these bytes.
 */
export function parseRawManifest(text: string, ref: string): Parsed<ImageReport> {
  const head = {
    ref,
    digest: `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`,
    size: Buffer.byteLength(text, 'utf8'),
  };
  const index = readJson('imagetools inspect --raw', text, indexSchema);
  if (index.ok) {
    const value = { ...head, mediaType: index.value.mediaType ?? OCI_INDEX, kind: 'index' as const };
    return { ok: true, value: { ...value, ...platformsOf(index.value.manifests) }, unparsed: [] };
  }
  const single = readJson('imagetools inspect --raw', text, singleManifestSchema);
  if (!single.ok) return index;
  const mediaType = single.value.mediaType ?? OCI_MANIFEST;
  // The platform of a single manifest lives in its config blob, which --raw does not fetch.
  const only: ImagePlatform = {
    platform: 'unknown',
    digest: head.digest,
    size: head.size,
    mediaType,
    attestations: [],
  };
  return { ok: true, value: { ...head, mediaType, kind: 'manifest', platforms: [only] }, unparsed: [] };
}
