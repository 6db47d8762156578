// What a node's hardware runs natively, as the node itself says it: BuildKit lists a worker's platforms with
// the native one first, then those its binfmt emulators add (a worker started with `--oci-worker-platform` lists
// the given one first, and is taken at its word); Docker's `Server.Arch` is the host a BuildKit container runs on.
import { parseListWorkers } from '../buildx/parse/list-workers.js';
import { normalizePlatform, printedPlatform } from '../buildx/platform.js';
import type { NativeTruth } from './types.js';

/** The first platform of a worker list, in BuildKit's order; undefined for an empty list. */
export function nativeOfWorkers(platforms: readonly string[]): NativeTruth | undefined {
  const [first] = platforms;
  return first === undefined ? undefined : { platforms: [first], source: 'worker' };
}

/** BuildKit's ListWorkers answer: its first worker's first platform, as buildx prints it. */
export function nativeOfWorkerReply(reply: Buffer): NativeTruth | undefined {
  const read = parseListWorkers(reply);
  const first = read.ok ? read.workers[0]?.platforms[0] : undefined;
  const platform = first && printedPlatform(first);
  return platform ? nativeOfWorkers([platform]) : undefined;
}

/** `docker version`'s `Server.Os`/`Server.Arch` (Go's names: linux, amd64, arm64, arm, riscv64…). */
export function nativeOfDockerHost(os: string, arch: string): NativeTruth | undefined {
  const platform = normalizePlatform(`${os.trim()}/${arch.trim()}`);
  return platform === undefined ? undefined : { platforms: [platform], source: 'docker-host' };
}
