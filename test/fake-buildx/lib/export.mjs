// The end of a node's solve: the exporter vertex (push to the fake registry, --load, or the docker driver's own
// export), the tags, and the --metadata-file document (captures build-push, build-load-multi,
// default-build-arm64-push; metadata keys per docs/buildx.md#build-metadata-file).
import { normalizeRef, storeIndex } from './registry.mjs';

const MULTI_LOAD = 'docker exporter does not currently support exporting manifest lists';
const repoOf = (tag) =>
  tag.lastIndexOf(':') > tag.lastIndexOf('/') ? tag.slice(0, tag.lastIndexOf(':')) : tag;

/** Prints the exporter vertex for one node's images; returns {images, index?, error?}. */
export function exportNode(ctx, job, progress, images) {
  const { push, load } = job.outputs;
  if (job.flags['metadata-file'] && ctx.version.caps.provenanceVertex)
    progress.done(progress.start('resolving provenance for metadata file'));
  if (!push && !load) return { images };
  if (job.dockerDriver) return exportWithDocker(job, progress, images);
  const vertex = progress.start(push ? 'exporting to image' : 'exporting to docker image format');
  // buildx 0.11+ loads several platforms through the OCI importer where the image store is containerd.
  const ociLoad = ctx.version.caps.ociLoad && job.state.engine?.imageStore === 'containerd';
  if (load && job.requested.length > 1 && !ociLoad) {
    progress.error(vertex, MULTI_LOAD);
    return { images, error: `failed to solve: ${MULTI_LOAD}` };
  }
  progress.status(vertex, 'exporting layers done');
  for (const i of images) {
    progress.status(vertex, `exporting manifest ${i.manifest.digest} done`);
    progress.status(vertex, `exporting config ${i.config.digest} done`);
    if (push) progress.status(vertex, `exporting attestation manifest ${i.attestation.digest} done`);
  }
  if (!push) {
    progress.status(vertex, 'sending tarball 0.0s done');
    progress.done(vertex);
    return { images };
  }
  const index = storeIndex(job.state, images);
  // An untagged push still makes the registry known to imagetools (it answers).
  if (job.outputs.byDigestName) {
    const { host } = normalizeRef(job.outputs.byDigestName);
    job.state.registries = [...new Set([...(job.state.registries ?? []), host])];
  }
  progress.status(vertex, `exporting manifest list ${index.digest} done`);
  progress.status(vertex, 'pushing layers 0.0s done');
  // One node pushes its tags; several push by digest and buildx merges them afterwards.
  const targets = job.outputs.byDigestName
    ? [job.outputs.byDigestName]
    : job.multiNode
      ? [...new Set(job.tags.map(repoOf))]
      : job.tags.map((t) => `${t}@${index.digest}`);
  for (const t of targets) progress.status(vertex, `pushing manifest for ${t} 0.0s done`);
  progress.done(vertex, 0.1);
  return { images, index };
}

// The docker driver writes the image into the engine and pushes it with docker (capture default-build-arm64-push).
function exportWithDocker(job, progress, images) {
  const [image] = images;
  const vertex = progress.start('exporting to image');
  progress.status(vertex, 'exporting layers done');
  progress.status(vertex, `writing image ${image.config.digest} done`);
  for (const tag of job.tags) progress.status(vertex, `naming to ${tag} done`);
  progress.done(vertex);
  if (!job.outputs.push) return { images };
  const layers = JSON.parse(job.state.blobs[image.manifest.digest].raw).layers;
  for (const tag of job.tags) {
    const push = progress.start(`pushing ${tag} with docker`);
    for (const l of layers) progress.status(push, `pushing layer ${l.digest.slice(7, 19)} done`);
    progress.done(push);
  }
  return { images, index: { ...image.manifest, platform: undefined } };
}

export function tagIndex(state, tags, index) {
  for (const tag of tags) {
    const { name, tag: t } = normalizeRef(tag);
    state.registry[`${name}:${t}`] = index.digest;
  }
}

/** The --metadata-file document: only the merged digest for a multi-node push, as buildx writes it. */
export function metadataFor(ctx, job, results, index) {
  if (job.multiNode && job.outputs.push) return { 'containerimage.digest': index.digest };
  const meta = {};
  if (ctx.version.caps.treeLs) meta['buildx.build.ref'] = `${job.builder}/${job.nodeNames[0]}/${job.ref}`;
  const only = results[0]?.images ?? [];
  if (index) {
    meta['containerimage.descriptor'] = {
      mediaType: index.mediaType,
      digest: index.digest,
      size: index.size,
    };
    meta['containerimage.digest'] = index.digest;
  } else if (job.outputs.load && only[0]) {
    meta['containerimage.descriptor'] = {
      mediaType: only[0].manifest.mediaType,
      digest: only[0].manifest.digest,
      size: only[0].manifest.size,
    };
    meta['containerimage.digest'] = only[0].manifest.digest;
  }
  if (only.length === 1 && (index || job.outputs.load))
    meta['containerimage.config.digest'] = only[0].config.digest;
  const imageName = job.outputs.byDigestName ?? job.tags.join(',');
  if (imageName && (index || job.outputs.load)) meta['image.name'] = imageName;
  return Object.fromEntries(
    Object.keys(meta)
      .sort()
      .map((k) => [k, meta[k]]),
  );
}
