// A real registry for the e2e tier: docker-registry on 127.0.0.1, filled by skopeo from OCI layouts made
// here by hand, so no image is ever pulled from the internet.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRunner } from '../../src/buildx/exec.js';
import { expectOk } from '../../src/buildx/run-result.js';

export interface Descriptor {
  digest: string;
  size: number;
}

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `mpb:secret`, bcrypt cost 5 (docker-registry's htpasswd accepts only bcrypt). */
export const HTPASSWD = 'mpb:$2b$05$Pf7rpOihNrTN9a2L3i0vh.pEngAoGUXmJgTOv4qnz.AqQIKeuF84u\n';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const run = createRunner();

/** A port nothing listens on right now: the registry's, or a closed one for the error tests. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Writes blobs into an OCI image layout at `dir`; `finish` names the top manifest `latest`. */
function ociLayout(dir: string) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blob = (data: Buffer | string): Descriptor => {
    const bytes = Buffer.from(data);
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const json = (value: unknown) => blob(JSON.stringify(value));
  // One empty tar (two zero blocks) as the only layer: a valid image, the same for every platform.
  const tar = Buffer.alloc(1024);
  const layer = blob(gzipSync(tar));
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const manifest = (platform: OciPlatform, layers: object[]) =>
    json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: OCI_CONFIG,
        ...json({ ...platform, rootfs: { type: 'layers', diff_ids: [diffId] }, config: {} }),
      },
      layers,
    });
  return {
    json,
    image: (platform: OciPlatform) =>
      manifest(platform, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }]),
    /** A provenance attestation manifest like BuildKit's, pointing at `subject`. */
    attestation: (subject: Descriptor) =>
      manifest({ os: 'unknown', architecture: 'unknown' }, [
        {
          mediaType: 'application/vnd.in-toto+json',
          ...json({
            _type: 'https://in-toto.io/Statement/v0.1',
            subject: [{ digest: { sha256: subject.digest.slice(7) } }],
          }),
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
        },
      ]),
    finish(top: Descriptor, mediaType: string) {
      const ref = { 'org.opencontainers.image.ref.name': 'latest' };
      writeFileSync(
        join(dir, 'index.json'),
        JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType, ...top, annotations: ref }] }),
      );
      writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    },
  };
}

/** A single-platform image layout; returns its manifest's descriptor (skopeo keeps the bytes, so the digest holds). */
export function writeImageLayout(dir: string, platform: OciPlatform): Descriptor {
  const layout = ociLayout(dir);
  const manifest = layout.image(platform);
  layout.finish(manifest, OCI_MANIFEST);
  return manifest;
}

/** An index of one image and its attestation manifest, annotated the way buildx pushes them. */
export function writeAttestedLayout(dir: string, platform: OciPlatform) {
  const layout = ociLayout(dir);
  const image = layout.image(platform);
  const attestation = layout.attestation(image);
  const index = layout.json({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { mediaType: OCI_MANIFEST, ...image, platform },
      {
        mediaType: OCI_MANIFEST,
        ...attestation,
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: {
          'vnd.docker.reference.digest': image.digest,
          'vnd.docker.reference.type': 'attestation-manifest',
        },
      },
    ],
  });
  layout.finish(index, OCI_INDEX);
  return { index, image, attestation };
}

export interface Registry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Copies the OCI layout at `dir` to `host/repoTag` (all manifests of an index). */
  push(dir: string, repoTag: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts docker-registry on a free 127.0.0.1 port with its storage in a temp dir; `htpasswd` turns auth on. */
export async function startRegistry(options: { htpasswd?: string } = {}): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const auth = options.htpasswd
    ? `auth:\n  htpasswd:\n    realm: mpb-test\n    path: ${join(dir, 'htpasswd')}\n`
    : '';
  if (options.htpasswd) writeFileSync(join(dir, 'htpasswd'), options.htpasswd);
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n${auth}`,
  );
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  await waitForRegistry(host, child, () => log);
  const creds = options.htpasswd ? ['--dest-creds', 'mpb:secret'] : [];
  return {
    host,
    async push(layout, repoTag) {
      const args = [
        'copy',
        '--all',
        '--dest-tls-verify=false',
        ...creds,
        `oci:${layout}:latest`,
        `docker://${host}/${repoTag}`,
      ];
      expectOk(await run('skopeo', args, { timeoutMs: 60_000 }));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForRegistry(host: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${log()}`);
    try {
      await fetch(`http://${host}/v2/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGTERM');
  throw new Error(`docker-registry did not answer on ${host} within 10 s:\n${log()}`);
}

export interface TagIndex {
  /** The index's own digest (`Docker-Content-Digest`): what the tag points at. */
  digest: string;
  manifests: Array<{ digest: string; platform?: OciPlatform; annotations?: Record<string, string> }>;
}

const INDEX_TYPES = [OCI_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json'];

/**
 * What `repo:tag` points at, read over the registry's HTTP API rather than through mpb or buildx; undefined when
 * the tag does not exist.
 */
export async function readTag(host: string, repo: string, tag: string): Promise<TagIndex | undefined> {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: INDEX_TYPES.join(', ') },
  });
  if (r.status === 404) return undefined;
  if (!r.ok) throw new Error(`GET ${repo}:${tag} from ${host}: ${r.status}`);
  const body = (await r.json()) as { manifests?: TagIndex['manifests'] };
  return { digest: r.headers.get('docker-content-digest') ?? '', manifests: body.manifests ?? [] };
}

/** The tags of `repo` (none when the repository does not exist). */
export async function tagsOf(host: string, repo: string): Promise<string[]> {
  const r = await fetch(`http://${host}/v2/${repo}/tags/list`);
  if (r.status === 404) return [];
  if (!r.ok) throw new Error(`GET ${repo} tags from ${host}: ${r.status}`);
  return ((await r.json()) as { tags: string[] | null }).tags ?? [];
}
