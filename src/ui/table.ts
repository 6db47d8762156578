// Plain aligned columns for terminal tables; the last column is never padded, so lines carry no trailing blanks.

export function renderTable(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell))
      .join(gap)
      .trimEnd(),
  );
}
