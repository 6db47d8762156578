// mpb's caches: beside buildx's store (a DOCKER_CONFIG or BUILDX_CONFIG of its own has caches of its own), only
// the user's (0700 folder, 0600 files), safe to delete at any time. A cache that cannot be read or written is
// only a slower run.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** buildx's own config folder: $BUILDX_CONFIG, else $DOCKER_CONFIG/buildx, else ~/.docker/buildx. */
export function buildxConfigDirOf(env: NodeJS.ProcessEnv): string {
  const docker = env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');
  return env['BUILDX_CONFIG'] || join(docker, 'buildx');
}

/** $BUILDX_CONFIG/mpb-cache, else $DOCKER_CONFIG/buildx/mpb-cache, else ~/.docker/buildx/mpb-cache. */
export function cacheDirOf(env: NodeJS.ProcessEnv): string {
  return join(buildxConfigDirOf(env), 'mpb-cache');
}

/** The parsed JSON of a cache file, or undefined (absent, being replaced, not JSON). Callers check its shape. */
export function readPrivate<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Replaces a cache file at once (a reader sees the old one or the new one), readable by the user only. */
export function writePrivate(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${text}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // read-only home, full disk: the next run computes it again
  }
}
