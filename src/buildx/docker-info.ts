// `docker info`: which image store the local Docker has. buildx loads a multi-platform image (`--load` of
// several platforms) only into the containerd image store, which it reads from `DriverStatus`
// (util/dockerutil/client.go features, 0.11 … 0.29.1: a `driver-type` of `io.containerd.snapshotter.v1`).

import { TIMEOUT_MS } from './exec.js';
import type { Runner } from './run-types.js';

/** The storage driver's name, a space, then the driver's status pairs as JSON. */
export const IMAGE_STORE_ARGS = ['info', '--format', '{{.Driver}} {{json .DriverStatus}}'] as const;

const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1';

export type ImageStore =
  | { kind: 'containerd' }
  /** `driver`: the storage driver's name (`overlay2`, `vfs`), empty where Docker did not say. */
  | { kind: 'classic'; driver: string }
  /** docker info failed or printed what mpb cannot read: `why` says so. */
  | { kind: 'unknown'; why: string };

/**
 * The store from IMAGE_STORE_ARGS's output: DriverStatus is `[["driver-type","io.containerd.snapshotter.v1"]]`
 * with the containerd store (Docker's docs, engine/storage/containerd.md), pairs like
 * `[["Backing Filesystem","extfs"]]` with overlay2, `null` with vfs (a real Docker 20.10.24: `vfs null`).
 */
export function parseImageStore(text: string): ImageStore {
  const line = text.trim();
  // No driver name: the line is the JSON alone (its strings may hold spaces).
  const space = line.startsWith('[') || line === 'null' ? -1 : line.indexOf(' ');
  const driver = space === -1 ? '' : line.slice(0, space);
  let status: unknown;
  try {
    status = JSON.parse(space === -1 ? line : line.slice(space + 1));
  } catch {
    return { kind: 'unknown', why: `docker info printed ${JSON.stringify(line.slice(0, 80))}` };
  }
  if (status !== null && !Array.isArray(status))
    return { kind: 'unknown', why: 'docker info printed no DriverStatus list' };
  const pairs = (status ?? []).filter((p): p is [string, string] => Array.isArray(p) && p.length === 2);
  if (pairs.some(([k, v]) => k === 'driver-type' && v === CONTAINERD_SNAPSHOTTER))
    return { kind: 'containerd' };
  return { kind: 'classic', driver };
}

/** Asks the local Docker (the one `--load` loads into) for its image store: one `docker info`. */
export async function readImageStore(run: Runner): Promise<ImageStore> {
  const r = await run('docker', [...IMAGE_STORE_ARGS], { timeoutMs: TIMEOUT_MS.read });
  if (r.exitCode !== 0) {
    const line = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.exitCode}`;
    return { kind: 'unknown', why: `docker info failed: ${line.trim()}` };
  }
  return parseImageStore(r.stdout);
}
