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
