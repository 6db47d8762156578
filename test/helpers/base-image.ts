// A real base image for builds with RUN steps: the busybox multi-platform index (linux/amd64, arm64, riscv64)
// from ../shared/tools/make-busybox-image, in a real registry on 127.0.0.1 (./registry.ts). Making it takes
// apt downloads and half a minute, so the first one is kept as an OCI layout in .cache/busybox-image and
// later registries are filled from it by skopeo, which keeps the bytes (so the digests hold).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './built-cli.js';
import { findTool } from './docker-engine.js';
import { type Registry, startRegistry } from './registry.js';
import { sharedFile } from './shared-dir.js';

const run = promisify(execFile);
const CACHE = join(ROOT, '.cache', 'busybox-image');
const LAYOUT = join(CACHE, 'oci');
const REPO_TAG = 'base/busybox:1';
export const BUSYBOX_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/riscv64'];

export interface BaseImageRegistry {
  registry: Registry;
  /** `127.0.0.1:PORT/base/busybox:1`, an index of BUSYBOX_PLATFORMS. */
  image: string;
}

const lastLine = (e: unknown) =>
  (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (e as Error).message;

/** Makes the image with make-busybox-image in `registry`, then keeps a copy of it as the cached layout. */
async function makeAndCache(registry: Registry, script: string): Promise<void> {
  const ref = `${registry.host}/${REPO_TAG}`;
  await run('bash', [script, ref], { timeout: 300_000 });
  await mkdir(CACHE, { recursive: true });
  // Parallel test files may both get here: each copies into its own folder; the first rename wins.
  const staging = await mkdtemp(join(CACHE, '.staging-'));
  try {
    const args = ['copy', '--all', '--quiet', '--src-tls-verify=false', `docker://${ref}`];
    await run('skopeo', [...args, `oci:${join(staging, 'oci')}:latest`], { timeout: 60_000 });
    await rename(join(staging, 'oci'), LAYOUT).catch((e) => {
      if (!existsSync(join(LAYOUT, 'index.json'))) throw e;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * A fresh registry holding the busybox base image; or why not (then the caller skips with that reason).
 * The caller stops `registry` (afterAll).
 */
export async function startBaseImageRegistry(): Promise<BaseImageRegistry | { skip: string }> {
  const missing = ['docker-registry', 'skopeo'].filter((t) => !findTool(t));
  if (missing.length > 0)
    return { skip: `${missing.join(', ')} not installed (apt-get install ${missing.join(' ')})` };
  const script = sharedFile('tools/make-busybox-image');
  const cached = existsSync(join(LAYOUT, 'index.json'));
  if (!cached && 'skip' in script) return script;
  const registry = await startRegistry();
  try {
    if (cached) await registry.push(LAYOUT, REPO_TAG);
    else if ('path' in script) await makeAndCache(registry, script.path);
  } catch (e) {
    await registry.stop();
    return { skip: `the busybox base image could not be made: ${lastLine(e)}` };
  }
  return { registry, image: `${registry.host}/${REPO_TAG}` };
}
