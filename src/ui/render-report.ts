// The build report for people (a table on the terminal) and for CI (Markdown for $GITHUB_STEP_SUMMARY).
import type { ChalkInstance } from 'chalk';
import type { BuildReport, PlatformReport } from '../core/build-report.js';
import { mdCell, mdTable } from './markdown.js';
import { formatDuration } from './render-build.js';
import { type Layout, renderTable, wrapLine } from './table.js';

const HEADER = ['PLATFORM', 'NODE', 'BUILT ON', 'BUILD', 'TIME', 'CACHED'];

/** `builtOn`, or the prediction marked as such where buildx's history cannot tell. */
const builtOnText = (r: PlatformReport) => r.builtOn ?? (r.node === null ? '-' : `${r.node} (predicted)`);
const verdictText = (r: PlatformReport) =>
  r.verdict === 'native' ? 'native' : r.verdict === 'emulated' ? 'emulated (QEMU)' : 'not served';
const timeText = (r: PlatformReport) => (r.durationMs === null ? '-' : formatDuration(r.durationMs));
const cachedText = (r: PlatformReport) =>
  r.cachedSteps === null || r.totalSteps === null ? '-' : `${r.cachedSteps}/${r.totalSteps}`;

const cellsOf = (r: PlatformReport) => [
  r.platform,
  r.node ?? '-',
  builtOnText(r),
  verdictText(r),
  timeText(r),
  cachedText(r),
];

function headline(report: BuildReport): string {
  const digest = report.digest ? `, ${report.digest}` : '';
  return `${report.strategy} build in ${formatDuration(report.wallMs)}${digest} (${report.reason})`;
}

/**
 * Terminal lines: a headline, the table (colour only outside it, so columns stay aligned), cost, warnings; fitted
 * to the layout's width where there is one.
 */
export function renderReport(
  report: BuildReport,
  c: ChalkInstance,
  layout: Layout = { width: undefined, wide: false },
): string[] {
  const { width } = layout;
  const inner = width === undefined ? undefined : width - 2;
  return [
    ...wrapLine(headline(report), width, '  '),
    ...renderTable([HEADER, ...report.platforms.map(cellsOf)], inner).map((l) => `  ${l}`),
    ...(report.emulation ? wrapLine(report.emulation, width, '  ').map((l) => c.yellow(l)) : []),
    ...report.warnings.flatMap((w) => wrapLine(`${c.yellow('warning:')} ${w}`, width, '  ')),
  ];
}

/** A Markdown section for GitHub's job summary: appended as it is, so it ends with a blank line. */
export function renderReportMarkdown(report: BuildReport): string {
  return [
    '### mpb build',
    '',
    mdCell(headline(report)),
    '',
    ...mdTable(HEADER, report.platforms.map(cellsOf)),
    '',
    ...(report.emulation ? [`> ${mdCell(report.emulation)}`, ''] : []),
    ...report.warnings.map((w) => `- ⚠️ ${mdCell(w)}`),
    ...(report.warnings.length > 0 ? [''] : []),
    '',
  ].join('\n');
}
