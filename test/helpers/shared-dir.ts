// ../shared (tools and binaries beside the repository) as the real-component helpers find it: beside the
// repository root, as in CI's fresh clone and in a worktree's symlink, or wherever MPB_SHARED_DIR says.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './built-cli.js';

/** A file under the shared dir, or why it is not there (a skip reason naming where it looked). */
export function sharedFile(relative: string): { path: string } | { skip: string } {
  const dir = process.env['MPB_SHARED_DIR'] || resolve(ROOT, '..', 'shared');
  const path = join(dir, relative);
  if (existsSync(path)) return { path };
  return { skip: `${relative} not found in ${dir} (set MPB_SHARED_DIR to the shared dir)` };
}
