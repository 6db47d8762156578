// `--cache-ref REPO` → one registry cache per platform. One `--cache-to` for a multi-node build keeps the cache
// of one platform only (docker/buildx#1044), so each platform reads and writes its own `REPO:<os>-<arch>[-<variant>]`.
import { repositoryOf } from '../buildx/image-ref.js';

export type CacheRefCheck = { ok: true; repo: string } | { ok: false; message: string; hint: string };

/** `--cache-ref` takes a repository: a tag or digest would be overwritten by the per-platform tags. */
export function checkCacheRef(text: string): CacheRefCheck {
  const repo = repositoryOf(text);
  if (text.trim() === '' || repo === '') {
    return {
      ok: false,
      message: '--cache-ref needs a repository',
      hint: 'Write e.g. --cache-ref registry.example.com/app/cache.',
    };
  }
  if (repo !== text) {
    return {
      ok: false,
      message: `--cache-ref "${text}" names a tag or digest, and mpb writes one tag per platform there`,
      hint: `Write the repository alone: --cache-ref ${repo}`,
    };
  }
  return { ok: true, repo };
}

/** `linux/arm/v7` → `REPO:linux-arm-v7`; of a bake target, `REPO:TARGET-linux-arm-v7`. */
export function cacheTagOf(repo: string, platform: string, target?: string): string {
  return `${repo}:${target ? `${target}-` : ''}${platform.split('/').join('-')}`;
}

export interface CacheFlags {
  cacheFrom: string[];
  cacheTo: string[];
}

/**
 * The cache flags of one build of `platforms`. A job that builds several platforms on one node cannot export
 * them apart, so it writes the whole build's cache to each platform's ref; the registry stores the shared
 * blobs once, and a later build of either platform reads its own ref.
 */
export function cacheFlagsOf(repo: string, platforms: readonly string[]): CacheFlags {
  const refs = platforms.map((p) => cacheTagOf(repo, p));
  return {
    cacheFrom: refs.map((ref) => `type=registry,ref=${ref}`),
    cacheTo: refs.map((ref) => `type=registry,ref=${ref},mode=max`),
  };
}
