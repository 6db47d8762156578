// Filesystem and OS failures on mpb's own paths (config, certificates, locks, metadata) as errors that name the
// path, say in words what is wrong and what to do. Exit 2 when the path is wrong (the user picks another or
// fixes it), 1 when the machine is (no space, too many open files). Never "a bug in mpb".
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, type ExitCode, MpbError } from './errors.js';
import type { FaultCode } from './probe/codes.js';

/** An errno failure on a path mpb reads or writes. */
export class FsError extends MpbError {
  override readonly name = 'FsError';
  readonly exitCode: ExitCode;
  constructor(
    readonly path: string,
    readonly errno: string,
    message: string,
    options: { hint: string; cause: unknown; syscall?: string | undefined },
  ) {
    super(message, { ...options, code: codeOfErrno(errno, options.syscall) });
    this.exitCode = MACHINE_ERRORS.has(errno) ? EXIT.buildxFailed : EXIT.usage;
  }
}

// Failures of the machine, not of the path: running again elsewhere would not help.
const MACHINE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EPIPE', 'EIO', 'EBUSY', 'ENOMEM']);

function isErrno(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/** The closest ancestor of `path` that exists (`/` at worst), and whether it is a folder. */
function nearestExisting(path: string): { at: string; folder: boolean } {
  for (let p = dirname(path); ; p = dirname(p)) {
    try {
      return { at: p, folder: statSync(p).isDirectory() };
    } catch {
      if (p === dirname(p)) return { at: p, folder: true };
    }
  }
}

/** The diagnosis code of an errno of `syscall`: the same grouping as explainErrno's words. */
export function codeOfErrno(errno: string, syscall?: string): FaultCode {
  switch (errno) {
    case 'ENOTDIR':
      return 'fs.not-a-folder';
    case 'ENOENT':
      return 'fs.missing';
    case 'EACCES':
    case 'EPERM':
      return 'fs.denied';
    case 'EROFS':
      return 'fs.read-only';
    case 'EISDIR':
      return 'fs.is-a-folder';
    case 'EEXIST':
      return syscall === 'mkdir' ? 'fs.not-a-folder' : 'fs.exists';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'fs.no-space';
    case 'EMFILE':
    case 'ENFILE':
      return 'fs.too-many-files';
    default:
      return 'fs.failed';
  }
}

/** What an errno of `syscall` means for `path`, in words, and what to do about it. */
export function explainErrno(errno: string, path: string, syscall?: string): { why: string; hint: string } {
  switch (errno) {
    case 'ENOTDIR': {
      const found = nearestExisting(path);
      return found.folder
        ? { why: 'a part of the path is a file, not a folder', hint: 'Correct the path.' }
        : {
            why: `${found.at} is a file, not a folder`,
            hint: `Remove or rename ${found.at}, or choose another path.`,
          };
    }
    case 'ENOENT': {
      const found = nearestExisting(path);
      return found.at === dirname(path)
        ? { why: 'it does not exist', hint: 'Correct the path, or create the file.' }
        : {
            why: `the folder ${dirname(path)} does not exist`,
            hint: `Create it (mkdir -p ${dirname(path)}), or correct the path.`,
          };
    }
    case 'EACCES':
    case 'EPERM': {
      const found = nearestExisting(path);
      return {
        why: 'permission denied',
        hint: `Check the owner and mode of ${path} and ${found.at} (ls -ld ${found.at}), or choose another path.`,
      };
    }
    case 'EROFS':
      return { why: 'the file system is read-only', hint: 'Choose a path on a writable file system.' };
    case 'EISDIR':
      return { why: 'it is a folder, not a file', hint: 'Give the path of a file.' };
    case 'EEXIST':
      // mkdir -p fails so only where a file stands in the folder's place.
      return syscall === 'mkdir'
        ? { why: 'it is a file, not a folder', hint: `Remove or rename ${path}, or choose another path.` }
        : { why: 'it already exists', hint: 'Remove it, or choose another path.' };
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        why: errno === 'ENOSPC' ? 'no space left on the device' : 'the disk quota is used up',
        hint: `Free some space (df -h ${nearestExisting(path).at}), then run again.`,
      };
    case 'EMFILE':
    case 'ENFILE':
      return {
        why: 'too many open files',
        hint: 'Raise the limit (ulimit -n) or run fewer jobs at once, then run again.',
      };
    case 'EPIPE':
      return { why: 'the reading end closed', hint: `Check what reads ${path}.` };
    default:
      return { why: errno, hint: 'Check the path and its permissions, then run again.' };
  }
}

/**
 * An errno failure to `action` (e.g. "create the lock folder") `path` as an FsError; anything else is returned
 * as it is, so a real bug stays one. `where` adds how the path was chosen, to the hint.
 */
export function fsError(e: unknown, path: string, action: string, where?: string): unknown {
  if (!isErrno(e)) return e;
  const { why, hint } = explainErrno(e.code, path, e.syscall);
  return new FsError(path, e.code, `cannot ${action} ${path}: ${why}`, {
    hint: where ? `${hint} ${where}` : hint,
    cause: e,
    syscall: e.syscall,
  });
}
