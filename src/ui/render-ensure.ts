// An EnsureReport for people: the plan (as shell commands with reasons), the preflight, and a verdict per node.
import type { ChalkInstance } from 'chalk';
import { shellQuote } from '../buildx/quote.js';
import type { HealthReport, NodeHealth } from '../core/health.js';
import type { EnsureReport, Plan } from '../core/plan-types.js';
import type { ProbeResult } from '../probe/types.js';
import { commandLines, shellWords } from './command-line.js';
import { emulatedCell, nativeCell } from './platform-list.js';
import { type Layout, renderTable, wrapLine } from './table.js';

const PLAIN: Layout = { width: undefined, wide: false };
const INDENT = '  ';

/** The plan as commands a person could paste, each under the reason it is needed. */
export function renderPlan(plan: Plan, c: ChalkInstance, width: number | undefined = undefined): string[] {
  const lines: string[] = [];
  if (plan.actions.length === 0)
    lines.push(
      ...wrapLine(
        `builder "${plan.builder}": buildx already matches the config; nothing to change`,
        width,
        '  ',
      ),
    );
  for (const action of plan.actions) {
    lines.push(
      ...wrapLine(`# ${action.reason}`, width, '# ').map((l) => c.dim(l)),
      ...commandLines(
        [action.file, ...action.argv].map((a) => shellQuote([a])),
        width,
      ),
    );
  }
  if (plan.extraNodes.length > 0) {
    lines.push(
      ...wrapLine(
        `# kept: node(s) ${plan.extraNodes.join(', ')} are not in the config (--prune removes them)`,
        width,
        '# ',
      ).map((l) => c.yellow(l)),
    );
  }
  return lines;
}

function preflightLines(p: ProbeResult, c: ChalkInstance, width: number | undefined): string[] {
  switch (p.state) {
    case 'up':
      return [`${c.green('✓')} ${p.node} ${c.dim(p.endpoint)}`];
    case 'skipped':
      return wrapLine(`${c.dim('-')} ${p.node} ${c.dim(`${p.endpoint}: ${p.detail}`)}`, width, '    ');
    case 'down':
      return [
        ...wrapLine(`${c.red('✗')} ${p.node} ${c.dim(p.endpoint)}: ${p.detail} [${p.code}]`, width, '    '),
        ...wrapLine(`    → ${p.fix}`, width, '      '),
      ];
  }
}

/** One line per probed endpoint, what failed and its fix under it; `width` is what is left after any indent. */
export function renderPreflight(
  probes: readonly ProbeResult[],
  c: ChalkInstance,
  width: number | undefined = undefined,
): string[] {
  return probes.flatMap((p) => preflightLines(p, c, width));
}

// The table's VERDICT cell: one or two words; what it means and the fix follow the table.
const VERDICT_CELL = {
  ok: ['green', 'ok'],
  absent: ['red', 'absent'],
  down: ['red', 'down'],
  'missing-platform': ['red', 'missing platform'],
  'pins-differ': ['yellow', 'pins differ'],
} as const satisfies Record<NodeHealth['verdict']['result'], readonly [string, string]>;

function verdictCell(n: NodeHealth, c: ChalkInstance): string {
  const [color, text] = VERDICT_CELL[n.verdict.result];
  return c[color](text);
}

/** What a verdict means, in full, with its code (probe/codes.ts); undefined for ok. */
function verdictWhat(v: NodeHealth['verdict'], c: ChalkInstance): string | undefined {
  switch (v.result) {
    case 'ok':
      return undefined;
    case 'absent':
      return `${c.red('absent')} [${v.code}]`;
    case 'down':
      return `${c.red(`down: ${v.why}`)} [${v.code}]`;
    case 'missing-platform':
      return `${c.red(`does not serve ${v.platforms.join(', ')}`)} [${v.code}]`;
    case 'pins-differ':
      return `${c.yellow(`pinned ${v.actual.join(',') || 'nothing'}, declared ${v.expected.join(',')}`)} [${v.code}]`;
  }
}

const STATE_COLOR = { healthy: 'green', degraded: 'yellow', unhealthy: 'red' } as const;

/** A verdict in full, on lines of its own under the table: what is wrong, then `→` what to do. */
function verdictLines(n: NodeHealth, c: ChalkInstance, width: number | undefined): string[] {
  const v = n.verdict;
  const what = verdictWhat(v, c);
  if (what === undefined || v.result === 'ok') return [];
  return [
    ...wrapLine(`${INDENT}${n.node}: ${what}`, width, `${INDENT}    `),
    ...wrapLine(`${INDENT}  → ${v.fix}`, width, `${INDENT}    `),
  ];
}

export function renderHealth(h: HealthReport, c: ChalkInstance, layout: Layout = PLAIN): string[] {
  const header = ['NODE', 'STATUS', 'BUILDKIT', 'NATIVE', 'EMULATED', 'VERDICT'];
  const rows = h.nodes.map((n) => [
    n.node,
    n.status ?? '-',
    n.buildkitVersion ?? '-',
    // Where the node said nothing of its hardware, the column is the config's word and says so.
    `${nativeCell(n.native, layout.wide)}${n.nativeSource === 'declared' && n.native.length > 0 ? ' (declared)' : ''}`,
    emulatedCell(n.emulated, layout.wide),
    verdictCell(n, c),
  ]);
  const inner = layout.width === undefined ? undefined : layout.width - INDENT.length;
  const state = c[STATE_COLOR[h.state]](h.state);
  const lines = [
    `builder "${h.builder}": ${state}`,
    ...renderTable([header, ...rows], inner).map((l) => `${INDENT}${l}`),
    ...h.nodes.flatMap((n) => verdictLines(n, c, layout.width)),
    ...h.nodes.flatMap((n) =>
      n.mismatches.flatMap((m) =>
        wrapLine(`${INDENT}${c.yellow('warning:')} ${m}`, layout.width, `${INDENT}  `),
      ),
    ),
  ];
  if (h.error) lines.push(...wrapLine(`${INDENT}${c.red(h.error)}`, layout.width, `${INDENT}  `));
  if (h.uncovered.length > 0)
    lines.push(
      ...wrapLine(
        `${INDENT}${c.red(`no running node serves ${h.uncovered.join(', ')}`)}`,
        layout.width,
        `${INDENT}  `,
      ),
    );
  return lines;
}

/**
 * The preflight lines worth printing: all of them in a dry run (it is what the run found); else, when a node is
 * down, the ones the health table does not already tell (withProbes puts a probe's diagnosis on the node's
 * verdict): each diagnosis is printed once.
 */
function endpointsToShow(r: EnsureReport): readonly ProbeResult[] {
  if (r.dryRun) return r.preflight;
  if (!r.preflight.some((p) => p.state === 'down')) return [];
  if (!r.health) return r.preflight;
  const told = new Set(
    r.health.nodes.flatMap((n) => (n.verdict.result === 'down' ? [`${n.node}\0${n.verdict.code}`] : [])),
  );
  return r.preflight.filter((p) => p.state === 'down' && !told.has(`${p.node}\0${p.code}`));
}

export function renderEnsure(r: EnsureReport, c: ChalkInstance, layout: Layout = PLAIN): string[] {
  const lines: string[] = [];
  if (r.dryRun)
    lines.push(
      c.bold(`Plan for builder "${r.builder}" (dry run: nothing changed)`),
      ...renderPlan(r.plan, c, layout.width),
    );
  // `command` is already quoted for a shell: its words are split at the spaces between arguments.
  else
    for (const e of r.executed) {
      const [first = '', ...rest] = commandLines(shellWords(e.command), layout.width && layout.width - 2);
      lines.push(`${c.green('✓')} ${first}`, ...rest.map((l) => `  ${l}`));
    }
  const endpoints = endpointsToShow(r);
  if (endpoints.length > 0) {
    const inner = layout.width === undefined ? undefined : layout.width - INDENT.length;
    lines.push(c.bold('Endpoints:'), ...renderPreflight(endpoints, c, inner).map((l) => `${INDENT}${l}`));
  }
  if (r.health) lines.push(...renderHealth(r.health, c, layout));
  return lines;
}
