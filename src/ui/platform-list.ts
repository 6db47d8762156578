// Platform lists short enough for a table cell: variants folded under their architecture, emulated platforms
// counted. --wide and --json keep every platform.

/** `linux/amd64, linux/amd64/v2, linux/amd64/v3` → `linux/amd64 (+v2,v3)`, in first-seen order. */
export function foldVariants(platforms: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const p of platforms) {
    const [os, arch] = p.split('/');
    const key = `${os}/${arch}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map(([first, ...rest]) => {
    if (rest.length === 0) return first!;
    const variants = rest.map((p) => p.split('/').slice(2).join('/') || p);
    return `${first} (+${variants.join(',')})`;
  });
}

/** A node's native platforms for a cell: folded, or every one with --wide. */
export function nativeCell(platforms: readonly string[], wide: boolean): string {
  const shown = wide ? platforms : foldVariants(platforms);
  return shown.join(',') || '-';
}

/** Emulated platforms for a cell: with --wide every one; else up to two architectures, beyond that a count. */
export function emulatedCell(platforms: readonly string[], wide: boolean): string {
  if (wide) return platforms.join(',') || '-';
  const folded = foldVariants(platforms);
  if (folded.length <= 2) return folded.join(',') || '-';
  return `${folded.length} via QEMU`;
}
