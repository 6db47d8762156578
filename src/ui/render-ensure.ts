// An EnsureReport for people: the plan (as shell commands with reasons), the preflight, and a verdict per node.
import type { ChalkInstance } from 'chalk';
import { shellQuote } from '../buildx/quote.js';
import type { HealthReport, NodeHealth } from '../core/health.js';
import type { Plan } from '../core/plan-types.js';
import type { ProbeResult } from '../probe/types.js';
import type { EnsureReport } from '../reconcile/ensure.js';
import { renderTable } from './table.js';

/** The plan as commands a person could paste, each under the reason it is needed. */
export function renderPlan(plan: Plan, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (plan.actions.length === 0)
    lines.push(`builder "${plan.builder}": buildx already matches the config; nothing to change`);
  for (const action of plan.actions) {
    lines.push(c.dim(`# ${action.reason}`), shellQuote([action.file, ...action.argv]));
  }
  if (plan.extraNodes.length > 0) {
    lines.push(
      c.yellow(`# kept: node(s) ${plan.extraNodes.join(', ')} are not in the config (--prune removes them)`),
    );
  }
  return lines;
}

function preflightLine(p: ProbeResult, c: ChalkInstance): string {
  switch (p.state) {
    case 'up':
      return `${c.green('✓')} ${p.node} ${c.dim(p.endpoint)}`;
    case 'skipped':
      return `${c.dim('-')} ${p.node} ${c.dim(`${p.endpoint}: ${p.detail}`)}`;
    case 'down':
      return `${c.red('✗')} ${p.node} ${c.dim(p.endpoint)}: ${p.detail}\n    → ${p.fix}`;
  }
}

export function renderPreflight(probes: readonly ProbeResult[], c: ChalkInstance): string[] {
  return probes.map((p) => preflightLine(p, c));
}

function verdictText(n: NodeHealth, c: ChalkInstance): string {
  const v = n.verdict;
  switch (v.result) {
    case 'ok':
      return c.green('ok');
    case 'absent':
      return `${c.red('absent')} → ${v.fix}`;
    case 'down':
      return `${c.red(`down (${v.why})`)} → ${v.fix}`;
    case 'missing-platform':
      return `${c.red(`does not serve ${v.platforms.join(', ')}`)} → ${v.fix}`;
    case 'pins-differ':
      return `${c.yellow(`pinned ${v.actual.join(',') || 'nothing'}, declared ${v.expected.join(',')}`)} → ${v.fix}`;
  }
}

export function renderHealth(h: HealthReport, c: ChalkInstance): string[] {
  const header = ['NODE', 'STATUS', 'BUILDKIT', 'NATIVE', 'EMULATED', 'VERDICT'];
  const rows = h.nodes.map((n) => [
    n.node,
    n.status ?? '-',
    n.buildkitVersion ?? '-',
    n.native.join(',') || '-',
    n.emulated.join(',') || '-',
    verdictText(n, c),
  ]);
  const state =
    h.state === 'healthy'
      ? c.green('healthy')
      : h.state === 'degraded'
        ? c.yellow('degraded')
        : c.red('unhealthy');
  const lines = [`builder "${h.builder}": ${state}`, ...renderTable([header, ...rows]).map((l) => `  ${l}`)];
  if (h.error) lines.push(`  ${c.red(h.error)}`);
  if (h.uncovered.length > 0) lines.push(`  ${c.red(`no running node serves ${h.uncovered.join(', ')}`)}`);
  return lines;
}

export function renderEnsure(r: EnsureReport, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (r.dryRun)
    lines.push(
      c.bold(`Plan for builder "${r.builder}" (dry run: nothing changed)`),
      ...renderPlan(r.plan, c),
    );
  else if (r.executed.length > 0) lines.push(...r.executed.map((e) => `${c.green('✓')} ${e.command}`));
  if (r.preflight.length > 0 && (r.dryRun || r.preflight.some((p) => p.state === 'down'))) {
    lines.push(c.bold('Endpoints:'), ...renderPreflight(r.preflight, c).map((l) => `  ${l}`));
  }
  if (r.health) lines.push(...renderHealth(r.health, c));
  return lines;
}
