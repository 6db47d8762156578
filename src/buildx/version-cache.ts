// `docker buildx version` remembered. The plugin prints the version built into its binary, so while the
// binary docker would run has the same path, size and mtime, the line it printed last time is still true and
// a converged run saves a whole docker + plugin start (0.87× an `inspect`, BENCHMARKS.md). Anything unclear —
// a plugin docker might find elsewhere, an unreadable or foreign cache — means "not known": run it.
import { join } from 'node:path';
import { cacheDirOf, readPrivate, writePrivate } from '../state/private-cache.js';
import type { BuildxVersion } from './model.js';
import type { PluginKey } from './plugin.js';
import { parseBuildxVersion } from './version.js';

interface CacheRecord extends PluginKey {
  stdout: string;
}

const cacheFileOf = (env: NodeJS.ProcessEnv): string => join(cacheDirOf(env), 'buildx-version.json');

const sameKey = (a: PluginKey, b: PluginKey): boolean =>
  a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** What `docker buildx version` printed for this very binary, or undefined. */
export function rememberedVersion(env: NodeJS.ProcessEnv, key: PluginKey): string | undefined {
  const record = readPrivate<Partial<CacheRecord>>(cacheFileOf(env));
  const { path, size, mtimeMs, stdout } = record ?? {};
  if (typeof path !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number') return undefined;
  if (typeof stdout !== 'string' || !sameKey({ path, size, mtimeMs }, key)) return undefined;
  return stdout;
}

/** Remembers what this binary printed. */
export function rememberVersion(env: NodeJS.ProcessEnv, key: PluginKey, stdout: string): void {
  const record: CacheRecord = { ...key, stdout };
  writePrivate(cacheFileOf(env), JSON.stringify(record));
}

/** The remembered version of this very binary, parsed; undefined when not remembered or not readable. */
export function knownVersion(env: NodeJS.ProcessEnv, key: PluginKey): BuildxVersion | undefined {
  const remembered = rememberedVersion(env, key);
  const parsed = remembered === undefined ? undefined : parseBuildxVersion(remembered);
  return parsed?.ok ? parsed.value : undefined;
}
