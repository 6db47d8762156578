// Which docker-buildx binary `docker buildx` would run: the docker CLI's own search (cli-plugins/manager), for
// the remembered version (version-cache.ts) and for running that binary itself (exec.ts): the same program,
// without docker's start and its metadata call to the plugin before every command (BENCHMARKS.md, issue #15).
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

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

/** The first `docker` on PATH, as a shell would find it; undefined when there is none (or on Windows). */
export function dockerOnPath(env: NodeJS.ProcessEnv, platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const found = statOf(join(dir, 'docker'));
    if (found !== 'absent' && found !== undefined) return found.path;
  }
  return undefined;
}

/**
 * The plugin to run `docker buildx ARGS` as `PLUGIN ARGS` (buildx's standalone mode: same commands, same
 * config, same output), or undefined to go through docker: `MPB_BUILDX_DIRECT=0`, no `docker` on PATH (mpb
 * then says docker is missing, as before), or a plugin mpb cannot be sure docker would pick.
 */
export function directPlugin(env: NodeJS.ProcessEnv, platform = process.platform): string | undefined {
  if (env['MPB_BUILDX_DIRECT'] === '0' || dockerOnPath(env, platform) === undefined) return undefined;
  return resolvePlugin(env, platform)?.path;
}
