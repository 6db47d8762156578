// 4. Dead nodes: `mpb doctor` and the `ensure-builder --dry-run` preflight over 1, 8 and 32 endpoints that
// accept TCP and never answer TLS, with --probe-timeout 1. Probes run in parallel: the wall time should
// stay about one timeout whatever the count.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBlackholes } from '../lib/blackhole.mjs';
import { mpbArgs, plainEnv, startFake } from '../lib/fake.mjs';
import { expectExit, runOnce, summarize } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { ms, Skip, spread, table, verdict } from '../lib/report.mjs';

const COUNTS = [1, 8, 32];
const TIMEOUT_S = 1;

function deadConfig(dir, ports, certs) {
  const tls = `{ ca: ${certs}/ca.pem, cert: ${certs}/client-cert.pem, key: ${certs}/client-key.pem }`;
  const nodes = ports.map(
    (port, i) => `      - name: dead${i}\n        endpoint: tcp://127.0.0.1:${port}\n        tls: ${tls}\n`,
  );
  const file = join(dir, `dead-${ports.length}.yaml`);
  writeFileSync(
    file,
    `version: 1\ndefaultBuilder: dead\nbuilders:\n  dead:\n    driver: remote\n    nodes:\n${nodes.join('')}`,
  );
  return file;
}

/** A CA and a client certificate that pass mpb's file checks, made by mpb itself. */
async function makeCerts(dir, env) {
  const argv = mpbArgs('certs', 'create', '--host', '127.0.0.1', '--out', dir);
  expectExit(await runOnce(NODE, argv, { env }), [0], 'mpb certs create', Skip);
}

const signedMs = (d) => `${d < 0 ? '−' : '+'}${ms(Math.abs(d))}`;

export const title = `4. dead nodes: wall ms with --probe-timeout ${TIMEOUT_S} (endpoints accept TCP, never answer TLS)`;

export async function run({ runs }) {
  // The fake buildx answers doctor's version checks when it is there; the real docker CLI otherwise.
  const env = fakeOrPlainEnv();
  const dir = mkdtempSync(join(tmpdir(), 'mpb-bench-dead-'));
  await makeCerts(join(dir, 'certs'), env);
  const holes = await startBlackholes(Math.max(...COUNTS));
  const rows = [];
  const growth = [];
  const timeoutMs = TIMEOUT_S * 1000;
  try {
    // doctor must say unhealthy (3); a dry run only reports its preflight, so 0 or 3 are both its own call.
    const commands = [
      ['mpb doctor', ['doctor'], [3]],
      ['mpb ensure-builder --dry-run', ['ensure-builder', '--dry-run'], [0, 3]],
    ];
    for (const [label, args, exits] of commands) {
      let first;
      let last;
      for (const count of COUNTS) {
        const config = deadConfig(dir, holes.ports.slice(0, count), join(dir, 'certs'));
        const argv = mpbArgs(...args, '--config', config, '--probe-timeout', String(TIMEOUT_S));
        const walls = [];
        for (let i = 0; i < Math.min(runs, 5); i++) {
          const r = await runOnce(NODE, argv, { env });
          expectExit(r, exits, `${label}, ${count} dead`, Skip);
          walls.push(r.wallMs);
        }
        const wall = summarize(walls);
        first ??= wall.median;
        last = wall.median;
        rows.push([
          `${label}, ${count} dead`,
          ...spread(wall),
          (wall.median / timeoutMs).toFixed(2),
          signedMs(wall.median - first),
        ]);
      }
      growth.push([label, last - first]);
    }
  } finally {
    await holes.close();
  }
  const worstGrowth = Math.max(...growth.map(([, g]) => g));
  return [
    `${Math.min(runs, 5)} runs each; "timeouts" = median wall / probe timeout (one at a time, 32 nodes would take ≥ 32)`,
    table(['command', 'median', 'min', 'max', 'timeouts', 'vs 1 dead'], rows),
    `target: one probe timeout whatever the count — from 1 to ${COUNTS.at(-1)} dead nodes the wall grows by ` +
      `${growth.map(([l, g]) => `${signedMs(g)} ms (${l})`).join(', ')} (${verdict(worstGrowth < timeoutMs)}: less than one timeout)`,
  ].join('\n');
}

function fakeOrPlainEnv() {
  try {
    return startFake().env;
  } catch (e) {
    if (e instanceof Skip) return plainEnv();
    throw e;
  }
}
