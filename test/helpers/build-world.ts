// What the real-build e2e files share: QEMU for arm64/riscv64 RUN steps, the registry holding the busybox base
// image, and BuildKit daemons; everything but buildx, started once per file.
import { type BaseImageRegistry, startBaseImageRegistry } from './base-image.js';
import { type BuildkitDaemons, type DaemonSpec, startBuildkitDaemons } from './buildkit.js';
import { ensureQemu } from './qemu.js';
import { hasDockerCli } from './real-buildx.js';

export type BuildWorld = { kit: BuildkitDaemons; base: BaseImageRegistry };

/** The daemons beside a base-image registry, or why they cannot run here (nothing is left running then). */
export async function startBuildWorld(daemons: DaemonSpec[]): Promise<BuildWorld | { skip: string }> {
  if (!(await hasDockerCli())) return { skip: 'no docker CLI on PATH' };
  const qemu = await ensureQemu(['linux/arm64', 'linux/riscv64']);
  if ('skip' in qemu) return qemu;
  const base = await startBaseImageRegistry();
  if ('skip' in base) return base;
  const kit = await startBuildkitDaemons(daemons).catch(async (e) => {
    await base.registry.stop();
    throw e;
  });
  if ('skip' in kit) {
    await base.registry.stop();
    return kit;
  }
  return { kit, base };
}
