// Real buildx accepts what `mpb certs create` writes: a remote builder made from the files keeps them as its
// driver options, and buildx's own Go TLS stack completes a mutual-TLS handshake with them.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:tls';
import { afterAll, describe, expect } from 'vitest';
import { createRunner } from '../../src/buildx/exec.js';
import { runCertsCreate } from '../../src/commands/certs-create.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { itUnless } from '../helpers/skip.js';
import { captureDeps } from '../unit/ui/capture.js';

// Debian sid's buildx as a CLI plugin in a fresh DOCKER_CONFIG.
const world = await e2eWorld({ suites: ['sid'] });
const sid = world.suite('sid');
const skip = sid.skip;
const run = createRunner(skip ? {} : { env: sid.dockerEnv().env });
const test = itUnless(skip);

async function certsIn(): Promise<Record<string, string>> {
  const cwd = world.temp('mpb-e2e-certs-');
  const { deps, exit, stdout } = captureDeps({ json: true, color: false, cwd });
  expect(
    await exit(() => runCertsCreate(deps, { host: ['127.0.0.1', 'localhost'], out: 'certs', days: 2 })),
  ).toBe(0);
  return JSON.parse(stdout()).files;
}

const closers: (() => void)[] = [];
afterAll(async () => {
  for (const close of closers) close();
  if (!skip) await run('docker', ['buildx', 'rm', 'mpb-e2e-tls']);
});

describe('real buildx with mpb certs create output', () => {
  test('creates a remote builder whose driver options are the files', async () => {
    const files = await certsIn();
    const opts = `cacert=${files.ca},cert=${files.clientCert},key=${files.clientKey}`;
    const created = await run('docker', [
      'buildx',
      'create',
      '--name',
      'mpb-e2e-tls',
      '--node',
      'tls0',
      '--driver',
      'remote',
      '--driver-opt',
      opts,
      'tcp://127.0.0.1:1234',
    ]);
    expect(created).toMatchObject({ exitCode: 0, stdout: 'mpb-e2e-tls\n' });
    const inspected = await run('docker', ['buildx', 'inspect', 'mpb-e2e-tls']);
    expect(inspected.exitCode).toBe(0);
    const lines = inspected.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['Driver:        remote', 'Endpoint:       tcp://127.0.0.1:1234']),
    );
    // buildx 0.29.1 prints driver options in Go map order, which changes from run to run: compare as a map.
    const optionsLine = lines.find((l) => l.startsWith('Driver Options:')) ?? '';
    const printed = Object.fromEntries(
      [...optionsLine.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(printed).toEqual({ cacert: files.ca, cert: files.clientCert, key: files.clientKey });
  });

  test("buildx's Go TLS client and a server using the files accept each other", async () => {
    const files = await certsIn();
    const read = (p: string) => readFile(p, 'utf8');
    // Node's TLS server with the server files, requiring a client certificate from the same CA, as buildkitd does.
    const server = createServer({
      cert: await read(files.serverCert!),
      key: await read(files.serverKey!),
      ca: await read(files.ca!),
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on('tlsClientError', () => {});
    const accepted = new Promise<string>((resolve) =>
      server.on('secureConnection', (socket) => {
        socket.on('error', () => {});
        resolve(socket.getPeerX509Certificate()?.subject ?? 'no client certificate');
        socket.destroy();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const port = (server.address() as { port: number }).port;
    const opts = `cacert=${files.ca},cert=${files.clientCert},key=${files.clientKey}`;
    await run('docker', ['buildx', 'rm', 'mpb-e2e-tls']);
    const created = await run('docker', [
      'buildx',
      'create',
      '--name',
      'mpb-e2e-tls',
      '--node',
      'tls0',
      '--driver',
      'remote',
      '--driver-opt',
      opts,
      `tcp://127.0.0.1:${port}`,
    ]);
    expect(created.exitCode).toBe(0);
    // The server is not BuildKit, so the bootstrap never finishes: it only has to get past the handshake.
    const bootstrap = run('docker', ['buildx', 'inspect', '--bootstrap', 'mpb-e2e-tls'], {
      timeoutMs: 8_000,
    });
    expect(await accepted).toBe('CN=mpb client');
    await bootstrap;
  });
});
