// mpb build for people: the routing table shown before the build, and the summary after it.
import type { ChalkInstance } from 'chalk';
import type { Route } from '../core/routing.js';
import { renderTable } from './table.js';

/** What a finished build produced; also the body of `mpb build --json`. */
export interface BuildSummary {
  builder: string;
  /** From the metadata file (`image.name`), else the `--tag` values. */
  images: string[];
  /** `containerimage.digest`: the index digest of a multi-platform image. */
  digest: string | undefined;
  routes: Route[];
  durationMs: number;
  /** Nothing exported the result (no --push, --load, --output): it is in the build cache only. */
  cacheOnly?: boolean;
}

function verdictText(r: Route, c: ChalkInstance): string {
  const verdict =
    r.verdict === 'native'
      ? c.green('native')
      : r.verdict === 'emulated'
        ? c.yellow('emulated (QEMU)')
        : c.red('not served');
  return r.nodeDown ? `${verdict}, ${c.red('node down')}` : verdict;
}

/** Platform → node → native/emulated/not served, one row per requested platform. */
export function renderRoutes(routes: readonly Route[], c: ChalkInstance): string[] {
  const rows = routes.map((r) => [r.platform, r.node ?? '-', verdictText(r, c)]);
  return renderTable([['PLATFORM', 'NODE', 'BUILD'], ...rows]);
}

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function renderSummary(s: BuildSummary, c: ChalkInstance): string[] {
  // A tag names no image when nothing exported the result: say so rather than "image NAME".
  const images = s.images.map((name) => (s.cacheOnly ? ['tag', `${name} (not exported)`] : ['image', name]));
  const facts = [...images, ...(s.digest ? [['digest', s.digest]] : [])];
  const where = s.cacheOnly ? `: ${c.yellow('the result is in the build cache only')}` : '';
  return [
    `${c.green('✓')} built on builder "${s.builder}" in ${formatDuration(s.durationMs)}${where}`,
    ...(s.cacheOnly
      ? [
          '  nothing exported it (no --push, --load or --output). To get the image out,',
          '  build again with --push (and -t REPO:TAG), --load or -o type=oci,dest=FILE.',
        ]
      : []),
    ...[...renderTable(facts), ...(s.routes.length > 0 ? renderRoutes(s.routes, c) : [])].map(
      (l) => `  ${l}`,
    ),
  ];
}
