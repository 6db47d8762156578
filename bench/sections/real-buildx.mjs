// 6. mpb against buildx itself: real buildx 0.29.1 (Debian sid's plugin, .cache/buildx/sid) as the docker
// CLI's plugin, two real BuildKit daemons with mutual TLS on loopback, a converged remote builder. Each mpb
// command runs beside the buildx command it stands for, A B A B …; ratios are taken pair by pair.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemons } from '../lib/daemons.mjs';
import { mpbArgs } from '../lib/fake.mjs';
import { expectExit, interleave, runOnce, summarize } from '../lib/measure.mjs';
import { NODE } from '../lib/node.mjs';
import { load, privateDocker } from '../lib/real-docker.mjs';
import { ratio, Skip, spread, table, verdict } from '../lib/report.mjs';

const BUILDER = 'fleet';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
// buildx's first line of plain progress (`#0 building with "fleet" instance using remote driver`).
const FIRST_PROGRESS = /^#\d+ /m;

export const title =
  '6. real buildx 0.29.1, two mTLS BuildKit v0.32.2 daemons: mpb / buildx, paired run by run';

function writeConfig(dir, kit) {
  const { ca, clientCert, clientKey } = kit.certs;
  const nodes = kit.daemons.map(
    (d, i) =>
      `      - name: node${i}\n        endpoint: ${d.endpoint}\n        platforms: [${d.platform}]\n` +
      `        tls: { ca: ${ca}, cert: ${clientCert}, key: ${clientKey} }\n`,
  );
  const file = join(dir, 'builders.yaml');
  writeFileSync(
    file,
    `version: 1\ndefaultBuilder: ${BUILDER}\nbuilders:\n  ${BUILDER}:\n    driver: remote\n    nodes:\n${nodes.join('')}`,
  );
  return file;
}

/** Wall ms to the first line of buildx progress on stdout or stderr, and to the end. */
function timeToFirstProgress(file, args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - start) / 1e6;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let text = '';
    let firstMs;
    const seen = (d) => {
      if (firstMs !== undefined) return;
      text += d;
      if (FIRST_PROGRESS.test(text)) firstMs = since();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || firstMs === undefined)
        reject(
          new Error(
            `${args.join(' ')}: exit ${code}, progress seen: ${firstMs !== undefined}\n${text.slice(-1500)}`,
          ),
        );
      else resolve({ firstMs, wallMs: since() });
    });
  });
}

/** A row of the first-output table: to the first line (median, min, max, ratios), and to the end. */
const firstRow = (r) => [
  r.label,
  ...spread(r.first),
  ...spread(r.firstRatio, ratio),
  ...spread(r.wall).slice(0, 1),
  ratio(r.wallRatio.median),
];

async function firstOutput(pairs, runs, env) {
  const got = pairs.map(() => ({ first: [], wall: [] }));
  for (let round = -1; round < runs; round++) {
    for (const [i, p] of pairs.entries()) {
      const r = await timeToFirstProgress(p.file, p.args, p.env ?? env);
      if (round < 0) continue;
      got[i].first.push(r.firstMs);
      got[i].wall.push(r.wallMs);
    }
  }
  const [base] = got;
  return pairs.map((p, i) => ({
    label: p.label,
    first: summarize(got[i].first),
    firstRatio: summarize(got[i].first.map((v, k) => v / base.first[k])),
    wall: summarize(got[i].wall),
    wallRatio: summarize(got[i].wall.map((v, k) => v / base.wall[k])),
  }));
}

export async function run({ runs }) {
  const docker = privateDocker();
  const { env } = docker;
  const nodeVersion = (await runOnce(NODE, ['--version'])).stdout.trim();
  const buildxVersion = (await runOnce('docker', ['buildx', 'version'], { env })).stdout.trim();
  const loadBefore = load();
  const kit = await startDaemons(PLATFORMS, env);
  try {
    const config = writeConfig(kit.dir, kit);
    const mpb = (...args) => mpbArgs('--config', config, ...args);
    expectExit(
      await runOnce(NODE, mpb('ensure-builder'), { env }),
      [0],
      'first ensure-builder (creates)',
      Skip,
    );
    const context = join(kit.dir, 'context');
    mkdirSync(context);
    writeFileSync(join(context, 'hello'), 'hello\n');
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello /hello\n');
    const n = Math.min(runs, 15);
    const buildxInspect = {
      label: `docker buildx inspect ${BUILDER}`,
      file: 'docker',
      args: ['buildx', 'inspect', BUILDER],
    };
    // The same mpb command with buildx's record off (MPB_BUILDX_RECORD=0): what the record fast path saves;
    // and through docker (MPB_BUILDX_DIRECT=0): what running the plugin itself saves.
    const inspecting = { ...env, MPB_BUILDX_RECORD: '0' };
    const viaDocker = { ...env, MPB_BUILDX_DIRECT: '0' };
    const verbose = await runOnce(NODE, mpb('--verbose', 'ensure-builder'), { env });
    const fastPath = /converged by buildx's record/.test(verbose.stderr);
    const groups = [
      [
        'converged ensure',
        1.3,
        [
          buildxInspect,
          { label: 'mpb ensure-builder', file: NODE, args: mpb('ensure-builder') },
          {
            label: '  the same, MPB_BUILDX_RECORD=0',
            file: NODE,
            args: mpb('ensure-builder'),
            env: inspecting,
          },
        ],
      ],
      [
        'build --dry-run',
        1.3,
        [
          buildxInspect,
          {
            label: 'mpb build --dry-run',
            file: NODE,
            args: mpb('build', '--dry-run', '-p', PLATFORMS.join(','), context),
          },
        ],
      ],
      [
        'ls',
        1.3,
        [
          { label: 'docker buildx ls', file: 'docker', args: ['buildx', 'ls'] },
          { label: 'mpb ls', file: NODE, args: mpb('ls') },
          { label: '  the same, MPB_BUILDX_RECORD=0', file: NODE, args: mpb('ls'), env: inspecting },
          { label: '  the same, MPB_BUILDX_DIRECT=0', file: NODE, args: mpb('ls'), env: viaDocker },
        ],
      ],
      [
        'version',
        1.5,
        [
          { label: 'node -e 0', file: NODE, args: ['-e', '0'] },
          { label: 'mpb --version', file: NODE, args: mpbArgs('--version') },
        ],
      ],
    ];
    const rows = [];
    const verdicts = [];
    for (const [name, target, commands] of groups) {
      const [base, own, ...more] = await interleave(commands, n, { env });
      rows.push(
        [base.label, ...spread(base.wall), '', '', ''],
        ...[own, ...more].map((r) => [r.label, ...spread(r.wall), ...spread(r.ratio, ratio)]),
      );
      verdicts.push(
        `${name} ≤ ${target}×: ${ratio(own.ratio.median)} (${verdict(own.ratio.median <= target)})`,
      );
    }
    const nb = Math.min(runs, 15);
    const build = ['-p', PLATFORMS.join(','), '--progress', 'plain'];
    const [bx, mb, mbDocker] = await firstOutput(
      [
        {
          label: 'docker buildx build',
          file: 'docker',
          args: [
            'buildx',
            'build',
            '--builder',
            BUILDER,
            '--platform',
            PLATFORMS.join(','),
            '--progress',
            'plain',
            context,
          ],
        },
        { label: 'mpb build', file: NODE, args: mpb('build', ...build, context) },
        {
          label: '  the same, MPB_BUILDX_DIRECT=0',
          file: NODE,
          args: mpb('build', ...build, context),
          env: viaDocker,
        },
      ],
      nb,
      env,
    );
    verdicts.push(
      `build start → first buildx output ≤ 1.3×: ${ratio(mb.firstRatio.median)} (${verdict(mb.firstRatio.median <= 1.3)})`,
    );
    return [
      `node for mpb: ${nodeVersion}; ${buildxVersion}; load average before: ${loadBefore}`,
      `converged ensure-builder read the builder from buildx's record (--verbose): ${fastPath ? 'yes' : 'no'}`,
      `${n} runs each after one warm-up, interleaved in pairs; ratio = mpb's run / the buildx (or node) run beside it`,
      table(['command', 'median', 'min', 'max', 'ratio med', 'min', 'max'], rows),
      '',
      `a build of FROM scratch + COPY for ${PLATFORMS.join(',')} (cache-only result), ${nb} pairs: ms to the first line of buildx progress, and to the end`,
      table(
        ['command', 'first med', 'min', 'max', 'ratio med', 'min', 'max', 'end med', 'ratio med'],
        [
          [bx.label, ...spread(bx.first), '', '', '', ...spread(bx.wall).slice(0, 1), ''],
          firstRow(mb),
          firstRow(mbDocker),
        ],
      ),
      `targets — ${verdicts.join('; ')}`,
      `load average after: ${load()}`,
    ].join('\n');
  } finally {
    await kit.stop();
    rmSync(docker.config, { recursive: true, force: true });
  }
}
