// `../shared` beside the repository: the project's design notes and the real buildx captures the fixtures are
// copied from. MPB_SHARED_DIR points somewhere else (relative paths start at the repository root).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type SharedDir = { dir: string } | { skip: string };

/** The shared folder, or why a test that needs it is skipped. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): SharedDir {
  const dir = resolve(ROOT, env['MPB_SHARED_DIR'] || '../shared');
  return existsSync(dir)
    ? { dir }
    : { skip: `no shared folder at ${dir} (put it beside the repository, or set MPB_SHARED_DIR)` };
}
