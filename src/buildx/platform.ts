// Platform names as buildx and containerd normalise them, so that `amd64`, `linux/amd64` and `LINUX/x86_64`
// are one platform everywhere in mpb: in the config, in `--platform` and in `--expect-platforms`.

export const OSES = new Set([
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
// mpb's own leniency before containerd's rules (user input only): `i686` is 386, and a bare number is a variant
// (`linux/amd64/2` → `linux/amd64/v2`), as the arm and arm64 ones are in containerd.
const MPB_ARCH_ALIASES: Record<string, string> = { i686: '386' };
const VARIANT = /^v?\d+(\.\d+)?$/;
// containerd's uname aliases (platforms/database.go normalizeArch): the name, and the variant it sets if any.
const ARCH_ALIASES: Record<string, { arch: string; variant?: string }> = {
  x86_64: { arch: 'amd64' },
  'x86-64': { arch: 'amd64' },
  aarch64: { arch: 'arm64' },
  armhf: { arch: 'arm', variant: 'v7' },
  armel: { arch: 'arm', variant: 'v6' },
  i386: { arch: '386', variant: '' },
};
/**
 * containerd's normalizeArch on lower-case names (platforms/database.go, containerd/platforms 1.0 as buildx 0.20 …
 * 0.29 vendor it): aliases (`aarch64` → arm64, `armhf` → arm/v7), the default variants dropped (arm64/v8 and
 * v8.0, amd64/v1), arm64 `9`/`9.0`/`v9.0` → v9, `arm` alone or `7` → arm/v7, and `5`, `6`, `8` get their `v`.
 */
function containerdArch(name: string, given: string): { arch: string; variant: string } {
  const alias = ARCH_ALIASES[name];
  const arch = alias?.arch ?? name;
  if (alias?.variant !== undefined) return { arch, variant: alias.variant };
  if (arch === 'arm64') {
    if (['8', 'v8', 'v8.0'].includes(given)) return { arch, variant: '' };
    return { arch, variant: ['9', '9.0', 'v9.0'].includes(given) ? 'v9' : given };
  }
  if (arch === 'amd64') return { arch, variant: given === 'v1' ? '' : given };
  if (arch === 'arm' && (given === '' || given === '7')) return { arch, variant: 'v7' };
  if (arch === 'arm' && ['5', '6', '8'].includes(given)) return { arch, variant: `v${given}` };
  return { arch, variant: given };
}

/** mpb's form of a user's arch and variant: its own leniency, then containerd's rules, on a known arch only. */
function normalizeArch(
  name: string,
  given: string | undefined,
): { arch: string; variant: string } | undefined {
  if (given !== undefined && !VARIANT.test(given)) return undefined;
  const numbered = given === undefined || given.startsWith('v') ? (given ?? '') : `v${given}`;
  const found = containerdArch(MPB_ARCH_ALIASES[name] ?? name, numbered);
  return ARCHES.has(found.arch) ? found : undefined;
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

// arm64 variants that the buildx versions mpb reads print differently: containerd/platforms 1.0 (buildx 0.20 on)
// normalises them, the containerd of buildx 0.13 … 0.19 left them as they came.
const ARM64_CHANGED = new Set(['8.0', 'v8.0', '9', '9.0', 'v9.0']);

/**
 * An OCI platform (a BuildKit worker's, a pin in buildx's record) as buildx prints it — containerd's Normalize
 * then Format: `{arm, linux}` → `linux/arm/v7`, `{aarch64, linux}` → `linux/arm64` — when that text is also
 * mpb's form of it. Undefined where buildx's text is not certain or not mpb's: an OS or arch mpb does not know,
 * an arm64 variant that buildx 0.13 … 0.19 and 0.20 … 0.29 print apart, a variant without its `v` (`amd64/2`).
 */
export function printedPlatform(p: {
  os: string;
  architecture: string;
  variant?: string | undefined;
}): string | undefined {
  // normalizeOS: lower case, `macos` is darwin; an empty OS would be buildx's own (runtime.GOOS).
  const os = p.os.toLowerCase() === 'macos' ? 'darwin' : p.os.toLowerCase();
  const name = p.architecture.toLowerCase();
  const given = (p.variant ?? '').toLowerCase();
  if (os === '' || ((name === 'arm64' || name === 'aarch64') && ARM64_CHANGED.has(given))) return undefined;
  const { arch, variant } = containerdArch(name, given);
  const text = [os, arch, ...(variant ? [variant] : [])].join('/');
  return normalizePlatform(text) === text ? text : undefined;
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
export const PLATFORM_PATTERN = `^ *(?:${oneOf(OSES)}/)?${oneOf([...ARCHES, ...Object.keys(ARCH_ALIASES), ...Object.keys(MPB_ARCH_ALIASES)])}(?:/[vV]?\\d+(?:\\.\\d+)?)? *$`;
