// Real buildx for the e2e tier: Debian's docker-buildx of each suite in test/helpers/versions.ts, installed once by
// scripts/get-buildx into .cache/buildx/<suite>/ (gitignored) and reused by every test file and run. e2e-world.ts
// puts it in DOCKER_CONFIGs of a file's own.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BuildxVersion } from '../../src/buildx/model.js';
import { parseBuildxVersion } from '../../src/buildx/version.js';
import { type Suite, versionOfSuite } from './versions.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GET_BUILDX = join(REPO, 'scripts', 'get-buildx');
const INSTALL_TIMEOUT_MS = 300_000;

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
  const pluginDir = join(REPO, '.cache', 'buildx', suite);
  // get-buildx keeps an installed plugin and prints its version; test files installing at once are safe.
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [GET_BUILDX, suite, pluginDir], { timeout: INSTALL_TIMEOUT_MS }));
  } catch (e) {
    const why = lastLine((e as { stderr?: string }).stderr ?? '') || (e as Error).message;
    return { skip: `scripts/get-buildx ${suite} failed: ${why}` };
  }
  const parsed = parseBuildxVersion(lastLine(stdout));
  if (!parsed.ok) throw new Error(`${pluginDir}/docker-buildx printed an unknown version: ${stdout}`);
  // The e2e expectations are per version: a suite that moved on must be noticed, not tested as the old one.
  const { major, minor, patch, raw } = parsed.value;
  if (`${major}.${minor}.${patch}` !== versionOfSuite(suite)) {
    throw new Error(
      `Debian ${suite} now ships buildx ${raw}; test/helpers/versions.ts says ${versionOfSuite(suite)}`,
    );
  }
  return { pluginDir, version: parsed.value };
}

/** Whether a docker CLI is on PATH (no daemon needed). */
export async function hasDockerCli(): Promise<boolean> {
  return run('docker', ['--version']).then(
    () => true,
    () => false,
  );
}
