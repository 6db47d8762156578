// Platform names as buildx and containerd normalise them, so that `amd64`, `linux/amd64` and `LINUX/x86_64`
// are one platform everywhere in mpb: in the config, in `--platform` and in `--expect-platforms`.

const OSES = new Set([
  'linux',
  'windows',
  'darwin',
  'freebsd',
  'netbsd',
  'openbsd',
  'dragonfly',
  'illumos',
  'solaris',
  'aix',
  'android',
  'ios',
  'plan9',
  'js',
  'wasip1',
]);
const ARCHES = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm',
]);
// containerd's platforms.Normalize: uname names to GOARCH names, with the variant they imply.
const ARCH_ALIASES: Record<string, { arch: string; variant?: string }> = {
  x86_64: { arch: 'amd64' },
  'x86-64': { arch: 'amd64' },
  aarch64: { arch: 'arm64' },
  armhf: { arch: 'arm', variant: 'v7' },
  armel: { arch: 'arm', variant: 'v6' },
  i386: { arch: '386' },
  i686: { arch: '386' },
};
const VARIANT = /^v?\d+(\.\d+)?$/;

function normalizeArch(
  name: string,
  given: string | undefined,
): { arch: string; variant: string } | undefined {
  const alias = ARCH_ALIASES[name];
  const arch = alias?.arch ?? name;
  if (!ARCHES.has(arch)) return undefined;
  const raw = given ?? alias?.variant ?? '';
  if (raw !== '' && !VARIANT.test(raw)) return undefined;
  const variant = raw === '' || raw.startsWith('v') ? raw : `v${raw}`;
  // arm64/v8 and amd64/v1 are the defaults, written without a variant; arm alone means arm/v7.
  if (arch === 'arm64' && (variant === 'v8' || variant === 'v8.0')) return { arch, variant: '' };
  if (arch === 'amd64' && variant === 'v1') return { arch, variant: '' };
  if (arch === 'arm' && variant === '') return { arch, variant: 'v7' };
  return { arch, variant };
}

/**
 * `os/arch[/variant]` in containerd's normal form, or undefined when the text is not a platform.
 * `amd64` → `linux/amd64`, `linux/arm64/v8` → `linux/arm64`, `arm64/v8` → `linux/arm64`, `linux/arm` →
 * `linux/arm/v7`; `linux/arm/v7` and `linux/amd64/v2` stay as they are.
 */
export function normalizePlatform(text: string): string | undefined {
  const parts = text
    .replace(/^ +| +$/g, '')
    .toLowerCase()
    .split('/');
  if (parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [first, second, third] = parts as [string, string | undefined, string | undefined];
  const bare = !OSES.has(first) && third === undefined;
  const os = bare ? 'linux' : first;
  const found = bare
    ? normalizeArch(first, second)
    : second === undefined
      ? undefined
      : normalizeArch(second, third);
  if (!found || !OSES.has(os)) return undefined;
  return found.variant ? `${os}/${found.arch}/${found.variant}` : `${os}/${found.arch}`;
}

/** Normalises a list, keeping the first of duplicates; texts that are not platforms are returned apart. */
export function normalizePlatforms(list: readonly string[]): { platforms: string[]; invalid: string[] } {
  const platforms: string[] = [];
  const invalid: string[] = [];
  for (const text of list) {
    const platform = normalizePlatform(text);
    if (platform === undefined) invalid.push(text);
    else if (!platforms.includes(platform)) platforms.push(platform);
  }
  return { platforms, invalid };
}

// Any case, as normalizePlatform lowercases first: `linux` → `[lL][iI][nN][uU][xX]`.
const anyCase = (word: string) =>
  word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/\./g, '\\.');
const oneOf = (words: Iterable<string>) => `(?:${[...words].map(anyCase).join('|')})`;

/**
 * What normalizePlatform accepts, as one regular expression (source) for the editor schema:
 * `[os/]arch[/variant]`, arch a GOARCH or a uname alias, spaces around allowed.
 */
export const PLATFORM_PATTERN = `^ *(?:${oneOf(OSES)}/)?${oneOf([...ARCHES, ...Object.keys(ARCH_ALIASES)])}(?:/[vV]?\\d+(?:\\.\\d+)?)? *$`;

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

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

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
    const d = distance(t, c);
    if (d <= 2 && (!best || d < best.d)) best = { platform: normalizePlatform(c)!, d };
  }
  return best?.platform;
}
