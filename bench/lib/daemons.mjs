// Real BuildKit daemons for the bench: buildkitd v0.32.2 (.cache/buildkit, from ../shared/tools/get-buildkit)
// on 127.0.0.1 with mutual TLS from `mpb certs create`, started the way the e2e helper starts them (the
// argv lives in test/helpers/buildkitd-argv.mjs). No fault controls: the bench only needs them up.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  buildctlArgs,
  buildkitdArgs,
  WORKERS_ARGS,
  workerPlatforms,
} from '../../test/helpers/buildkitd-argv.mjs';
import { mpbArgs } from './fake.mjs';
import { expectExit, runOnce } from './measure.mjs';
import { NODE } from './node.mjs';
import { Skip } from './report.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(ROOT, '.cache', 'buildkit');
const GET_BUILDKIT = join(ROOT, '..', 'shared', 'tools', 'get-buildkit');
const READY_MS = 30_000;

async function binaries() {
  const b = { buildkitd: join(CACHE, 'buildkitd'), buildctl: join(CACHE, 'buildctl') };
  if (existsSync(b.buildkitd) && existsSync(b.buildctl)) return b;
  if (!existsSync(GET_BUILDKIT))
    throw new Skip(`no .cache/buildkit and no ../shared/tools/get-buildkit to fetch it`);
  await run('bash', [GET_BUILDKIT, CACHE], { timeout: 180_000 });
  return b;
}

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Starts one daemon per platform and waits until each lists its workers; `stop()` ends them all. */
export async function startDaemons(platforms, env) {
  if (process.getuid?.() !== 0) throw new Skip('buildkitd needs root here (runc, mounts)');
  const bin = await binaries();
  const dir = mkdtempSync(join(tmpdir(), 'mpb-bench-kit-'));
  const certDir = join(dir, 'certs');
  const made = await runOnce(
    NODE,
    mpbArgs('--json', 'certs', 'create', '--host', '127.0.0.1', '--out', certDir),
    { env },
  );
  expectExit(made, [0], 'mpb certs create', Skip);
  const certs = JSON.parse(made.stdout).files;
  const children = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', resolve);
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const daemons = [];
    for (const [i, platform] of platforms.entries()) {
      const port = await freePort();
      const root = join(dir, `node${i}`, 'root');
      mkdirSync(root, { recursive: true });
      const log = join(dir, `node${i}`, 'buildkitd.log');
      const out = openSync(log, 'a');
      const child = spawn(bin.buildkitd, buildkitdArgs({ root, port, certs, platform }), {
        stdio: ['ignore', out, out],
      });
      closeSync(out);
      children.push(child);
      const deadline = Date.now() + READY_MS;
      for (;;) {
        const listed = await run(bin.buildctl, [...buildctlArgs({ port, certs }), ...WORKERS_ARGS], {
          timeout: 2_000,
          killSignal: 'SIGKILL',
        }).then(
          (r) => workerPlatforms(r.stdout),
          () => [],
        );
        if (listed.length > 0) break;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`buildkitd on ${port} did not come up:\n${readFileSync(log, 'utf8').slice(-1500)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      daemons.push({ port, endpoint: `tcp://127.0.0.1:${port}`, platform });
    }
    return { dir, certs, daemons, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
