// Images the fake pushes: real content-addressed JSON (image config, image manifest, provenance attestation,
// index) laid out as BuildKit v0.11 writes them, so digests and sizes behave like a registry's.
import { createHash } from 'node:crypto';

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  intoto: 'application/vnd.in-toto+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
};

export const digestOf = (raw) => `sha256:${createHash('sha256').update(raw).digest('hex')}`;
export const pretty = (doc) => JSON.stringify(doc, null, 2);

export function storeBlob(state, mediaType, raw) {
  const digest = digestOf(raw);
  state.blobs[digest] = { mediaType, raw };
  return { mediaType, digest, size: Buffer.byteLength(raw) };
}

/** `linux/arm/v7` → OCI platform object (architecture, os, variant). */
export function platformObject(platform) {
  const [os, architecture, variant] = platform.split('/');
  return { architecture, os, ...(variant ? { variant } : {}) };
}

/** Stores one platform's image (config, manifest) and its provenance attestation; returns their descriptors. */
export function storeImage(state, platform, config, layers) {
  const configDesc = storeBlob(state, MT.ociConfig, JSON.stringify(config));
  const manifest = storeBlob(
    state,
    MT.ociManifest,
    pretty({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: configDesc,
      layers: layers.map((l) => ({ mediaType: MT.layer, digest: l.digest, size: l.size })),
    }),
  );
  const statement = storeBlob(
    state,
    MT.intoto,
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [
        {
          name: `pkg:docker/image?platform=${encodeURIComponent(platform)}`,
          digest: { sha256: manifest.digest.slice(7) },
        },
      ],
      predicate: {
        builder: { id: '' },
        buildType: 'https://mobyproject.org/buildkit@v1',
        metadata: { reproducible: false },
      },
    }),
  );
  const attConfig = storeBlob(
    state,
    MT.ociConfig,
    JSON.stringify({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [statement.digest] },
    }),
  );
  const attestation = storeBlob(
    state,
    MT.ociManifest,
    pretty({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: attConfig,
      layers: [
        { ...statement, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } },
      ],
    }),
  );
  return {
    platform,
    config: configDesc,
    manifest: { ...manifest, platform: platformObject(platform) },
    attestation: {
      ...attestation,
      annotations: {
        'vnd.docker.reference.digest': manifest.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  };
}

/**
 * Stores an index over images; `dockerList` gives buildx ≤0.12's merged manifest list (mediaType first,
 * capture imagetools-raw in 0.10.5). Returns its descriptor.
 */
export function storeIndex(state, images, { dockerList = false } = {}) {
  const manifests = images.flatMap((i) => [i.manifest, i.attestation]);
  const doc = dockerList
    ? { mediaType: MT.dockerList, schemaVersion: 2, manifests }
    : { schemaVersion: 2, mediaType: MT.ociIndex, manifests };
  return storeBlob(state, doc.mediaType, pretty(doc));
}

/** `host/repo:tag` with docker.io's defaults filled in, as reference.ParseNormalizedNamed prints it. */
export function normalizeRef(ref) {
  let [name, tag] = ref.includes('@') ? [ref.split('@')[0], undefined] : [ref, undefined];
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) [name, tag] = [name.slice(0, colon), name.slice(colon + 1)];
  const first = name.split('/')[0];
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) name = `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  return { name, tag: tag ?? (ref.includes('@') ? undefined : 'latest'), host: name.split('/')[0] };
}
