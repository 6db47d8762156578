// Platform strings as buildx handles them: containerd's normalisation, FormatInGroups (pinned first, starred),
// and 0.18+'s `(+N)` truncation of the ls table (commands/ls.go truncPlatforms at v0.29.1).

const ARCH_ALIASES = {
  aarch64: 'arm64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
};

/** containerd platforms.Normalize + Format: `linux/arm64/v8` → `linux/arm64`, `amd64` → `linux/amd64`. */
export function normalizePlatform(text) {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length === 1) parts.unshift('linux');
  let [os, arch, variant] = parts;
  arch = ARCH_ALIASES[arch] ?? arch;
  if (arch === 'arm64' && (variant === 'v8' || variant === '8')) variant = undefined;
  if (arch === 'amd64' && variant === 'v1') variant = undefined;
  if (arch === 'arm' && !variant) variant = 'v7';
  if (arch === 'arm' && /^\d$/.test(variant ?? '')) variant = `v${variant}`;
  return [os, arch, variant].filter(Boolean).join('/');
}

/** `--platform` values: repeated flags, each possibly a comma list (platformutil.Parse). */
export function parsePlatformFlags(values) {
  return values
    .flatMap((v) => v.split(','))
    .filter(Boolean)
    .map(normalizePlatform);
}

export function dedupe(list) {
  return [...new Set(list)];
}

/** platformutil.FormatInGroups(pinned, all): pinned ones starred first, then the rest in worker order. */
export function formatInGroups(pinned, all) {
  const seen = new Set();
  const out = [];
  for (const [group, star] of [
    [pinned, '*'],
    [all, ''],
  ]) {
    for (const p of group) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push(p + star);
    }
  }
  return out;
}

const MAJORS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
  'linux/mips64',
];
const osArch = (pf) => pf.replace(/\*$/, '').split('/').slice(0, 2).join('/');

/** truncPlatforms(pfs, max).String() of buildx 0.18+: `linux/amd64* (+4), linux/arm64, (2 more)`. */
export function truncatePlatforms(pfs, max = 4) {
  const groups = new Map();
  for (const major of MAJORS) {
    for (const pf of pfs) {
      if (groups.size >= max) break;
      if (osArch(pf) === major) groups.set(major, [...(groups.get(major) ?? []), pf]);
    }
  }
  const left = new Map();
  for (const pf of pfs) {
    if (groups.size >= max) break;
    const key = osArch(pf);
    if (!groups.has(key)) left.set(key, [...(left.get(key) ?? []), pf]);
  }
  for (const [k, v] of left) groups.set(k, v);

  const out = [];
  let count = 0;
  const render = (key, members) => {
    if (members.length === 1) {
      out.push(members[0]);
      count++;
      return;
    }
    out.push(`${key}${members.some((m) => m.endsWith('*')) ? '*' : ''} (+${members.length})`);
    count += members.length;
  };
  for (const major of MAJORS) if (groups.has(major)) render(major, groups.get(major));
  for (const key of [...groups.keys()].sort()) {
    if (out.length >= max) break;
    if (!MAJORS.includes(key)) render(key, groups.get(key));
  }
  if (pfs.length - count > 0) out.push(`(${pfs.length - count} more)`);
  return out.join(', ');
}
