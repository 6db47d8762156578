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
        ...wrapLine(`${c.red('✗')} ${p.node} ${c.dim(p.endpoint)}: ${p.detail}`, width, '    '),
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

/** What a verdict means, in full; undefined for ok. */
function verdictWhat(v: NodeHealth['verdict'], c: ChalkInstance): string | undefined {
  switch (v.result) {
    case 'ok':
      return undefined;
    case 'absent':
      return c.red('absent');
    case 'down':
      return c.red(`down (${v.why})`);
    case 'missing-platform':
      return c.red(`does not serve ${v.platforms.join(', ')}`);
    case 'pins-differ':
      return c.yellow(`pinned ${v.actual.join(',') || 'nothing'}, declared ${v.expected.join(',')}`);
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
  if (r.preflight.length > 0 && (r.dryRun || r.preflight.some((p) => p.state === 'down'))) {
    const inner = layout.width === undefined ? undefined : layout.width - INDENT.length;
    lines.push(c.bold('Endpoints:'), ...renderPreflight(r.preflight, c, inner).map((l) => `${INDENT}${l}`));
  }
  if (r.health) lines.push(...renderHealth(r.health, c, layout));
  return lines;
}
