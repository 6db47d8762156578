// A bake for people: the plan (each platform's pool, each job's node), and after it the report — a table of
// target × platform, one of nodes, each target's tags — on the terminal and as Markdown for $GITHUB_STEP_SUMMARY.
import type { ChalkInstance } from 'chalk';
import type { BakeReport } from '../core/bake-report.js';
import type { Pool } from '../core/scheduler.js';
import { mdCell, mdTable } from './markdown.js';
import { formatDuration } from './render-build.js';
import { type Layout, renderTable, wrapLine } from './table.js';

interface ShownJob {
  target: string;
  platform: string;
  node: string;
  verdict: 'native' | 'emulated';
  helper: boolean;
}

const verdictText = (v: 'native' | 'emulated') => (v === 'native' ? 'native' : 'emulated (QEMU)');

/** Before the bake: which nodes build each platform, and where each job goes. */
export function renderBakePlan(
  pools: readonly Pool[],
  jobs: readonly ShownJob[],
  width: number | undefined,
): string[] {
  const poolRows = pools.map((p) => [p.platform, p.nodes.join(', '), verdictText(p.verdict)]);
  const jobRows = jobs.map((j) => [j.target, j.platform, j.node, verdictText(j.verdict)]);
  return [
    ...renderTable([['PLATFORM', 'NODES', 'BUILD'], ...poolRows], width),
    '',
    ...renderTable([['TARGET', 'PLATFORM', 'NODE', 'BUILD'], ...jobRows], width),
  ];
}

const ratioText = (r: BakeReport) => (r.boundMs > 0 ? `${(r.wallMs / r.boundMs).toFixed(2)}×` : '-');

function headline(r: BakeReport): string {
  const failed = r.targets.filter((t) => t.outcome === 'failed').length;
  const what = `${r.targets.length} target${r.targets.length === 1 ? '' : 's'}, ${r.jobs.length} jobs`;
  const verdict = failed > 0 ? `, ${failed} failed` : '';
  return `bake in ${formatDuration(r.wallMs)}: ${what}${verdict}; ideal for this fleet ${formatDuration(r.boundMs)} (${ratioText(r)})`;
}

const cachedText = (j: BakeReport['jobs'][number]) =>
  j.cachedSteps === null || j.totalSteps === null ? '-' : `${j.cachedSteps}/${j.totalSteps}`;

const jobCells = (j: BakeReport['jobs'][number]) => [
  j.target,
  j.platform,
  j.builtOn ?? `${j.node} (predicted)`,
  j.outcome === 'built' ? verdictText(j.verdict) : 'failed',
  formatDuration(j.durationMs),
  cachedText(j),
  j.retries > 0 ? `${j.retries} (from ${j.movedFrom.join(', ')})` : '0',
];
const JOB_HEADER = ['TARGET', 'PLATFORM', 'BUILT ON', 'BUILD', 'TIME', 'CACHED', 'RETRIES'];

const nodeCells = (n: BakeReport['nodes'][number]) => [
  n.node,
  String(n.jobs),
  formatDuration(n.busyMs),
  `${Math.round(n.share * 100)}%`,
];
const NODE_HEADER = ['NODE', 'JOBS', 'BUSY', 'SHARE'];

const targetLine = (t: BakeReport['targets'][number]) =>
  t.outcome === 'tagged'
    ? `tagged ${t.target}: ${t.tags.join(', ')}${t.digest ? ` (${t.digest})` : ''}`
    : `not tagged ${t.target}: ${t.why ?? 'failed'} (its tags are where they were)`;

export function renderBakeReport(r: BakeReport, c: ChalkInstance, layout: Layout): string[] {
  const { width } = layout;
  const inner = width === undefined ? undefined : width - 2;
  return [
    ...wrapLine(headline(r), width, '  '),
    ...renderTable([JOB_HEADER, ...r.jobs.map(jobCells)], inner).map((l) => `  ${l}`),
    ...renderTable([NODE_HEADER, ...r.nodes.map(nodeCells)], inner).map((l) => `  ${l}`),
    ...r.targets.flatMap((t) =>
      wrapLine(t.outcome === 'tagged' ? targetLine(t) : c.red(targetLine(t)), width, '  '),
    ),
  ];
}

/** A Markdown section for GitHub's job summary, ending with a blank line. */
export function renderBakeMarkdown(r: BakeReport): string {
  return [
    '### mpb bake',
    '',
    mdCell(headline(r)),
    '',
    ...mdTable(JOB_HEADER, r.jobs.map(jobCells)),
    '',
    ...mdTable(NODE_HEADER, r.nodes.map(nodeCells)),
    '',
    ...r.targets.map((t) => `- ${mdCell(targetLine(t))}`),
    ...r.warnings.map((w) => `- ⚠️ ${mdCell(w)}`),
    '',
    '',
  ].join('\n');
}
