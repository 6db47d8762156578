// `mpb ls` / `mpb status` for people: each declared builder with its nodes and drift, then the builders buildx
// has that the config does not declare.
import type { ChalkInstance } from 'chalk';
import type { BuilderView, Drift, NodeView } from '../core/drift.js';
import { emulatedCell, foldVariants, nativeCell } from './platform-list.js';
import { type Layout, renderTable, wrapLine } from './table.js';

const list = (items: readonly string[]) => items.join(',') || '-';
const PLAIN: Layout = { width: undefined, wide: false };
const INDENT = '  ';
const innerWidth = (layout: Layout) =>
  layout.width === undefined ? undefined : layout.width - INDENT.length;

const STATE_TEXT = {
  'in-sync': ['green', 'in sync'],
  drifted: ['yellow', 'drifted'],
  missing: ['red', 'missing'],
  undeclared: ['dim', 'undeclared'],
} as const satisfies Record<BuilderView['state'], readonly [string, string]>;

function stateText(view: BuilderView, c: ChalkInstance): string {
  const [style, text] = STATE_TEXT[view.state];
  return c[style](text);
}

function containerText(node: NodeView): string {
  if (!node.container) return '-';
  const { name, state, status } = node.container;
  return state === 'missing' ? `${name} (missing)` : `${name} (${status})`;
}

function nodeRows(nodes: readonly NodeView[], withContainer: boolean, wide: boolean): string[][] {
  const header = ['NODE', 'ENDPOINT', 'STATUS', 'BUILDKIT', 'PINNED', 'NATIVE', 'EMULATED'];
  const rows = nodes.map((n) => [
    n.declared ? n.name : `${n.name} (undeclared)`,
    n.endpoint ?? '-',
    probedStatus(n),
    n.buildkitVersion ?? '-',
    list(n.pinned),
    // ls asks no node what it runs: where only the config says it, the cell says so (`mpb doctor` asks).
    `${nativeCell(n.native, wide)}${n.nativeSource === 'declared' && n.native.length > 0 ? ' (declared)' : ''}`,
    emulatedCell(n.emulated, wide),
  ]);
  if (!withContainer) return [header, ...rows];
  return [[...header, 'CONTAINER'], ...rows.map((r, i) => [...r, containerText(nodes[i]!)])];
}

/** One drift: what, with its code where it has one, then `→` its fix; `where` names the node (or the builder). */
function driftLines(d: Drift, where: string | undefined, c: ChalkInstance, layout: Layout): string[] {
  const colour = d.kind === 'down' || d.kind === 'missing' || d.kind === 'unserved' ? c.red : c.yellow;
  const code = d.code ? ` [${d.code}]` : '';
  return [
    ...wrapLine(
      `${INDENT}${colour(d.kind)}${where ? ` ${where}` : ''}: ${d.detail}${code}`,
      layout.width,
      `${INDENT}  `,
    ),
    ...(d.fix ? wrapLine(`${INDENT}  ${c.dim('→')} ${d.fix}`, layout.width, `${INDENT}    `) : []),
  ];
}

/** One declared builder: a header with its state, a node table, then one line per drift. */
export function renderDeclared(view: BuilderView, c: ChalkInstance, layout: Layout = PLAIN): string[] {
  const current = view.current ? ' (current)' : '';
  const lines = [`builder "${view.name}" ${c.dim(`(${view.driver})`)}${current}: ${stateText(view, c)}`];
  if (view.nodes.length > 0) {
    const withContainer = view.nodes.some((n) => n.container);
    lines.push(
      ...renderTable(nodeRows(view.nodes, withContainer, layout.wide), innerWidth(layout)).map(
        (l) => `${INDENT}${l}`,
      ),
    );
  }
  lines.push(...view.drift.flatMap((d) => driftLines(d, d.node, c, layout)));
  return lines;
}

// A node's status as buildx says it, with the probe's code when the probe found it down.
function probedStatus(n: NodeView): string {
  const status = n.status ?? '-';
  return n.probe?.state === 'down' ? `${status}: ${n.probe.code}` : status;
}

/** Each undeclared node that is down: why, with its code, then the fix. */
function downLines(views: readonly BuilderView[], c: ChalkInstance, layout: Layout): string[] {
  return views.flatMap((v) =>
    v.drift.flatMap((d) => driftLines(d, d.node ? `${v.name}/${d.node}` : v.name, c, layout)),
  );
}

/**
 * Builders buildx has that the config does not declare, one row per node: shown, never changed. A node down
 * (by buildx's status or its probe) has its code in the STATUS cell and a line under the table.
 */
export function renderUndeclared(
  views: readonly BuilderView[],
  c: ChalkInstance,
  layout: Layout = PLAIN,
): string[] {
  if (views.length === 0) return [];
  const rows = [['BUILDER', 'DRIVER', 'NODE', 'ENDPOINT', 'STATUS', 'BUILDKIT', 'PLATFORMS']];
  for (const v of views) {
    const name = v.current ? `${v.name} (current)` : v.name;
    const code = v.drift.find((d) => d.node === undefined)?.code;
    const status = v.error ? (code ? `error: ${code}` : 'error') : '-';
    if (v.nodes.length === 0) rows.push([name, v.driver || '-', '-', '-', status, '-', '-']);
    for (const [i, n] of v.nodes.entries()) {
      const pin = (p: string) => (n.pinned.includes(p) ? `${p}*` : p);
      const platforms = layout.wide
        ? [...n.native, ...n.emulated].map(pin)
        : [
            ...foldVariants(n.native.map(pin)),
            ...(n.emulated.length > 0 ? [emulatedCell(n.emulated, false)] : []),
          ];
      rows.push([
        i === 0 ? name : '',
        i === 0 ? v.driver || '-' : '',
        n.name,
        n.endpoint ?? '-',
        probedStatus(n),
        n.buildkitVersion ?? '-',
        list(platforms),
      ]);
    }
  }
  return [
    c.bold('Not declared in the config (mpb leaves them alone):'),
    ...renderTable(rows, innerWidth(layout)).map((l) => `${INDENT}${l}`),
    ...downLines(views, c, layout),
  ];
}

export function renderLs(views: readonly BuilderView[], c: ChalkInstance, layout: Layout = PLAIN): string[] {
  const declared = views.filter((v) => v.declared);
  const lines = declared.flatMap((v, i) => [...(i > 0 ? [''] : []), ...renderDeclared(v, c, layout)]);
  const undeclared = renderUndeclared(
    views.filter((v) => !v.declared),
    c,
    layout,
  );
  if (lines.length > 0 && undeclared.length > 0) lines.push('');
  lines.push(...undeclared);
  if (lines.length === 0) lines.push('no builders: the config declares none and buildx has none');
  return lines;
}
