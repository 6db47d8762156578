// 8. What `mpb bake` is for (issue 24): the e2e tier's bake file — four targets (app built from base through
// `contexts`), linux/amd64 and linux/arm64 each — on three real daemons, node0 and node1 amd64 workers (native
// here), node2 an arm64 worker (QEMU here), declared as one remote builder with every node pinned. `mpb bake
// --push` against `docker buildx bake --push` on the same builder, each on a project of its own (so neither
// finds the other's cache); then each rebuilds its project after a one-line change to one target. Wall time from
// outside; per node busy time from mpb's report, and for buildx from its own history (`buildx history ls`: each
// record's node and span, the union per node).
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bakeHcl } from '../../test/helpers/bake-hcl.mjs';
import { coveredMs, mpbArgs } from '../lib/fake.mjs';
import { expectExit, runOnce } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { load } from '../lib/real-docker.mjs';
import { withRealFleet } from '../lib/real-fleet.mjs';
import { ms, ratio, table } from '../lib/report.mjs';

const exec = promisify(execFile);
const BUILDER = 'fleet';
const DAEMONS = ['linux/amd64', 'linux/amd64', 'linux/arm64'];
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const TARGETS = ['base', 'app', 'web', 'api'];
// A busybox shell loop: ~0.1 s of CPU natively, seconds under QEMU; then a wait that costs no CPU (a download,
// a test against a service), so the fleet's spread shows on two CPUs.
const LOOP = 100_000;
const WAIT_S = 5;
const BUILD_TIMEOUT_MS = 900_000;

export const title =
  '8. mpb bake vs docker buildx bake: four targets × amd64+arm64 on two amd64 nodes and one arm64 node, real buildx 0.29.1 and BuildKit';

/** builders.yaml: the three daemons as one remote builder, each node pinned to its platform. */
function writeConfig(path, kit) {
  const { ca, clientCert, clientKey } = kit.certs;
  const lines = [
    'version: 1',
    `defaultBuilder: ${BUILDER}`,
    'builders:',
    `  ${BUILDER}:`,
    '    driver: remote',
  ];
  lines.push('    nodes:');
  for (const [i, d] of kit.daemons.entries()) {
    lines.push(
      `      - name: node${i}`,
      `        endpoint: ${d.endpoint}`,
      `        platforms: [${d.platform}]`,
    );
    lines.push(`        tls: { ca: ${ca}, cert: ${clientCert}, key: ${clientKey} }`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** A project: docker-bake.hcl (contexts relative to it: bake asks leave to read outside its folder) and one Dockerfile per target, unique to `nonce`. */
function writeProject(dir, base, registry, nonce) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const loop = `i=0; while [ $i -lt ${LOOP} ]; do i=$((i+1)); done`;
  for (const t of TARGETS) {
    mkdirSync(join(dir, t));
    const from = t === 'app' ? 'base' : base;
    writeFileSync(
      join(dir, t, 'Dockerfile'),
      `FROM ${from}\nRUN echo ${nonce}-${t} > /${t} && ${loop} && sleep ${WAIT_S}\n`,
    );
  }
  const file = join(dir, 'docker-bake.hcl');
  const tagOf = (t) => `${registry}/bench/${nonce}-${t}:1`;
  writeFileSync(file, bakeHcl({ targets: TARGETS, platforms: PLATFORMS, tagOf }));
  return file;
}

/** buildx's own account of a bake: per node, the union of its records' spans created since `sinceMs`. */
async function buildxBusy(env, sinceMs) {
  const r = await exec('docker', ['buildx', 'history', 'ls', '--builder', BUILDER, '--format', 'json'], {
    env,
  });
  const spans = new Map();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line);
    const startMs = Date.parse(rec.created_at);
    if (startMs < sinceMs) continue;
    const node = rec.ref.split('/')[1];
    spans.set(node, [...(spans.get(node) ?? []), { startMs, endMs: Date.parse(rec.completed_at) }]);
  }
  return new Map([...spans].map(([node, s]) => [node, { jobs: s.length, busyMs: coveredMs(s) }]));
}

const busyCell = (busy, node) => {
  const b = busy.get(node);
  return b ? `${ms(b.busyMs)} (${b.jobs})` : 'idle';
};

export async function run() {
  return withRealFleet(DAEMONS, async ({ env, kit, registry, loadBefore }) => {
    const config = join(kit.dir, 'builders.yaml');
    writeConfig(config, kit);
    const made = await runOnce(NODE, mpbArgs('--config', config, 'ensure-builder'), { env });
    expectExit(made, [0], 'mpb ensure-builder', Error);
    const nodes = kit.daemons.map((_, i) => `node${i}`);
    const rows = [];
    const notes = [];
    // buildx first: mpb's helper builder, made on its first bake, then costs nothing to buildx's run.
    for (const tool of ['buildx', 'mpb']) {
      const file = writeProject(join(kit.dir, tool), registry.image, registry.host, `${tool}${Date.now()}`);
      for (const round of ['cold', 'rebuild']) {
        if (round === 'rebuild')
          appendFileSync(join(kit.dir, tool, 'web', 'Dockerfile'), 'RUN echo changed\n');
        const since = Date.now() - 1_000;
        const [command, args] =
          tool === 'mpb'
            ? [NODE, mpbArgs('--config', config, '--json', 'bake', '-f', file, '--push')]
            : ['docker', ['buildx', 'bake', '--builder', BUILDER, '-f', file, '--push']];
        const r = await runOnce(command, args, {
          env,
          timeoutMs: BUILD_TIMEOUT_MS,
          cwd: join(kit.dir, tool),
        });
        expectExit(r, [0], `${tool} bake (${round})`, Error);
        if (tool === 'mpb') {
          const doc = JSON.parse(r.stdout);
          const busy = new Map(doc.nodes.map((n) => [n.node, n]));
          const cached = doc.jobs.filter((j) => j.totalSteps > 0 && j.cachedSteps === j.totalSteps);
          rows.push([
            `mpb bake --push, ${round}`,
            ms(r.wallMs),
            `${ms(doc.wallMs)} / ${ms(doc.boundMs)} = ${ratio(doc.wallMs / doc.boundMs)}`,
            ...nodes.map((n) => busyCell(busy, n)),
          ]);
          notes.push(
            `mpb ${round}: ${cached.length} of ${doc.jobs.length} jobs fully cached (${cached.map((j) => `${j.target} ${j.platform}`).join(', ') || 'none'}); ` +
              `placement ${doc.jobs.map((j) => `${j.target} ${j.platform.split('/')[1]}→${j.builtOn ?? j.node}`).join(', ')}`,
          );
        } else {
          const busy = await buildxBusy(env, since);
          rows.push([
            `docker buildx bake --push, ${round}`,
            ms(r.wallMs),
            '-',
            ...nodes.map((n) => busyCell(busy, n)),
          ]);
          const cachedRuns = (r.stderr.match(/^#\d+ CACHED$/gm) ?? []).length;
          notes.push(`buildx ${round}: ${cachedRuns} vertices CACHED in its plain progress`);
        }
      }
    }
    return [
      `one run each (buildx first); each RUN: a busybox loop of ${LOOP} steps then sleep ${WAIT_S}; rebuild: one line added to web's Dockerfile`,
      `load average before: ${loadBefore}`,
      table(
        [
          'command',
          'wall ms (outside)',
          'report wallMs / boundMs',
          ...nodes.map((n, i) => `${n} (${DAEMONS[i]}) busy ms (records)`),
        ],
        rows,
      ),
      ...notes,
      `load average after: ${load()}`,
    ].join('\n');
  });
}
