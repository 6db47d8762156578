// `docker buildx version` remembered. The plugin prints the version built into its binary, so while the
// binary docker would run has the same path, size and mtime, the line it printed last time is still true and
// a converged run saves a whole docker + plugin start (0.87× an `inspect`, BENCHMARKS.md). Anything unclear —
// a plugin docker might find elsewhere, an unreadable or foreign cache — means "not known": run it.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

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

// Beside buildx's own store, like the locks: a DOCKER_CONFIG of its own has a cache of its own.
const cacheFileOf = (env: NodeJS.ProcessEnv): string =>
  join(env['BUILDX_CONFIG'] || join(dockerConfigDir(env), 'buildx'), 'mpb-cache', 'buildx-version.json');

const sameKey = (a: PluginKey, b: PluginKey): boolean =>
  a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** What `docker buildx version` printed for this very binary, or undefined. */
export function rememberedVersion(env: NodeJS.ProcessEnv, key: PluginKey): string | undefined {
  try {
    const record = JSON.parse(readFileSync(cacheFileOf(env), 'utf8')) as Partial<CacheRecord>;
    const { path, size, mtimeMs, stdout } = record;
    if (typeof path !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number') return undefined;
    if (typeof stdout !== 'string' || !sameKey({ path, size, mtimeMs }, key)) return undefined;
    return stdout;
  } catch {
    return undefined;
  }
}

/** Remembers what this binary printed; a cache that cannot be written is only a slower next run. */
export function rememberVersion(env: NodeJS.ProcessEnv, key: PluginKey, stdout: string): void {
  const file = cacheFileOf(env);
  const record: CacheRecord = { ...key, stdout };
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // read-only home, full disk: the next run asks docker again
  }
}
