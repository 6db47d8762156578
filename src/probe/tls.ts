// One TLS handshake with a deadline, as buildx would make it, reporting why it fails (see tls-verdicts.ts).
import { isIP, type Socket } from 'node:net';
import { connect } from 'node:tls';
import { type CertFacts, certFacts } from './cert-facts.js';
import { connectTcp } from './tcp.js';
import {
  classifyTlsError,
  clientRejected,
  type HandshakeContext,
  notTls,
  verifyServer,
} from './tls-verdicts.js';
import type { NetReason, TlsReason } from './types.js';

export interface TlsProbeInput {
  host: string;
  port: number;
  /** PEM contents. */
  ca: string;
  cert: string;
  key: string;
  servername?: string | undefined;
  timeoutMs: number;
  /** Where the PEM came from, for the fix text. */
  files?: { ca: string; cert: string; key: string };
}

export type TlsOutcome =
  | { ok: true; protocol: string; server: CertFacts; ms: number }
  | { ok: false; reason: NetReason | TlsReason; detail: string; fix: string; server?: CertFacts };

export type TlsFailure = Extract<TlsOutcome, { ok: false }>;

// buildkitd is a gRPC server: it answers the HTTP/2 client preface with a SETTINGS frame. Sending it makes a
// server that rejected our certificate after a TLS 1.3 handshake say so (alert or close) instead of staying silent.
const HTTP2_PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), // empty SETTINGS frame
]);

function handshake(c: HandshakeContext, raw: Socket, deadline: number, started: number): Promise<TlsOutcome> {
  return new Promise((resolve) => {
    let secured = false;
    let done = false;
    let server: CertFacts | undefined;
    const socket = connect({
      socket: raw,
      ca: c.input.ca,
      cert: c.input.cert,
      key: c.input.key,
      servername: isIP(c.name) ? undefined : c.name, // SNI must not carry an IP address (RFC 6066)
      ALPNProtocols: ['h2'],
      rejectUnauthorized: false, // we verify ourselves, to say *why* it fails
      checkServerIdentity: () => undefined,
    });
    const finish = (outcome: TlsOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      resolve(outcome);
    };
    const up = (): TlsOutcome => ({
      ok: true,
      protocol: socket.getProtocol() ?? 'TLS',
      server: server!,
      ms: Math.round(performance.now() - started),
    });
    const timer = setTimeout(
      () => {
        if (secured) return finish(up()); // verified both ways and not refused: only the gRPC answer is slow
        finish({
          ok: false,
          reason: 'timeout',
          detail: `${c.input.host}:${c.input.port} accepted TCP but did not complete a TLS handshake in time`,
          fix: `Check that buildkitd with TLS listens on ${c.input.host}:${c.input.port} (not a proxy or another service) and is not overloaded.`,
        });
      },
      Math.max(0, deadline - Date.now()),
    );
    socket.once('secureConnect', () => {
      secured = true;
      const peer = socket.getPeerX509Certificate();
      if (!peer) return finish(notTls(c, 'the server sent no certificate'));
      const failure = verifyServer(c, socket, peer);
      if (failure) return finish(failure);
      server = certFacts(peer);
      socket.write(HTTP2_PREFACE);
    });
    socket.once('data', () => finish(up()));
    const stage = () => ({ secured, answered: raw.bytesRead > 0 });
    socket.once('error', (e: NodeJS.ErrnoException) => finish(classifyTlsError(c, e, stage())));
    socket.once('close', () =>
      finish(
        secured
          ? clientRejected(c, 'closed the connection right after the handshake')
          : classifyTlsError(c, { code: 'ECONNRESET', message: 'closed' }, stage()),
      ),
    );
  });
}

/** TCP connect, then a mutual-TLS handshake, within timeoutMs; says which TLS problem it is when it fails. */
export async function probeTls(input: TlsProbeInput): Promise<TlsOutcome> {
  const started = performance.now();
  const deadline = Date.now() + input.timeoutMs;
  const tcp = await connectTcp(input.host, input.port, deadline);
  if (!tcp.ok) return tcp;
  const c: HandshakeContext = {
    input,
    name: input.servername ?? input.host,
    files: input.files ?? { ca: 'the CA file', cert: 'the client certificate', key: 'the client key' },
  };
  try {
    return await handshake(c, tcp.socket, deadline, started);
  } catch (e) {
    // tls.connect throws synchronously on PEM it cannot load; the file checks normally catch this first.
    tcp.socket.destroy();
    return {
      ok: false,
      reason: 'tls-files',
      detail: `cannot load the TLS files: ${(e as Error).message}`,
      fix: `Check ${c.files.ca}, ${c.files.cert} and ${c.files.key} with: mpb certs show FILE`,
    };
  }
}
