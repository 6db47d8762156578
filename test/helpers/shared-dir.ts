// `../shared` beside the repository: the design notes, the real buildx captures the fixtures are copied from,
// and the tools and binaries the real-component tiers use. MPB_SHARED_DIR points somewhere else (relative
// paths start at the repository root).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** A file under the shared folder, or a skip reason naming where it looked. */
export function sharedFile(relative: string): { path: string } | { skip: string } {
  const shared = sharedDir();
  if ('skip' in shared) return shared;
  const path = join(shared.dir, relative);
  return existsSync(path)
    ? { path }
    : { skip: `${relative} not found in ${shared.dir} (set MPB_SHARED_DIR to the shared folder)` };
}
