// The fake's whole world in one JSON file: builders (buildx's store), the current builder, BuildKit workers per
// endpoint, containers and volumes of the fake Docker engine, and a registry. Up to four mpb processes may run
// at once, and a real buildx locks its store too: every change runs under a lock directory and lands with an
// atomic rename, so readers never see half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { syncRecords } from './records.mjs';

const LOCK_RETRY_MS = 10;
const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 10_000;

/** DOCKER_CONFIG as docker resolves it. */
export function dockerConfigDir(env = process.env) {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

/** The state file: MPB_FAKE_STATE, else next to DOCKER_CONFIG. */
export function statePath(env = process.env) {
  return env.MPB_FAKE_STATE || join(dockerConfigDir(env), 'mpb-fake-state.json');
}

export function emptyState() {
  return {
    builders: {},
    current: null,
    dockerDaemon: false,
    workers: {},
    down: [],
    fail: [],
    containers: {},
    volumes: {},
    registry: {},
    blobs: {},
    cache: [],
    builds: [],
  };
}

/** The state as it is now (no lock: writes are atomic renames). */
export function readState(env = process.env) {
  const path = statePath(env);
  if (!existsSync(path)) return emptyState();
  return { ...emptyState(), ...JSON.parse(readFileSync(path, 'utf8')) };
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function acquire(lock) {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        // A holder that died (kill -9 in a test) must not wedge every later call.
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {}
      if (Date.now() - started > LOCK_WAIT_MS)
        throw new Error(`fake buildx: state lock ${lock} held too long`);
      sleepSync(LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS));
    }
  }
}

/** Runs fn(state) under the lock and saves what it leaves; returns fn's result. fn must be synchronous. */
export function updateState(fn, env = process.env) {
  const path = statePath(env);
  mkdirSync(dirname(path), { recursive: true });
  const lock = `${path}.lock`;
  acquire(lock);
  try {
    const state = readState(env);
    const result = fn(state);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, path);
    syncRecords(state, env);
    return result;
  } finally {
    rmdirSync(lock);
  }
}
