// 7. What split builds are for: the same RUN-heavy two-platform build, `--strategy single` against `--strategy
// split`, on real daemons — node0 an amd64 worker (native here), node1 an arm64 worker (run through QEMU here, as
// a real arm64 machine would list it) — behind a builder made by hand without `--platform` pins. buildx then
// sends both platforms to node0, which emulates arm64; split sends arm64 to node1. Wall time from outside, and
// the per-platform time and node from mpb's own `--json` report.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mpbArgs } from '../lib/fake.mjs';
import { expectExit, runOnce, summarize } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { load } from '../lib/real-docker.mjs';
import { withRealFleet } from '../lib/real-fleet.mjs';
import { ms, ratio, spread, table } from '../lib/report.mjs';

const exec = promisify(execFile);
const BUILDER = 'byhand';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
// A busybox shell loop: ~0.3 s of CPU natively, tens of seconds under QEMU.
const LOOP = 300_000;
const BUILD_TIMEOUT_MS = 900_000;

export const title =
  '7. split vs single: a RUN-heavy amd64+arm64 build on a builder made by hand (no pins), real buildx 0.29.1 and BuildKit';

/** `docker buildx create` per daemon, node0 first, client TLS, no --platform: no pins, as users make them. */
async function createByHand(kit, env) {
  const { ca, clientCert, clientKey } = kit.certs;
  const opts = [`cacert=${ca}`, `cert=${clientCert}`, `key=${clientKey}`].flatMap((o) => ['--driver-opt', o]);
  for (const [i, d] of kit.daemons.entries()) {
    const append = i > 0 ? ['--append'] : [];
    await exec(
      'docker',
      [
        'buildx',
        'create',
        '--name',
        BUILDER,
        '--node',
        `node${i}`,
        '--driver',
        'remote',
        ...append,
        ...opts,
        d.endpoint,
      ],
      { env },
    );
  }
}

/** A fresh context: the loop, then a marker unique to this run, so no run is served from another's cache. */
function writeContext(dir, base, nonce) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const loop = `i=0; while [ $i -lt ${LOOP} ]; do i=$((i+1)); done`;
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo ${nonce} > /nonce && ${loop}\n`);
}

export async function run({ runs }) {
  return withRealFleet(PLATFORMS, async ({ env, kit, registry, loadBefore }) => {
    await createByHand(kit, env);
    const context = join(kit.dir, 'context');
    const n = Math.min(runs, 3);
    const got = { single: [], split: [] };
    let round = 0;
    for (let i = 0; i < n; i++) {
      // Alternate who goes first, so a drift in the machine's load falls on both alike.
      const order = i % 2 === 0 ? ['single', 'split'] : ['split', 'single'];
      for (const strategy of order) {
        writeContext(context, registry.image, `r${round++}`);
        const args = mpbArgs(
          '--json',
          'build',
          '--builder',
          BUILDER,
          '--strategy',
          strategy,
          '-p',
          PLATFORMS.join(','),
          '-t',
          `${registry.host}/bench/app:${strategy}`,
          '--push',
          context,
        );
        const r = await runOnce(NODE, args, { env, timeoutMs: BUILD_TIMEOUT_MS });
        expectExit(r, [0], `mpb build --strategy ${strategy}`, Error);
        got[strategy].push({ wallMs: r.wallMs, report: JSON.parse(r.stdout) });
      }
    }
    const rows = [];
    for (const strategy of ['single', 'split']) {
      const runsOf = got[strategy];
      const cells = PLATFORMS.map((platform) => {
        const rowsOf = runsOf.map((x) => x.report.platforms.find((p) => p.platform === platform));
        const where = [
          ...new Set(rowsOf.map((p) => `${p.builtOn ?? `${p.node} (predicted)`}, ${p.verdict}`)),
        ];
        return `${ms(summarize(rowsOf.map((p) => p.durationMs ?? Number.NaN)).median)} on ${where.join(' / ')}`;
      });
      rows.push([
        `--strategy ${strategy}`,
        ...spread(summarize(runsOf.map((x) => x.wallMs))),
        ms(summarize(runsOf.map((x) => x.report.wallMs)).median),
        ...cells,
      ]);
    }
    const pairs = got.single.map((s, i) => s.wallMs / got.split[i].wallMs);
    return [
      `${n} runs each, alternating which goes first; RUN: a busybox loop of ${LOOP} steps, a fresh marker each run (no cache)`,
      `load average before: ${loadBefore}`,
      table(
        [
          'strategy',
          'wall med',
          'min',
          'max',
          'report wallMs med',
          'linux/amd64 ms med, where',
          'linux/arm64 ms med, where',
        ],
        rows,
      ),
      `single / split wall, run by run: median ${ratio(summarize(pairs).median)} (min ${ratio(Math.min(...pairs))}, max ${ratio(Math.max(...pairs))})`,
      `load average after: ${load()}`,
    ].join('\n');
  });
}
