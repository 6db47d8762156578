// In-process servers on 127.0.0.1 for probe tests: a mutual-TLS server like buildkitd, plain TCP services
// that do not speak TLS, a closed port; and certificate sets made by mpb's own generator.
import 'reflect-metadata'; // before @peculiar/x509, which needs it (see src/certs/generate.ts)
import { webcrypto } from 'node:crypto';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createSecureServer, type ServerHttp2Stream } from 'node:http2';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { PemConverter, X509Certificate as X509 } from '@peculiar/x509';
import { type Authority, issueCertificate, type PemPair, validityFor } from '../../src/certs/generate.js';

export interface Running {
  port: number;
  close: () => Promise<void>;
}

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

/**
 * What a mutual-TLS server speaks once the handshake is done: `buildkit` answers BuildKit's ListWorkers over
 * gRPC like buildkitd; `grpc-other` is a gRPC server without BuildKit's API; `h2-http` an HTTP/2 web server;
 * `http1` offers only HTTP/1.1 (ALPN) and answers it; `silent` completes the handshake and says nothing.
 */
export type TlsSpeaks = 'buildkit' | 'grpc-other' | 'h2-http' | 'http1' | 'silent';

function answerGrpc(
  stream: ServerHttp2Stream,
  speaks: 'buildkit' | 'grpc-other',
  workersReply: Buffer | undefined,
): void {
  stream.on('error', () => {});
  if (speaks === 'grpc-other') {
    // A trailers-only answer, as grpc-go gives for a service it does not have.
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': '12',
        'grpc-message': 'unknown service',
      },
      { endStream: true },
    );
    return;
  }
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
  stream.end(workersReply ?? Buffer.alloc(5)); // by default an empty ListWorkersResponse
}

/**
 * A TLS server that requires a client certificate from `ca` and then speaks as `speaks` says (default: BuildKit).
 * `workersReply`: the ListWorkers body BuildKit answers with (a real daemon's, from the captures).
 */
export function startTlsServer(options: {
  cert: string;
  key: string;
  ca: string;
  speaks?: TlsSpeaks;
  workersReply?: Buffer;
}): Promise<Running> {
  const { speaks = 'buildkit', workersReply, ...pems } = options;
  const tls = { ...pems, requestCert: true, rejectUnauthorized: true };
  if (speaks === 'silent' || speaks === 'http1') {
    const server = createTlsServer(
      // An HTTP/1.1 server that knows no ALPN (many do not) chooses none; a hung buildkitd still chose h2.
      speaks === 'http1' ? tls : { ...tls, ALPNProtocols: ['h2'] },
      (socket) => {
        socket.on('error', () => {});
        if (speaks === 'http1') {
          socket.once('data', () =>
            socket.end('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n'),
          );
        }
      },
    );
    server.on('tlsClientError', () => {});
    return listen(server);
  }
  const server = createSecureServer(tls);
  server.on('tlsClientError', () => {});
  server.on('sessionError', () => {});
  server.on('stream', (stream) => {
    if (speaks === 'h2-http') {
      stream.on('error', () => {});
      stream.respond({ ':status': 404, 'content-type': 'text/plain', server: 'nginx' });
      stream.end('not found');
    } else answerGrpc(stream, speaks, workersReply);
  });
  return listen(server);
}

/**
 * A TCP service that is not TLS: answers HTTP to anything ('garbage'), hangs up at once ('close'), or accepts
 * and never says a word ('silent': a host whose service hangs before TLS).
 */
export function startPlainServer(mode: 'garbage' | 'close' | 'silent'): Promise<Running> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => {});
    if (mode === 'close') socket.destroy();
    else if (mode === 'garbage')
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  });
  return listen(server);
}

/** A CA as `mpb certs create` writes it (ca.pem, ca-key.pem), loaded to sign more leaves. */
export async function readAuthority(pem: PemPair): Promise<Authority> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const der = PemConverter.decodeFirst(pem.key);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  const certificate = new X509(pem.cert);
  const publicKey = await certificate.publicKey.export(algorithm, ['verify'], webcrypto);
  return { certificate, keys: { privateKey, publicKey }, pem };
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
