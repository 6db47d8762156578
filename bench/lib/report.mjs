// Printing: aligned plain-text tables (paste them into BENCHMARKS.md as they are) and section skips.

/** A section that cannot run here says why instead of failing the whole benchmark. */
export class Skip extends Error {}

export const ms = (v) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
export const ratio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '-');
export const mib = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : '-');
export const spread = (s, fmt = ms) => [fmt(s.median), fmt(s.min), fmt(s.max)];

export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const line = (r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(all[0]), ...all.slice(1).map(line)].join('\n');
}

/** `target` met or missed, as a word the reader can grep for. */
export const verdict = (ok) => (ok ? 'target met' : 'target MISSED');
