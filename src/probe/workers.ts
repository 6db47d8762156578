// `buildctl debug workers` inside a BuildKit container: the platforms its workers really serve.
import { normalizePlatform } from '../buildx/platform.js';

/**
 * Parses buildctl's table (`ID<TAB>PLATFORMS`, platforms comma-separated; buildkit cmd/buildctl/debug/workers.go).
 * Unlike buildx's lists, this one does not include the platforms pinned with `create --platform`. buildctl prints
 * them through its own containerd's Normalize; each is put in mpb's form too (as the config's are), so that they
 * compare whatever buildctl's version. A text mpb does not know stays as it came.
 */
export function parseBuildctlWorkers(text: string): string[] {
  const platforms = new Set<string>();
  for (const line of text.split('\n')) {
    const [id, list] = line.trim().split(/\s+/);
    if (!id || id === 'ID' || !list) continue;
    for (const p of list.split(',')) if (p !== '') platforms.add(normalizePlatform(p) ?? p);
  }
  return [...platforms];
}
