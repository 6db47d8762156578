// `docker buildx version` remembered. The plugin prints the version built into its binary, so while the
// binary docker would run has the same path, size and mtime, the line it printed last time is still true and
// a converged run saves a whole docker + plugin start (0.87× an `inspect`, BENCHMARKS.md). Anything unclear —
// a plugin docker might find elsewhere, an unreadable or foreign cache — means "not known": run it.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDirOf, readPrivate, writePrivate } from '../state/private-cache.js';

/** The plugin file docker would run, as it is now. */
export interface PluginKey {
  path: string;
  size: number;
  mtimeMs: number;
}

// The docker CLI's search on Linux and macOS (cli-plugins/manager/manager_unix.go): the user's folder first.
const SYSTEM_PLUGIN_DIRS = [
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

const dockerConfigDir = (env: NodeJS.ProcessEnv): string =>
  env['DOCKER_CONFIG'] || join(env['HOME'] || homedir(), '.docker');

function statOf(path: string): PluginKey | 'absent' | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? { path, size: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : undefined;
  }
}

// config.json's cliPluginsExtraDirs are searched before all others: not followed here, so not resolvable.
function hasExtraPluginDirs(configDir: string): boolean {
  try {
    return readFileSync(join(configDir, 'config.json'), 'utf8').includes('cliPluginsExtraDirs');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The docker-buildx binary `docker buildx` would run, or undefined when mpb cannot be sure which one. */
export function resolvePlugin(env: NodeJS.ProcessEnv, platform = process.platform): PluginKey | undefined {
  if (platform === 'win32') return undefined;
  const configDir = dockerConfigDir(env);
  if (hasExtraPluginDirs(configDir)) return undefined;
  for (const dir of [join(configDir, 'cli-plugins'), ...SYSTEM_PLUGIN_DIRS]) {
    const found = statOf(join(dir, 'docker-buildx'));
    if (found !== 'absent') return found;
  }
  return undefined;
}

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
