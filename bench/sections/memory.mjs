// 5. Peak memory (RSS) of `mpb ls --json` when buildx has 500 builders of 4 nodes (the config declares one
// of them), against the fake buildx; beside `node -e 0` and the same command with one builder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mpbArgs, startFake } from '../lib/fake.mjs';
import { expectExit, runOnce, summarize } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { mib, ms, ratio, Skip, spread, table } from '../lib/report.mjs';

const BUILDERS = 500;
const NODES = 4;
const endpoint = (n) => `tcp://127.0.0.1:${4000 + n}`;

/** One builder made by the fake's own `create` calls, so its state has the fake's own shape. */
async function createOne(fake) {
  for (let n = 0; n < NODES; n++) {
    const args = [
      'buildx',
      'create',
      ...(n ? ['--append'] : []),
      '--name',
      'builder0000',
      '--node',
      `node${n}`,
    ];
    args.push('--driver', 'remote', '--platform', n ? 'linux/386' : 'linux/amd64', endpoint(n));
    expectExit(await runOnce('docker', args, { env: fake.env }), [0], `docker ${args.join(' ')}`, Skip);
  }
}

/** The created builder copied under 499 more names, straight into the fake's state file. */
function cloneBuilders(fake) {
  const state = fake.state();
  const template = state.builders.builder0000;
  for (let b = 1; b < BUILDERS; b++) {
    const name = `builder${String(b).padStart(4, '0')}`;
    state.builders[name] = { ...structuredClone(template), name };
  }
  fake.setState(state);
}

function declareOne(dir) {
  const file = join(dir, 'builders.yaml');
  const nodes = Array.from(
    { length: NODES },
    (_, n) =>
      `      - name: node${n}\n        endpoint: ${endpoint(n)}\n        platforms: [${n ? 'linux/386' : 'linux/amd64'}]\n`,
  );
  writeFileSync(
    file,
    `version: 1\nbuilders:\n  builder0000:\n    driver: remote\n    nodes:\n${nodes.join('')}`,
  );
  return file;
}

async function measure(label, file, args, env, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(file, args, { env, rss: true });
    expectExit(r, [0], label, Skip);
    results.push(r);
  }
  return {
    label,
    rss: summarize(results.map((r) => r.maxRssKiB)),
    wall: summarize(results.map((r) => r.wallMs)),
    last: results.at(-1),
  };
}

export const title = `5. peak RSS: mpb ls --json with ${BUILDERS} builders × ${NODES} nodes in buildx (fake)`;

export async function run({ runs }) {
  const fake = startFake();
  const n = Math.min(runs, 5);
  await createOne(fake);
  const argv = mpbArgs('ls', '--json', '--config', declareOne(fake.dir));
  const rows = [await measure('node -e 0', NODE, ['-e', '0'], fake.env, n)];
  rows.push(await measure('mpb ls --json, 1 builder', NODE, argv, fake.env, n));
  cloneBuilders(fake);
  const big = await measure(`mpb ls --json, ${BUILDERS} builders`, NODE, argv, fake.env, n);
  rows.push(big);
  const shown = JSON.parse(big.last.stdout).builders?.length;
  const base = rows[0].rss.median;
  return [
    `${n} runs each; peak RSS = the process's own getrusage ru_maxrss at exit (MiB); mpb listed ${shown} builders`,
    table(
      ['command', 'RSS median', 'min', 'max', '× node -e 0', 'wall ms'],
      rows.map((r) => [r.label, ...spread(r.rss, mib), ratio(r.rss.median / base), ms(r.wall.median)]),
    ),
  ].join('\n');
}
