// Which daemon built which platform, told by the daemons' own disks rather than by mpb or buildx: the
// Dockerfile's RUN step writes /mpb-truth/NONCE-<platform> holding `uname -m`, and the native snapshotter
// keeps each committed layer as a plain directory under <root>/<worker>/snapshots/snapshots/<id>/, so
// finding that file under a daemon's --root proves the step ran there, and `uname -m` says on what CPU
// (aarch64 on an amd64 host: through QEMU).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const TRUTH_DIR = 'mpb-truth';

/** A fresh marker for one build, so records of earlier builds on the same daemons never count. */
export function truthNonce(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

/** A platform whose RUN step waits after leaving its marker: time for a fault test to strike mid-build. */
export interface Hold {
  platform: string;
  seconds: number;
}

/**
 * Dockerfile lines (after FROM) that leave the marker for `nonce` in the image's layer; with `hold`, that
 * platform's step then sleeps (one-second steps, so a kill ends it at once) before it commits.
 */
export function truthSteps(nonce: string, hold?: Hold): string {
  const mark = `mkdir -p /${TRUTH_DIR} && uname -m > "/${TRUTH_DIR}/${nonce}-$(echo "$TARGETPLATFORM" | tr / -)"`;
  const wait = hold
    ? ` && if [ "$TARGETPLATFORM" = "${hold.platform}" ]; then for i in $(seq ${hold.seconds}); do sleep 1; done; fi`
    : '';
  return ['ARG TARGETPLATFORM', `RUN ${mark}${wait}`].join('\n');
}

export interface TruthRecord {
  /** The daemon whose --root holds the marker. */
  daemon: string;
  /** `uname -m` in the RUN step: x86_64, aarch64, riscv64. */
  machine: string;
}

/**
 * For each platform the markers of `nonce` name, the daemons that ran its RUN step, e.g.
 * `{ 'linux/amd64': [{ daemon: 'a', machine: 'x86_64' }], 'linux/arm64': [{ daemon: 'b', machine: 'aarch64' }] }`.
 */
export async function whoBuilt(
  daemons: readonly { name: string; root: string }[],
  nonce: string,
): Promise<Record<string, TruthRecord[]>> {
  const found: Record<string, TruthRecord[]> = {};
  for (const daemon of daemons) {
    for (const dir of await snapshotDirs(daemon.root)) {
      const truth = join(dir, TRUTH_DIR);
      if (!existsSync(truth)) continue;
      for (const file of await readdir(truth)) {
        if (!file.startsWith(`${nonce}-`)) continue;
        const platform = file.slice(nonce.length + 1).replaceAll('-', '/');
        const machine = (await readFile(join(truth, file), 'utf8')).trim();
        const records = found[platform] ?? [];
        // A later layer on top of the RUN step's carries the same file: count each daemon once.
        if (!records.some((r) => r.daemon === daemon.name)) records.push({ daemon: daemon.name, machine });
        found[platform] = records;
      }
    }
  }
  return found;
}

/**
 * Waits until the RUN step of `nonce` for `platform` has left its marker on one of the daemons (the native
 * snapshotter's active snapshot is a plain directory too, so the marker shows while the step still runs), and
 * names that daemon; rejects after `timeoutMs`.
 */
export async function waitForStep(
  daemons: readonly { name: string; root: string }[],
  nonce: string,
  platform: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [record] = (await whoBuilt(daemons, nonce))[platform] ?? [];
    if (record) return record.daemon;
    if (Date.now() > deadline) throw new Error(`no daemon started the ${platform} step of ${nonce}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every snapshot directory of every native-snapshotter worker under a daemon's --root. */
async function snapshotDirs(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const dirs: string[] = [];
  for (const worker of await readdir(root)) {
    const snapshots = join(root, worker, 'snapshots', 'snapshots');
    if (!existsSync(snapshots)) continue;
    for (const id of await readdir(snapshots)) dirs.push(join(snapshots, id));
  }
  return dirs;
}
