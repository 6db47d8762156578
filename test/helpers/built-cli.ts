// Runs the built CLI (`node bin/mpb.js`) as a user would; builds dist/ first when src/ is newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MPB_BIN = join(ROOT, 'bin', 'mpb.js');

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs),
  );
}

/**
 * `npm test` builds before vitest; a lone `vitest run` after editing src/ builds here instead. Type errors
 * are `npm run typecheck`'s to report (tsc still emits), so only a build that leaves no dist/ fails.
 */
export function ensureBuilt(): void {
  const built = join(ROOT, 'dist', 'cli.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  if (!existsSync(built)) throw new Error('npm run build left no dist/cli.js: run it to see why');
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
