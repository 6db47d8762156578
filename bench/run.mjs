// `npm run bench`: mpb's own cost, measured as whole processes (and parsers in-process), every figure
// beside its baseline in the same run. Prints medians, min/max and ratios; never asserts on time.
// Usage: node bench/run.mjs [--runs N] [--only 1,3]; MPB_BENCH_NODE=/path/to/node runs mpb under that node.
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Skip } from './lib/report.mjs';
import * as bake from './sections/bake.mjs';
import * as deadNodes from './sections/dead-nodes.mjs';
import * as ensure from './sections/ensure.mjs';
import * as memory from './sections/memory.mjs';
import * as parsers from './sections/parsers.mjs';
import * as realBuildx from './sections/real-buildx.mjs';
import * as splitBuild from './sections/split-build.mjs';
import * as startup from './sections/startup.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, only: { type: 'string' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const only = values.only?.split(',').map(Number);

const sections = [startup, ensure, parsers, deadNodes, memory, realBuildx, splitBuild, bake];

console.log(
  `mpb bench — ${new Date().toISOString().slice(0, 10)} — ${availableParallelism()} CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}/${process.arch}`,
);
let failed = 0;
for (const [i, section] of sections.entries()) {
  if (only && !only.includes(i + 1)) continue;
  console.log(`\n## ${section.title}`);
  const t0 = performance.now();
  try {
    console.log(await section.run({ runs }));
  } catch (e) {
    if (!(e instanceof Skip)) failed++;
    console.log(e instanceof Skip ? `skipped: ${e.message}` : `FAILED: ${e.stack ?? e}`);
  }
  console.log(`(section took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exitCode = failed ? 1 : 0;
