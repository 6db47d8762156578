// In-process servers on 127.0.0.1 for probe tests: a mutual-TLS server like buildkitd, plain TCP services
// that do not speak TLS, a closed port; and certificate sets made by mpb's own generator.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { type Authority, issueCertificate, type PemPair, validityFor } from '../../src/certs/generate.js';

export interface Running {
  port: number;
  close: () => Promise<void>;
}

const SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

async function listen(server: Server): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TLS server that requires a client certificate from `ca` and, like gRPC, greets with a SETTINGS frame. */
export function startTlsServer(options: { cert: string; key: string; ca: string }): Promise<Running> {
  const server = createTlsServer({ ...options, requestCert: true, rejectUnauthorized: true }, (socket) => {
    socket.on('error', () => {});
    socket.write(SETTINGS_FRAME);
  });
  server.on('tlsClientError', () => {});
  return listen(server);
}

/** A TCP service that is not TLS: answers HTTP to anything ('garbage') or hangs up at once ('close'). */
export function startPlainServer(mode: 'garbage' | 'close'): Promise<Running> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => {});
    if (mode === 'close') socket.destroy();
    else socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  });
  return listen(server);
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const running = await listen(createTcpServer());
  await running.close();
  return running.port;
}

/** A leaf made by mpb's generator with overrides: validity shifted by days, other SANs. */
export function leaf(
  ca: Authority,
  role: 'server' | 'client',
  options: { hosts?: string[]; fromDays?: number; toDays?: number } = {},
): Promise<PemPair> {
  const day = 86_400_000;
  const hosts = options.hosts ?? ['127.0.0.1'];
  const now = Date.now();
  const validity =
    options.fromDays === undefined && options.toDays === undefined
      ? validityFor(30)
      : {
          notBefore: new Date(now + (options.fromDays ?? -1) * day),
          notAfter: new Date(now + (options.toDays ?? 30) * day),
        };
  return issueCertificate(ca, {
    role,
    commonName: role === 'server' ? (hosts[0] ?? 'buildkitd') : 'mpb client',
    hosts: role === 'server' ? hosts : [],
    validity,
  });
}

/** Writes PEM files into a fresh temp dir (keys 0600) and returns their paths. */
export async function writePems(files: Record<string, string>): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'mpb-tls-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.pem`);
    await writeFile(paths[name], text);
    await chmod(paths[name], name.includes('key') ? 0o600 : 0o644);
  }
  return paths;
}
