// An ImageReport as a table for people: one row per platform, its attestations indented under it.
import type { ChalkInstance } from 'chalk';
import type { ImageReport, ManifestRef } from '../buildx/parse/imagetools.js';
import { renderTable } from './table.js';

/** `sha256:` and the first 12 hex digits: enough to tell manifests apart, short enough for a table. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex === undefined ? digest : `${algorithm}:${hex.slice(0, 12)}`;
}

/** Bytes in binary units: `476 B`, `1.6 KiB`, `2.3 MiB`. */
export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

type Row = [string, string, string, string];

const cells = (label: string, m: ManifestRef): Row => [
  label,
  shortDigest(m.digest),
  humanSize(m.size),
  m.mediaType,
];

/** The human view of `mpb inspect`: a header, then the table. */
export function renderImageReport(report: ImageReport, color: ChalkInstance): string {
  const rows: Row[] = [['PLATFORM', 'DIGEST', 'SIZE', 'MEDIA TYPE']];
  for (const p of report.platforms) {
    rows.push(cells(p.osVersion ? `${p.platform} (${p.osVersion})` : p.platform, p));
    for (const a of p.attestations) rows.push(cells('  attestation', a));
  }
  for (const a of report.attestationsUnattached ?? []) rows.push(cells('attestation (no image)', a));
  const [header, ...body] = renderTable(rows);
  const kind = report.kind === 'index' ? 'index' : 'single manifest';
  return [
    `${color.bold(report.ref)}`,
    `${kind} ${report.digest}  ${humanSize(report.size)}  ${report.mediaType}`,
    '',
    color.dim(header ?? ''),
    ...body,
  ].join('\n');
}
