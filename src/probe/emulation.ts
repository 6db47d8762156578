// After a bootstrap: are a node's emulated platforms (declared `emulate`) really served, i.e. is QEMU there?

import { containerNameOf } from '../buildx/container-names.js';
import type { BuildxNode } from '../buildx/model.js';
import type { Runner } from '../buildx/run-types.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { DRIVERS } from '../drivers/registry.js';
import { readWorkerPlatforms, sshCommand } from './daemon.js';
import { parseEndpoint } from './endpoint.js';

export type EmulationVerdict = { ok: true; detail: string } | { ok: false; detail: string; fix: string };

interface Reach {
  dockerArgs: string[];
  container: string;
}

/**
 * Where `buildctl debug workers` can be asked directly. buildx's own platform list cannot prove emulation:
 * it always shows pinned platforms (util/platformutil FormatInGroups), and mpb pins `emulate` platforms.
 */
function reachOf(builder: BuilderSpec, node: NodeSpec): Reach | undefined {
  const endpoint = parseEndpoint(node, builder.driver);
  if (endpoint.kind === 'local-container')
    return { dockerArgs: [], container: containerNameOf(builder.name, node.name) };
  if (endpoint.kind === 'docker-container') return { dockerArgs: [], container: endpoint.container };
  if (!DRIVERS[builder.driver].nodeContainer) return undefined;
  // buildx names the container buildx_buildkit_<node> on the node's Docker host.
  const container = `buildx_buildkit_${node.name}`;
  if (endpoint.kind === 'local-docker') return { dockerArgs: [], container };
  if (endpoint.kind === 'docker-context') return { dockerArgs: ['--context', endpoint.context], container };
  return { dockerArgs: ['--host', node.endpoint!], container };
}

/** The tonistiigi/binfmt name of a platform's architecture: linux/arm/v7 → arm. */
function binfmtArch(platform: string): string {
  return platform.split('/')[1] ?? platform;
}

/** The one-line fix, run where the node's Docker is. */
export function binfmtFix(node: NodeSpec, missing: readonly string[]): string {
  const archs = [...new Set(missing.map(binfmtArch))].join(',');
  const command = `docker run --privileged --rm tonistiigi/binfmt --install ${archs}`;
  const endpoint = parseEndpoint(node);
  if (endpoint.kind === 'ssh') return `Install QEMU on ${endpoint.host}: ${sshCommand(endpoint)} ${command}`;
  if (endpoint.kind === 'tcp') return `Install QEMU on ${endpoint.host}: ${command}`;
  return `Install QEMU: ${command}`;
}

/** Checks a node's declared `emulate` platforms against what its BuildKit workers report. */
export async function checkEmulation(
  builder: BuilderSpec,
  node: NodeSpec,
  actual: BuildxNode | undefined,
  options: { run: Runner; timeoutMs: number },
): Promise<EmulationVerdict> {
  const wanted = node.emulate.join(', ');
  if (!actual) {
    return {
      ok: false,
      detail: `buildx has no node ${node.name}`,
      fix: `Run: mpb ensure-builder ${builder.name}`,
    };
  }
  if (actual.status !== 'running') {
    return {
      ok: false,
      detail: `node is ${actual.status ?? 'not running'}${actual.error ? `: ${actual.error}` : ''}; cannot check ${wanted}`,
      fix: `Fix the node (see its check above), then run: mpb ensure-builder ${builder.name}`,
    };
  }
  const reach = reachOf(builder, node);
  if (!reach) {
    // Only buildx's list is available: an unpinned entry comes from the workers; a pinned one proves nothing.
    const unproven = node.emulate.filter((p) => !actual.platforms.some((e) => e.platform === p && !e.pinned));
    const absent = unproven.filter((p) => !actual.platforms.some((e) => e.platform === p));
    if (absent.length > 0) {
      return {
        ok: false,
        detail: `${absent.join(', ')} not listed by the node`,
        fix: binfmtFix(node, absent),
      };
    }
    return {
      ok: true,
      detail:
        unproven.length === 0
          ? `${wanted} served`
          : `${unproven.join(', ')} pinned; buildx lists pinned platforms even without QEMU, so only a build can prove them on this endpoint`,
    };
  }
  const workers = await readWorkerPlatforms(
    options.run,
    reach.dockerArgs,
    reach.container,
    options.timeoutMs,
  );
  if (!workers.ok) {
    return {
      ok: false,
      detail: `cannot list BuildKit's workers in ${reach.container}: ${workers.detail}`,
      fix: `See why: docker ${[...reach.dockerArgs, 'logs', '--tail', '50', reach.container].join(' ')}`,
    };
  }
  const missing = node.emulate.filter((p) => !workers.platforms.includes(p));
  if (missing.length > 0) {
    return {
      ok: false,
      detail: `BuildKit serves ${workers.platforms.join(', ')} but not ${missing.join(', ')} (no QEMU emulator)`,
      fix: binfmtFix(node, missing),
    };
  }
  return { ok: true, detail: `BuildKit serves ${wanted} (emulated)` };
}
