// 3. Parsers, in this process: `ls --format json` for 500 builders × 4 nodes (0.29.1 and 0.13.1 shapes,
// the latter with its repeated lines), `ls` text in both layouts, and `inspect` text; per call.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timeCalls } from '../lib/measure.mjs';
import { ms, Skip, spread, table, verdict } from '../lib/report.mjs';
import { checkShapes, fleet, inspectText, lsJson, lsText } from '../lib/shapes.mjs';

const PARSE_DIR = fileURLToPath(new URL('../../dist/buildx/parse/', import.meta.url));
const BUILDERS = 500;
const NODES = 4;
const TARGET_MS = 20;

/** Every export of dist/buildx/parse/*.js, by name: the parsers' file names are theirs to choose. */
async function loadParsers() {
  if (!existsSync(PARSE_DIR)) throw new Skip('dist/buildx/parse/ is missing: run npm run build');
  const exports = {};
  for (const f of readdirSync(PARSE_DIR).filter((f) => f.endsWith('.js'))) {
    Object.assign(exports, await import(pathToFileURL(`${PARSE_DIR}${f}`).href));
  }
  return exports;
}

/** What a parse found, as a check that the input was really understood. */
function describeResult(result) {
  if (result?.ok === false) return `parse failed: ${result.error?.message ?? JSON.stringify(result.error)}`;
  const value = result?.ok === true ? result.value : result;
  const builders = Array.isArray(value) ? value : [value];
  const nodes = builders.reduce((sum, b) => sum + (b?.nodes?.length ?? 0), 0);
  return `${builders.length} builder(s), ${nodes} nodes`;
}

export const title = `3. parsers: ms per call (${BUILDERS} builders × ${NODES} nodes)`;

export async function run({ runs }) {
  const parsers = await loadParsers();
  const unfaithful = checkShapes();
  if (unfaithful.length > 0) throw new Error(`the generated shapes no longer match ${unfaithful.join(', ')}`);
  const big = fleet(BUILDERS, NODES);
  const cases = [
    ['parseLsJson', 'ls --format json, 0.29.1', lsJson('0.29.1', BUILDERS, NODES)],
    ['parseLsJson', `ls --format json, 0.13.1 (each line ×${NODES + 1})`, lsJson('0.13.1', BUILDERS, NODES)],
    ['parseLsText', 'ls text, tree layout (0.13+)', lsText('tree', big)],
    ['parseLsText', 'ls text, old layout (0.10)', lsText('old', big)],
    ['parseInspect', `inspect text, ${NODES} nodes (0.29.1)`, inspectText(NODES)],
    ['parseInspect', 'inspect text, 32 nodes (0.29.1)', inspectText(32)],
  ];
  const rows = [];
  const skipped = [];
  let worst = 0;
  for (const [name, what, input] of cases) {
    const fn = parsers[name];
    if (typeof fn !== 'function') {
      if (!skipped.includes(name)) skipped.push(name);
      continue;
    }
    const stats = timeCalls(fn, input, Math.max(5, Math.min(runs, 50)));
    worst = Math.max(worst, stats.median);
    rows.push([
      `${name}: ${what}`,
      `${(input.length / 1024).toFixed(0)} KiB`,
      ...spread(stats),
      describeResult(fn(input)),
    ]);
  }
  const missing = `${skipped.join(', ')} not exported by dist/buildx/parse/*.js`;
  if (rows.length === 0) throw new Skip(missing);
  return [
    'inputs generated from the real captures (checked: one builder comes out byte for byte as captured)',
    table(['parser: input', 'size', 'median', 'min', 'max', 'found'], rows),
    ...(skipped.length ? [`skipped: ${missing}`] : []),
    `target < ${TARGET_MS} ms per call — slowest median ${ms(worst)} ms (${verdict(worst < TARGET_MS)})`,
  ].join('\n');
}
