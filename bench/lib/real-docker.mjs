// The real docker CLI with real buildx 0.29.1 (Debian sid's plugin, .cache/buildx/sid) as its plugin, through a
// private DOCKER_CONFIG, so a bench never touches the user's builders; and the load average, printed beside
// real-daemon figures because on a shared machine they mean little without it.
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plainEnv } from './fake.mjs';
import { Skip } from './report.mjs';

const PLUGIN = fileURLToPath(new URL('../../.cache/buildx/sid/docker-buildx', import.meta.url));

export const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** `{ config, env }`: a fresh DOCKER_CONFIG with the plugin, and an env that names nothing else of the user's. */
export function privateDocker() {
  if (!existsSync(PLUGIN))
    throw new Skip('no .cache/buildx/sid/docker-buildx (../shared/tools/get-buildx sid .cache/buildx/sid)');
  const config = mkdtempSync(join(tmpdir(), 'mpb-bench-docker-'));
  mkdirSync(join(config, 'cli-plugins'));
  symlinkSync(PLUGIN, join(config, 'cli-plugins', 'docker-buildx'));
  const env = { ...plainEnv(), DOCKER_CONFIG: config };
  for (const name of [
    'BUILDX_BUILDER',
    'BUILDX_CONFIG',
    'DOCKER_CONTEXT',
    'DOCKER_HOST',
    'GITHUB_STEP_SUMMARY',
  ])
    delete env[name];
  return { config, env };
}
