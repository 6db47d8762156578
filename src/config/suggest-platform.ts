// A "did you mean" for a platform the config or --platform names wrongly: Docker Hub's spellings, an os joined
// with another separator, a near miss of a common platform.
import { normalizePlatform, OSES } from '../buildx/platform.js';
import { editDistance } from './edit-distance.js';

// Docker Hub's repository prefixes (`arm64v8/alpine`), and other names people write for an architecture.
const HUB_NAMES: Record<string, string> = {
  arm64v8: 'linux/arm64',
  arm32v7: 'linux/arm/v7',
  arm32v6: 'linux/arm/v6',
  arm32v5: 'linux/arm/v5',
  armv8: 'linux/arm64',
  armv8l: 'linux/arm64',
  armv7: 'linux/arm/v7',
  armv7l: 'linux/arm/v7',
  armv6: 'linux/arm/v6',
  armv6l: 'linux/arm/v6',
  x64: 'linux/amd64',
  x86: 'linux/386',
  amd64v2: 'linux/amd64/v2',
  amd64v3: 'linux/amd64/v3',
  windows: 'windows/amd64',
  mac: 'linux/arm64',
};
// What a near miss is compared with: the platforms builds name, then every arch alone.
const COMMON = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
];

/**
 * The platform a text that is not one probably means, for a "did you mean": Docker Hub's `arm64v8` and its
 * kin, an arch written in any case, separators or an os mistyped (`linux-amd64`, `linux_arm64`), or a near
 * miss of a common platform (`amd65`, `linux/arm46`). Undefined when nothing is close.
 */
export function suggestPlatform(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  const bare = t.replace(/^linux[/_-]/, '');
  const hub = HUB_NAMES[bare] ?? HUB_NAMES[t];
  if (hub) return hub;
  // `linux-amd64`, `linux_x86_64`: the os and the arch joined by something other than `/`.
  const os = /^([a-z0-9]+)[_\- ]+(.+)$/.exec(t);
  const separated = os && OSES.has(os[1]!) ? normalizePlatform(`${os[1]}/${os[2]}`) : undefined;
  if (separated) return separated;
  const candidates = [...COMMON, ...COMMON.map((p) => p.slice('linux/'.length))];
  let best: { platform: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(t, c);
    if (d <= 2 && (!best || d < best.d)) best = { platform: normalizePlatform(c)!, d };
  }
  return best?.platform;
}
