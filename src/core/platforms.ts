// Platform facts shared by planning, routing and health: families, compatibility, native vs emulated,
// and buildx's pin exclusivity.
import { pinnedPlatformsOf } from '../buildx/args.js';
import type { PlatformEntry } from '../buildx/model.js';
import type { NodeSpec } from '../config/types.js';
import type { NativeTruth } from '../probe/types.js';

/** `linux/amd64/v2` → `linux/amd64`. */
export function familyOf(platform: string): string {
  return platform.split('/').slice(0, 2).join('/');
}

function variantLevel(platform: string): number {
  const variant = platform.split('/')[2];
  return variant ? Number(variant.replace(/^v/, '')) || 1 : 1;
}

// A CPU of the key family also runs these without QEMU: every amd64 daemon lists linux/386
// (capture qemu-inspect-bootstrap: `linux/amd64*, ..., linux/386`) and the kernel runs it natively.
const COMPANIONS: Record<string, string[]> = { 'linux/amd64': ['linux/386'] };

/**
 * True when a worker that reports `host` can build `want`, the way containerd's `platforms.Only` matches
 * from buildx 0.13 on: the same platform, a lower amd64 level, 386 on amd64, an older arm on arm64/arm.
 */
export function isCompatible(host: string, want: string): boolean {
  if (host === want) return true;
  const [h, w] = [familyOf(host), familyOf(want)];
  if (h === 'linux/amd64') return w === 'linux/386' || (w === h && variantLevel(want) <= variantLevel(host));
  if (h === 'linux/arm64') return w === 'linux/arm';
  if (h === 'linux/arm') return w === h && variantLevel(want) <= variantLevel(host);
  return false;
}

/** True when a machine whose native platforms are `native` runs `platform` without an emulator. */
export function runsNatively(native: readonly string[], platform: string): boolean {
  const family = familyOf(platform);
  return native.some((n) => familyOf(n) === family || (COMPANIONS[familyOf(n)] ?? []).includes(family));
}

export interface DeclaredPlatforms {
  platforms: string[];
  emulate: string[];
}

/**
 * What a node runs natively, and who says so. First what the node itself answered (`observed`: its BuildKit's
 * worker list, or the Docker host under its container; probe/native.ts). Then buildx's list of an unpinned
 * running node, which is BuildKit's own order, native first. A pinned node's list cannot tell: buildx prints
 * the pins first, and a pin may be a platform the node emulates (capture inspect: `linux-arm64` is an amd64
 * daemon with arm64 pinned; on a Mac the amd64 pin comes before the worker's own arm64). Then the declaration;
 * then, for a node nobody declared, the first platform buildx lists.
 */
export function nativeTruthOf(
  listed: readonly PlatformEntry[],
  declared?: DeclaredPlatforms,
  observed?: NativeTruth,
): NativeTruth {
  if (observed) return observed;
  const [first] = listed;
  if (first && !listed.some((e) => e.pinned)) return { platforms: [first.platform], source: 'worker' };
  if (declared && declared.platforms.length > 0) return { platforms: declared.platforms, source: 'declared' };
  const guess = listed.find((e) => !declared?.emulate.includes(e.platform));
  return { platforms: guess ? [guess.platform] : [], source: 'listed' };
}

/**
 * The declared-native platforms of a node that its hardware emulates, by what the node said (never by the
 * declaration itself): each with a sentence that says what runs there and what to write instead.
 */
export function declarationMismatches(
  node: string,
  declared: DeclaredPlatforms | undefined,
  truth: NativeTruth,
): { platform: string; message: string }[] {
  if (!declared || truth.source === 'declared' || truth.source === 'listed') return [];
  const said =
    truth.source === 'worker'
      ? "its BuildKit worker's native platform"
      : truth.source === 'cluster-node'
        ? 'the cluster node its pods run on'
        : 'its Docker host';
  return declared.platforms
    .filter((p) => !runsNatively(truth.platforms, p))
    .map((platform) => ({
      platform,
      message: `node "${node}" declares ${platform} native, but it runs ${truth.platforms.join(', ')} (${said}): ${platform} is emulated there; write it under emulate: (or declare platforms: [${truth.platforms.join(', ')}])`,
    }));
}

/**
 * The pins buildx ends up with after creating the nodes in order: pinning a platform on a node removes it
 * from every other node's pins (store/nodegroup.go validateDuplicates, 0.10–0.29), so the last pin wins.
 */
export function effectivePinsOf(nodes: readonly NodeSpec[]): Map<string, string[]> {
  const pins = new Map<string, string[]>();
  for (const node of nodes) {
    const mine = [...new Set(pinnedPlatformsOf(node))];
    for (const [name, theirs] of pins) {
      pins.set(
        name,
        theirs.filter((p) => !mine.includes(p)),
      );
    }
    pins.set(node.name, mine);
  }
  return pins;
}

/** A copy of the node that pins only `pins`, kept in the node's own platforms/emulate order. */
export function withPins(node: NodeSpec, pins: readonly string[]): NodeSpec {
  return {
    ...node,
    platforms: node.platforms.filter((p) => pins.includes(p)),
    emulate: node.emulate.filter((p) => pins.includes(p)),
  };
}
