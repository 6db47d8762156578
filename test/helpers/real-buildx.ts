// Real buildx for the e2e tier: Debian's docker-buildx (trixie = 0.13.1, sid = 0.29.1), fetched once with
// ../shared/tools/get-buildx into .cache/buildx/<suite>/ (gitignored) and reused by every test file and run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BuildxVersion } from '../../src/buildx/model.js';
import { parseBuildxVersion } from '../../src/buildx/version.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(REPO, '.cache', 'buildx');
// shared/ sits beside the repository: /work/shared here, and beside CI's fresh clone.
const GET_BUILDX = [resolve(REPO, '../shared/tools/get-buildx'), '/work/shared/tools/get-buildx'];
const INSTALL_TIMEOUT_MS = 300_000;

export type Suite = 'trixie' | 'sid';
export type RealBuildx = { pluginDir: string; version: BuildxVersion } | { skip: string };

const installs = new Map<Suite, Promise<RealBuildx>>();

/** The buildx CLI plugin of a Debian suite, or why it cannot be had here. Once per process and suite. */
export function installRealBuildx(suite: Suite): Promise<RealBuildx> {
  let install = installs.get(suite);
  if (!install) {
    install = installOnce(suite);
    installs.set(suite, install);
  }
  return install;
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

async function installOnce(suite: Suite): Promise<RealBuildx> {
  const pluginDir = join(CACHE, suite);
  const plugin = join(pluginDir, 'docker-buildx');
  if (!existsSync(plugin)) {
    const script = GET_BUILDX.find((p) => existsSync(p));
    if (!script) return { skip: `get-buildx not found (looked for ${GET_BUILDX.join(', ')})` };
    // Test files run in parallel processes: each fetches into its own folder and renames the binary into
    // place, which is atomic, so a reader never sees half a file and the last writer wins harmlessly.
    await mkdir(CACHE, { recursive: true });
    const staging = await mkdtemp(join(CACHE, `${suite}.tmp-`));
    try {
      await run('bash', [script, suite, staging], { timeout: INSTALL_TIMEOUT_MS });
      await mkdir(pluginDir, { recursive: true });
      await rename(join(staging, 'docker-buildx'), plugin);
    } catch (e) {
      const why = lastLine((e as { stderr?: string }).stderr ?? '') || (e as Error).message;
      return { skip: `get-buildx ${suite} failed (is the Debian archive reachable?): ${why}` };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  const { stdout } = await run(plugin, ['version']);
  const parsed = parseBuildxVersion(stdout);
  if (!parsed.ok) throw new Error(`${plugin} printed an unknown version: ${stdout}`);
  return { pluginDir, version: parsed.value };
}

/** A fresh DOCKER_CONFIG whose cli-plugins/docker-buildx is the given plugin; buildx keeps its state there. */
export async function dockerConfigWith(pluginDir: string): Promise<string> {
  const config = await mkdtemp(join(tmpdir(), 'mpb-e2e-docker-'));
  await mkdir(join(config, 'cli-plugins'));
  await symlink(join(pluginDir, 'docker-buildx'), join(config, 'cli-plugins', 'docker-buildx'));
  return config;
}

/** Whether a docker CLI is on PATH (no daemon needed). */
export async function hasDockerCli(): Promise<boolean> {
  return run('docker', ['--version']).then(
    () => true,
    () => false,
  );
}
