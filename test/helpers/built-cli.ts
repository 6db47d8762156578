// Runs the built CLI (`node bin/mpb.js`) as a user would; ensureBuilt builds dist/ first when src/ is newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MPB_BIN = join(ROOT, 'bin', 'mpb.js');

/** What dist/ is made of: src/ (its folders too, which a deleted file changes), the bundler's config and the packages. */
function newestSource(root: string): number {
  const src = join(root, 'src');
  const inputs = [src, ...readdirSync(src, { recursive: true, encoding: 'utf8' }).map((f) => join(src, f))];
  for (const file of ['rolldown.config.mjs', 'package.json', 'package-lock.json'])
    if (existsSync(join(root, file))) inputs.push(join(root, file));
  return Math.max(...inputs.map((f) => statSync(f).mtimeMs));
}

/**
 * Builds dist/ with the project's own build (`npm run build`: rolldown) when anything it is made of is newer
 * than dist/cli.js, so a bare `vitest run` after editing src/ tests the edit. A build that fails throws with its
 * output: the tiers never run an old bundle. vitest runs this once per run, in its own process, before any test
 * file (test/helpers/build-once.ts, the globalSetup of the flows and e2e tiers): never in two workers at once,
 * which would each empty dist/ under the other's mpb processes. `root` and `command` are for its own test.
 */
export function ensureBuilt(
  options: { root?: string; command?: readonly string[] } = {},
): 'up to date' | 'built' {
  const { root = ROOT, command = ['npm', 'run', 'build'] } = options;
  const built = join(root, 'dist', 'cli.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(root)) return 'up to date';
  const [file, ...args] = command as [string, ...string[]];
  const r = spawnSync(file, args, { cwd: root, encoding: 'utf8', stdio: 'pipe', timeout: 300_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const how = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  if (r.error || r.status !== 0)
    throw new Error(`dist/ is older than src/, and \`${command.join(' ')}\` failed (${how}):\n${output}`);
  if (!existsSync(built)) throw new Error(`\`${command.join(' ')}\` left no dist/cli.js:\n${output}`);
  return 'built';
}

/** The environment of a user's plain shell: no CI, colour or GitHub variables from the test runner's own. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['CI', 'GITHUB_ACTIONS', 'FORCE_COLOR', 'NO_COLOR', 'MPB_CONFIG', 'MPB_BUILDER'])
    delete env[name];
  return { ...env, ...extra };
}

export interface MpbResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runMpb(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): MpbResult {
  const r = spawnSync(process.execPath, [MPB_BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
