// 1. Start-up: `mpb --version` and `mpb --help` against `node -e 0`, interleaved, ratios pair by pair.
import { fileURLToPath } from 'node:url';
import { interleave } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { ratio, spread, table, verdict } from '../lib/report.mjs';

const MPB = fileURLToPath(new URL('../../bin/mpb.js', import.meta.url));
const TARGET = 1.5;

export const title = '1. start-up: whole process, wall ms';

export async function run({ runs }) {
  const node = NODE;
  const results = await interleave(
    [
      { label: 'node -e 0', file: node, args: ['-e', '0'] },
      { label: 'mpb --version', file: node, args: [MPB, '--version'] },
      { label: 'mpb --help', file: node, args: [MPB, '--help'] },
    ],
    runs,
  );
  const rows = results.map((r) => [r.label, ...spread(r.wall), ...spread(r.ratio, ratio)]);
  const met = results
    .slice(1)
    .map((r) => `${r.label}: ${ratio(r.ratio.median)} (${verdict(r.ratio.median <= TARGET)})`);
  return [
    `${runs} runs each after one warm-up, interleaved; ratio = this run / the node -e 0 run beside it`,
    table(['command', 'median', 'min', 'max', 'ratio med', 'min', 'max'], rows),
    `target ≤ ${TARGET}× node -e 0 — ${met.join('; ')}`,
  ].join('\n');
}
