// 2. A converged `mpb ensure-builder` (nothing to change) against the fake buildx with a fixed latency per
// call: how many buildx calls it makes, and mpb's own time = wall − the time docker calls were running.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBlackholes } from '../lib/blackhole.mjs';
import { coveredMs, mpbArgs, startFake } from '../lib/fake.mjs';
import { expectExit, runOnce, summarize } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { ms, Skip, spread, table, verdict } from '../lib/report.mjs';

const LATENCY_MS = 100;
const TARGET_CALLS = 2;
const TARGET_OWN_MS = 100;

/** Two remote nodes without TLS whose endpoints accept TCP: up for mpb's probe, running for the fake. */
function fleetConfig(dir, ports) {
  const file = join(dir, 'builders.yaml');
  const nodes = ports.map(
    (port, i) =>
      `      - name: node${i}\n        endpoint: tcp://127.0.0.1:${port}\n        platforms: [${i === 0 ? 'linux/amd64' : 'linux/386'}]\n`,
  );
  writeFileSync(
    file,
    `version: 1\ndefaultBuilder: fleet\nbuilders:\n  fleet:\n    driver: remote\n    nodes:\n${nodes.join('')}`,
  );
  return file;
}

export const title = `2. converged ensure-builder: fake buildx with ${LATENCY_MS} ms latency per call`;

export async function run({ runs }) {
  const fake = startFake({ latencyMs: LATENCY_MS });
  const holes = await startBlackholes(2);
  try {
    const argv = mpbArgs('ensure-builder', '--config', fleetConfig(fake.dir, holes.ports));
    expectExit(await runOnce(NODE, argv, { env: fake.env }), [0], 'first ensure-builder (creates)', Skip);
    const baseline = [];
    const rows = { wall: [], docker: [], own: [], buildx: [], dockerCalls: [], formula: [] };
    for (let i = 0; i < Math.min(runs, 10); i++) {
      baseline.push((await runOnce(NODE, ['-e', '0'])).wallMs);
      const [buildxBefore, dockerBefore] = [fake.buildxCalls().length, fake.dockerCalls().length];
      const r = await runOnce(NODE, argv, { env: fake.env });
      expectExit(r, [0], 'converged ensure-builder', Skip);
      const calls = fake.dockerCalls().slice(dockerBefore);
      const buildx = fake.buildxCalls().length - buildxBefore;
      rows.wall.push(r.wallMs);
      rows.docker.push(coveredMs(calls));
      rows.own.push(r.wallMs - coveredMs(calls));
      rows.buildx.push(buildx);
      rows.dockerCalls.push(calls.length);
      rows.formula.push(r.wallMs - buildx * LATENCY_MS);
    }
    const s = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, summarize(v)]));
    const node = summarize(baseline);
    const lastCalls = fake
      .dockerCalls()
      .slice(-s.dockerCalls.max)
      .map((c) => `docker ${c.args}`);
    return [
      `${s.wall.n} converged runs; a docker call's time is measured around the real docker CLI loading the fake plugin`,
      table(
        ['figure', 'median', 'min', 'max'],
        [
          ['wall ms', ...spread(s.wall)],
          ['time inside docker calls ms', ...spread(s.docker)],
          ["mpb's own ms (wall − docker)", ...spread(s.own)],
          [`wall − buildx calls × ${LATENCY_MS} ms`, ...spread(s.formula)],
          ['node -e 0 ms, run beside it', ...spread(node)],
          ['buildx calls (fake log)', s.buildx.median, s.buildx.min, s.buildx.max],
          ['docker calls (all)', s.dockerCalls.median, s.dockerCalls.min, s.dockerCalls.max],
        ],
      ),
      `calls of the last run: ${lastCalls.join(' · ')}`,
      `target ≤ ${TARGET_CALLS} buildx calls — ${s.buildx.max} (${verdict(s.buildx.max <= TARGET_CALLS)}); ` +
        `target own time < ${TARGET_OWN_MS} ms — ${ms(s.own.median)} ms (${verdict(s.own.median < TARGET_OWN_MS)}), ` +
        `of which Node's own start-up is about ${ms(node.median)} ms`,
    ].join('\n');
  } finally {
    await holes.close();
  }
}
