// `docker buildx imagetools inspect [--raw] [--format TPL] NAME` over the fake registry (util/imagetools/printers.go
// at v0.13.1; captures imagetools*). Annotations are printed sorted; buildx uses Go map order (random).

import { tagIndex } from './export.mjs';
import { parseFlags } from './flags.mjs';
import { normalizeRef, pretty, storeBlob } from './registry.mjs';
import { CliError } from './runtime.mjs';
import { readState, updateState } from './state.mjs';
import { tabwrite } from './tabwriter.mjs';

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

function resolve(state, ref) {
  const { name, tag, host } = normalizeRef(ref);
  const known =
    (state.registries ?? []).includes(host) ||
    Object.keys(state.registry).some((k) => k.startsWith(`${host}/`));
  if (!known) {
    const scheme = host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https';
    const path = `${name.slice(host.length + 1)}/manifests/${tag ?? ref.split('@')[1]}`;
    const [addr, port] = host.split(':');
    throw new CliError(
      `failed to do request: Head "${scheme}://${host}/v2/${path}": dial tcp ${addr}:${port ?? (scheme === 'http' ? 80 : 443)}: connect: connection refused`,
    );
  }
  const digest = ref.includes('@') ? ref.split('@')[1] : state.registry[`${name}:${tag}`];
  const blob = digest && state.blobs[digest];
  if (!blob) throw new CliError(`${ref}: not found`);
  return { normalized: tag ? `${name}:${tag}` : name, digest, blob, size: Buffer.byteLength(blob.raw) };
}

function imageConfigs(state, index) {
  const configs = {};
  for (const m of index.manifests) {
    if (m.platform?.os === 'unknown') continue;
    const manifest = JSON.parse(state.blobs[m.digest].raw);
    const p = m.platform;
    configs[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = JSON.parse(
      state.blobs[manifest.config.digest].raw,
    );
  }
  return configs;
}

function templateData(state, ref, found) {
  const doc = JSON.parse(found.blob.raw);
  if (!INDEX_TYPES.includes(found.blob.mediaType)) {
    const image = JSON.parse(state.blobs[doc.config.digest].raw);
    return {
      name: ref,
      manifest: { mediaType: found.blob.mediaType, digest: found.digest, size: found.size },
      image,
    };
  }
  const manifest = {
    schemaVersion: doc.schemaVersion,
    mediaType: doc.mediaType,
    digest: found.digest,
    size: found.size,
    manifests: doc.manifests,
    ...(doc.annotations ? { annotations: doc.annotations } : {}),
  };
  const configs = imageConfigs(state, doc);
  const platforms = Object.keys(configs).sort();
  const image =
    platforms.length === 1
      ? configs[platforms[0]]
      : Object.fromEntries(platforms.map((p) => [p, configs[p]]));
  return { name: ref, manifest, image };
}

function manifestListText(found) {
  const doc = JSON.parse(found.blob.raw);
  let out = tabwrite('\t\nManifests:\t\n');
  let segment = '';
  doc.manifests.forEach((m, i) => {
    if (i > 0) segment += '\t\n';
    segment += `  Name:\t${found.normalized}@${m.digest}\n  MediaType:\t${m.mediaType}\n`;
    if (!m.platform) return;
    const p = m.platform;
    segment += `  Platform:\t${[p.os, p.architecture, p.variant].filter(Boolean).join('/')}\n`;
    const keys = Object.keys(m.annotations ?? {}).sort();
    if (keys.length) {
      // buildx flushes here and prints the annotations with a second tabwriter.
      out += tabwrite(`${segment}  Annotations:\t\n`);
      segment = '';
      out += tabwrite(keys.map((k) => `    ${k}:\t${m.annotations[k]}\n`).join(''));
    }
  });
  return out + tabwrite(segment);
}

/** `imagetools create --tag T... SRC@DIGEST...`: one index of every source's manifests, under each tag (capture imagetools-create). */
function runCreate(ctx, argv) {
  const { flags, args } = parseFlags(
    argv,
    { array: ['tag'], bool: ['dry-run'], short: { t: 'tag' } },
    'imagetools create',
  );
  const tags = flags.tag ?? [];
  updateState((state) => {
    const manifests = args.flatMap((src) => {
      const found = resolve(state, src);
      const doc = JSON.parse(found.blob.raw);
      return INDEX_TYPES.includes(found.blob.mediaType)
        ? doc.manifests
        : [{ mediaType: found.blob.mediaType, digest: found.digest, size: found.size }];
    });
    const index = storeBlob(
      state,
      INDEX_TYPES[0],
      pretty({ schemaVersion: 2, mediaType: INDEX_TYPES[0], manifests }),
    );
    if (flags['dry-run']) {
      ctx.stdout(`${state.blobs[index.digest].raw}\n`);
      return;
    }
    tagIndex(state, tags, index);
    for (const t of tags) ctx.stderr(`#1 [internal] pushing ${t}\n#1 DONE 0.0s\n`);
  }, ctx.env);
  return 0;
}

export function runImagetools(ctx, argv) {
  if (argv[0] === 'create') return runCreate(ctx, argv.slice(1));
  const { flags, args } = parseFlags(argv, { bool: ['raw'], string: ['format'] }, 'imagetools inspect');
  if (args[0] !== 'inspect')
    throw new CliError(`fake buildx: imagetools ${args[0] ?? ''} is not implemented`);
  if (args.length !== 2)
    throw new CliError('"docker buildx imagetools inspect" requires exactly 1 argument.');
  if (flags.raw && flags.format) throw new CliError('format and raw cannot be used together');
  const state = readState(ctx.env);
  const found = resolve(state, args[1]);
  if (flags.raw) {
    ctx.stdout(found.blob.raw);
    return 0;
  }
  const format = flags.format ?? '{{.Manifest}}';
  // Any template starting with `{{.Manifest` prints the text block (buildx 0.8–0.32 quirk).
  if (format.startsWith('{{.Manifest')) {
    ctx.stdout(
      tabwrite(`Name:\t${found.normalized}\nMediaType:\t${found.blob.mediaType}\nDigest:\t${found.digest}\n`),
    );
    if (INDEX_TYPES.includes(found.blob.mediaType)) ctx.stdout(manifestListText(found));
    return 0;
  }
  const data = templateData(state, args[1], found);
  const json = (v) => JSON.stringify(v, null, 2);
  const templates = {
    '{{json .}}': () => json(data),
    '{{json .Manifest}}': () => json(data.manifest),
    '{{json .Image}}': () => json(data.image),
    '{{.Name}}': () => data.name,
  };
  if (!templates[format]) throw new CliError(`fake buildx: --format ${format} is not implemented`);
  ctx.stdout(templates[format]());
  return 0;
}
