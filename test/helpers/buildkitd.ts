// A real buildkitd on 127.0.0.1 with mutual TLS, for the probe tests: the binaries come from
// ../shared/tools/get-buildkit into .cache/buildkit/ (gitignored). Skips with a reason where it cannot run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './built-cli.js';
import { closedPort, writePems } from './tls-server.js';

const BUILDKITD = join(ROOT, '.cache', 'buildkit', 'buildkitd');
const START_TIMEOUT_MS = 30_000;

export interface Buildkitd {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Why a real buildkitd cannot run here, or undefined when it can. */
export function buildkitdSkipReason(): string | undefined {
  if (!existsSync(BUILDKITD)) return `no ${BUILDKITD}: run bash ../shared/tools/get-buildkit .cache/buildkit`;
  if (process.getuid?.() !== 0) return 'buildkitd (OCI worker) needs root here';
  return undefined;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket.destroy() === socket));
    socket.once('error', () => resolve(false));
  });

/** Starts buildkitd with the given server certificate and client CA (PEM), and waits until it listens. */
export async function startBuildkitd(pems: { cert: string; key: string; ca: string }): Promise<Buildkitd> {
  const root = await mkdtemp(join(tmpdir(), 'mpb-buildkitd-'));
  const files = await writePems({ ca: pems.ca, cert: pems.cert, key: pems.key });
  const port = await closedPort();
  const child = spawn(
    BUILDKITD,
    [
      '--root',
      join(root, 'state'),
      '--addr',
      `tcp://127.0.0.1:${port}`,
      '--tlscacert',
      files.ca!,
      '--tlscert',
      files.cert!,
      '--tlskey',
      files.key!,
      '--oci-worker-snapshotter',
      'native',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT'); // a test may have frozen it
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(root, { recursive: true, force: true });
  };
  const until = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`buildkitd did not listen on 127.0.0.1:${port}`);
    }
    await sleep(100);
  }
  return { port, process: child, stop };
}
