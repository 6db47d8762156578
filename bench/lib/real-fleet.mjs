// The real parts of a section that builds: QEMU for the arm64 worker, a Docker config of its own, the busybox
// base in a registry on loopback, and BuildKit daemons with mutual TLS; all of them stopped after.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { startDaemons } from './daemons.mjs';
import { load, privateDocker } from './real-docker.mjs';
import { startBaseRegistry } from './registry.mjs';
import { Skip } from './report.mjs';

export function requireQemu() {
  const entry = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
  if (!existsSync(entry) || !readFileSync(entry, 'utf8').startsWith('enabled'))
    throw new Skip(
      'QEMU aarch64 is not registered in binfmt_misc (update-binfmts --enable qemu-aarch64, or run the e2e tier once)',
    );
}

/** Runs `work({ env, kit, registry, loadBefore })` on daemons of `platforms`; everything is stopped after it. */
export async function withRealFleet(platforms, work) {
  requireQemu();
  const docker = privateDocker();
  const { env } = docker;
  const loadBefore = load();
  const registry = await startBaseRegistry();
  let kit;
  try {
    kit = await startDaemons(platforms, env);
    return await work({ env, kit, registry, loadBefore });
  } finally {
    await kit?.stop();
    await registry.stop();
    rmSync(docker.config, { recursive: true, force: true });
  }
}
