// A per-builder lock beside buildx's own state, so parallel CI jobs on one machine take turns changing a builder.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnhealthyError } from '../errors.js';
import { fsError } from '../fs-errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface LockOptions {
  /** How long to wait for another run to finish. */
  waitMs: number;
  /** A lock older than this is taken over even if its owner seems alive (a hung run). */
  staleMs: number;
  onWait?: (owner: LockOwner | undefined) => void;
}

/** Where the locks are and how long a run waits for one: the same for every command that changes a builder. */
export interface LockSettings {
  dir: string;
  waitMs: number;
  staleMs: number;
}

/** The locks beside buildx's store; a run waits 10 minutes, and a lock older than 15 is taken over. */
export function lockSettingsOf(env: NodeJS.ProcessEnv): LockSettings {
  return { dir: lockDirOf(env), waitMs: 10 * 60_000, staleMs: 15 * 60_000 };
}

// How the user chose the lock folder, for the hint of a failure there.
const WHERE =
  'The lock folder is $BUILDX_CONFIG/mpb-locks, else $DOCKER_CONFIG/buildx/mpb-locks, else ~/.docker/buildx/mpb-locks: set BUILDX_CONFIG to move it.';

/** buildx keeps its store in $BUILDX_CONFIG, else $DOCKER_CONFIG/buildx, else ~/.docker/buildx. */
export function lockDirOf(env: NodeJS.ProcessEnv): string {
  const buildx = env['BUILDX_CONFIG'] ?? join(env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'buildx');
  return join(buildx, 'mpb-locks');
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // being written, or already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when nobody can still be holding this lock: its process is gone, or it is older than staleMs. */
export function isStale(
  path: string,
  owner: LockOwner | undefined,
  staleMs: number,
  now = Date.now(),
): boolean {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false; // released meanwhile: just try again
  }
  if (now - mtime > staleMs) return true;
  return owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
}

/** O_EXCL create: exactly one process wins. */
function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(e, path, 'create the lock file', WHERE);
  }
}

// Breaking a stale lock is itself locked: otherwise two waiters could both see it stale, and the slower
// one would delete the lock the faster one had just taken.
function breakIfStale(path: string, staleMs: number): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker)) {
    if (isStale(breaker, readOwner(breaker), 10_000)) rmSync(breaker, { force: true });
    return;
  }
  try {
    if (isStale(path, readOwner(path), staleMs)) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** Runs `work` holding the lock of `name`; releases it on return, on error and on process exit. */
export async function withLock<T>(
  dir: string,
  name: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<T> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fsError(e, dir, 'create the lock folder', WHERE);
  }
  const path = join(dir, `${name}.lock`);
  const deadline = Date.now() + options.waitMs;
  let told = false;
  while (!tryCreate(path)) {
    breakIfStale(path, options.staleMs);
    if (Date.now() > deadline) {
      const owner = readOwner(path);
      throw new UnhealthyError(
        `builder "${name}" is locked by another mpb run${owner ? ` (pid ${owner.pid} on ${owner.host} since ${owner.since})` : ''}`,
        { hint: `Wait for it to finish, or remove ${path} if no mpb is running.` },
      );
    }
    if (!told) options.onWait?.(readOwner(path));
    told = true;
    await sleep(50 + Math.random() * 100);
  }
  const release = () => rmSync(path, { force: true });
  process.once('exit', release);
  try {
    return await work();
  } finally {
    process.removeListener('exit', release);
    release();
  }
}
