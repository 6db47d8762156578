// The files mpb writes for tls values given as PEM text (normalize.ts decides where): buildx reads its TLS
// files by path, on every connection. Readable by the user only; rewritten only when the text changes, so a
// converged builder keeps the same driver options and stays converged.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { explainErrno } from '../fs-errors.js';
import { buildxConfigDirOf } from './private-cache.js';

/** $BUILDX_CONFIG/mpb-certs, else $DOCKER_CONFIG/buildx/mpb-certs, else ~/.docker/buildx/mpb-certs. */
export function certsDirOf(env: NodeJS.ProcessEnv): string {
  return join(buildxConfigDirOf(env), 'mpb-certs');
}

/** The folder of one builder's PEM files: `mpb rm` removes it with the builder. */
export const builderCertsDirOf = (certsDir: string, builder: string) => join(certsDir, builder);

/** A PEM file to write: its path and text, and `at`, the config value a failure is reported on. */
interface PemWrite<At> {
  at: At;
  path: string;
  pem: string;
  /** What the text is, for the message of a failure (default: this PEM text). */
  what?: string;
}

function isCurrent({ path, pem }: PemWrite<unknown>): boolean {
  try {
    return (statSync(path).mode & 0o777) === 0o600 && readFileSync(path, 'utf8') === pem;
  } catch {
    return false;
  }
}

/**
 * Writes one PEM file unless it already holds that text (mode 0600, folders 0700, replaced at once: buildx
 * never reads half a key). A failure is a finding at the tls value; it names the file, never the text.
 */
export function writePemFile<At>(file: PemWrite<At>): { at: At; message: string; hint: string } | undefined {
  if (isCurrent(file)) return undefined;
  const tmp = `${file.path}.${process.pid}.tmp`;
  let syscall = 'mkdir';
  try {
    mkdirSync(dirname(file.path), { recursive: true, mode: 0o700 });
    syscall = 'open';
    writeFileSync(tmp, file.pem, { mode: 0o600 });
    chmodSync(tmp, 0o600); // a file left by an earlier run keeps its mode through writeFileSync
    renameSync(tmp, file.path);
    return undefined;
  } catch (e) {
    if (syscall === 'open') rmSync(tmp, { force: true });
    const errno = (e as NodeJS.ErrnoException).code ?? String(e);
    const target = syscall === 'mkdir' ? dirname(file.path) : file.path;
    const { why, hint } = explainErrno(errno, target, syscall);
    return {
      at: file.at,
      message: `cannot write ${file.what ?? 'this PEM text'} to ${file.path}, where buildx would read it: ${why} (${errno})`,
      hint,
    };
  }
}

/** Removes the PEM files mpb wrote for a builder; the folder removed, or undefined when there was none. */
export function removeBuilderPemFiles(env: NodeJS.ProcessEnv, builder: string): string | undefined {
  const dir = builderCertsDirOf(certsDirOf(env), builder);
  try {
    statSync(dir);
  } catch {
    return undefined;
  }
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
