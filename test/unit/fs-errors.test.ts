// Every errno mpb meets on its paths, in words, with the exit code it gets: the path's fault (2) or the machine's (1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMpbError } from '../../src/errors.js';
import { explainErrno, FsError, fsError } from '../../src/fs-errors.js';
import { withLock } from '../../src/state/lock.js';

const errno = (code: string, syscall = 'open') =>
  Object.assign(new Error(`${code}: failed, ${syscall}`), { code, syscall });

describe('fsError', () => {
  it.each([
    ['ENOENT', 2, 'the folder /nowhere/at/all does not exist', 'fs.missing'],
    ['EACCES', 2, 'permission denied', 'fs.denied'],
    ['EPERM', 2, 'permission denied', 'fs.denied'],
    ['EROFS', 2, 'the file system is read-only', 'fs.read-only'],
    ['EISDIR', 2, 'it is a folder, not a file', 'fs.is-a-folder'],
    ['ENOSPC', 1, 'no space left on the device', 'fs.no-space'],
    ['EMFILE', 1, 'too many open files', 'fs.too-many-files'],
    ['EPIPE', 1, 'the reading end closed', 'fs.failed'],
  ] as const)('%s → exit %i: "%s" (%s)', (errnoCode, exitCode, why, code) => {
    const e = fsError(errno(errnoCode), '/nowhere/at/all/x.pem', 'read');
    expect(e).toBeInstanceOf(FsError);
    expect(e).toMatchObject({
      exitCode,
      message: `cannot read /nowhere/at/all/x.pem: ${why}`,
      path: '/nowhere/at/all/x.pem',
      code,
    });
    expect(isMpbError(e) && e.hint).toBeTruthy();
  });

  it('ENOTDIR names the file that stands where a folder should be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-fs-'));
    const file = join(dir, 'F');
    writeFileSync(file, '');
    expect(explainErrno('ENOTDIR', join(file, 'a', 'b'))).toEqual({
      why: `${file} is a file, not a folder`,
      hint: `Remove or rename ${file}, or choose another path.`,
    });
  });

  it('leaves anything that is not an errno failure as it is: a real bug stays one', () => {
    const bug = new TypeError('x is undefined');
    expect(fsError(bug, '/p', 'read')).toBe(bug);
  });

  it('the lock: a lock folder that cannot be made is exit 2 naming it, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-fs-'));
    writeFileSync(join(dir, 'F'), '');
    const attempt = withLock(
      join(dir, 'F', 'locks'),
      'fleet',
      { waitMs: 100, staleMs: 60_000 },
      async () => 1,
    );
    await expect(attempt).rejects.toMatchObject({
      exitCode: 2,
      code: 'fs.not-a-folder',
      message: `cannot create the lock folder ${dir}/F/locks: ${dir}/F is a file, not a folder`,
    });
  });
});
