// Large buildx outputs in the exact shapes of the real captures (test/fixtures/captures), for the parser
// benchmark: `ls --format json` of 0.13.1 and 0.29.1, `ls` text in the old (0.10) and tree (0.13+) layouts,
// and `inspect` text. Every builder and node is a copy of the captured one, renamed.
import { readFileSync } from 'node:fs';

const CAPTURES = new URL('../../test/fixtures/captures/', import.meta.url);
export const read = (version, name) => readFileSync(new URL(`v${version}/${name}.stdout`, CAPTURES), 'utf8');

const builderName = (b) => `builder${String(b).padStart(4, '0')}`;
const endpointOf = (b, n) => `tcp://127.0.0.1:${10000 + b * 8 + n}`;

/** A copy of a captured builder, renamed, with `nodes` nodes cloned from its own. */
function cloneBuilder(builder, b, nodes) {
  return {
    ...builder,
    Name: builderName(b),
    Nodes: Array.from({ length: nodes }, (_, n) => ({
      ...structuredClone(builder.Nodes[n % builder.Nodes.length]),
      Name: `node${n}`,
      Endpoint: endpointOf(b, n),
    })),
  };
}

/** The lines of a captured `ls --format json`: the two-node remote builder first, `default` last. */
function capturedLsJson(version) {
  const lines = read(version, 'ls-json')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { builder: lines[0], fallback: lines.find((l) => l.Name === 'default') };
}

/** `count` builders of `nodes` nodes each, as the text layouts print them (from the 0.13.1 capture). */
export function fleet(count, nodes) {
  const { builder, fallback } = capturedLsJson('0.13.1');
  return { builders: Array.from({ length: count }, (_, b) => cloneBuilder(builder, b, nodes)), fallback };
}

/**
 * `docker buildx ls --format json`: one JSON object per line, keys in the order that version prints them.
 * 0.13.1 prints each builder once per node and once more (captures ls-json, ls-mixed-json).
 */
export function lsJson(version, count, nodes) {
  const { builder, fallback } = capturedLsJson(version);
  const copies = version === '0.13.1' ? nodes + 1 : 1;
  const out = [];
  for (let b = 0; b < count; b++) {
    const line = JSON.stringify(cloneBuilder(builder, b, nodes));
    for (let c = 0; c < copies; c++) out.push(line);
  }
  out.push(JSON.stringify(fallback));
  return `${out.join('\n')}\n`;
}

/** Go's text/tabwriter as buildx uses it: every tab-ended cell padded to its column's width + padding. */
export function tabwrite(rows, padding) {
  const widths = [];
  for (const row of rows) {
    for (const [i, c] of row.slice(0, -1).entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows
    .map((row) => row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i] + padding) : c)).join(''))
    .join('\n');
}

const platformsText = (node) => node.Platforms.map((p, i) => (i === 0 ? `${p}*` : p)).join(', ');

/** `docker buildx ls` text: layout 'tree' (0.13+, `--no-trunc` on 0.18+) or 'old' (≤0.12). */
export function lsText(layout, { builders, fallback }) {
  const tree = layout === 'tree';
  const rows = [['NAME/NODE', 'DRIVER/ENDPOINT', 'STATUS', 'BUILDKIT', 'PLATFORMS']];
  for (const b of builders) {
    rows.push([b.Name, b.Driver, '', '', '']);
    for (const n of b.Nodes) {
      rows.push(
        tree
          ? [` \\_ ${n.Name}`, ` \\_ ${n.Endpoint}`, n.Status, n.Version, platformsText(n)]
          : [`  ${n.Name}`, n.Endpoint, n.Status, n.Version, platformsText(n)],
      );
    }
  }
  rows.push([tree ? `${fallback.Name}*` : `${fallback.Name} *`, '', 'error', '', '']);
  return `${tabwrite(rows, tree ? 3 : 1)}\n`;
}

/** `docker buildx inspect NAME` text (0.29.1 capture `inspect`) for one builder of `nodes` nodes. */
export function inspectText(nodes) {
  const captured = read('0.29.1', 'inspect');
  const [head, ...blocks] = captured.split(/\n(?=Name: {13})/);
  const nodeBlocks = Array.from({ length: nodes }, (_, n) =>
    blocks[n % blocks.length]
      .replace(/^Name: +\S+/m, (m) => m.replace(/\S+$/, `node${n}`))
      .replace(/^Endpoint: +\S+/m, (m) => m.replace(/\S+$/, endpointOf(0, n))),
  );
  return [head, ...nodeBlocks].join('\n');
}

/**
 * The generators, fed the captured builder under its captured names, must give back the captured bytes:
 * returns the captures they do not reproduce (none, unless this file or a capture changed).
 */
export function checkShapes() {
  const asCaptured = (text) =>
    text
      .replaceAll('builder0000', 'builder')
      .replaceAll('node0', 'linux-amd64')
      .replaceAll('node1', 'linux-arm64')
      .replaceAll(endpointOf(0, 0), 'tcp://127.0.0.1:1234')
      .replaceAll(endpointOf(0, 1), 'tcp://127.0.0.1:1235');
  // Text layouts straight from the captured model: renaming after alignment would shift the columns.
  const { builder, fallback } = capturedLsJson('0.13.1');
  const one = { builders: [builder], fallback };
  const cases = [
    ['v0.13.1/ls-json', lsJson('0.13.1', 1, 2)],
    ['v0.29.1/ls-json', lsJson('0.29.1', 1, 2)],
    ['v0.10.5/ls-two-nodes', lsText('old', one)],
    ['v0.13.1/ls-two-nodes', lsText('tree', one)],
    ['v0.29.1/ls-no-trunc', lsText('tree', one)],
    ['v0.29.1/inspect', inspectText(2)],
  ];
  return cases
    .filter(([name, text]) => asCaptured(text) !== read(...name.slice(1).split('/')))
    .map(([n]) => n);
}
