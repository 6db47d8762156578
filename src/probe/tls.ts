// One TLS handshake with a deadline, as buildx would make it, reporting why it fails (see tls-verdicts.ts);
// then, on the same connection, whether BuildKit answers gRPC (grpc.ts).
import { isIP, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { type CertFacts, certFacts } from './cert-facts.js';
import { type GrpcOutcome, grpcCall, LIST_WORKERS } from './grpc.js';
import { connectTcp } from './tcp.js';
import type { TlsFailure, TlsOutcome, TlsProbeInput } from './tls-types.js';
import {
  classifyTlsError,
  clientRejected,
  type HandshakeContext,
  noBuildkit,
  notTls,
  verifyServer,
} from './tls-verdicts.js';

type Secured = { ok: true; socket: TLSSocket; server: CertFacts; protocol: string };

function handshake(c: HandshakeContext, raw: Socket, deadline: number): Promise<Secured | TlsFailure> {
  return new Promise((resolve) => {
    let done = false;
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
    const onError = (e: NodeJS.ErrnoException) => fail(classifyTlsError(c, e, stage()));
    const onClose = () => fail(classifyTlsError(c, { code: 'ECONNRESET', message: 'closed' }, stage()));
    const settle = (outcome: Secured | TlsFailure) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const fail = (failure: TlsFailure) => {
      socket.destroy();
      raw.destroy();
      settle(failure);
    };
    const timer = setTimeout(
      () =>
        fail({
          ok: false,
          reason: 'timeout',
          code: 'tls.timeout',
          detail: `${c.input.host}:${c.input.port} accepted TCP but did not complete a TLS handshake in time`,
          fix: `Check that buildkitd with TLS listens on ${c.input.host}:${c.input.port} (not a proxy or another service) and is not overloaded.`,
        }),
      Math.max(0, deadline - Date.now()),
    );
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      if (!peer) return fail(notTls(c, 'the server sent no certificate'));
      const failure = verifyServer(c, socket, peer);
      if (failure) return fail(failure);
      settle({ ok: true, socket, server: certFacts(peer), protocol: socket.getProtocol() ?? 'TLS' });
    });
    const stage = () => ({ secured: false, answered: raw.bytesRead > 0 });
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** A failed gRPC step as the node's verdict; a broken connection there is the server refusing our certificate. */
function grpcFailure(c: HandshakeContext, outcome: Exclude<GrpcOutcome, { ok: true }>): TlsFailure {
  if (outcome.code === 'connection') {
    // After a TLS 1.3 handshake the server checks the client certificate: a refusal comes as an alert or a close.
    return outcome.error?.code
      ? classifyTlsError(
          c,
          { code: outcome.error.code, message: outcome.error.message },
          { secured: true, answered: true },
        )
      : clientRejected(c, 'closed the connection right after the handshake');
  }
  return noBuildkit(c, outcome.code, outcome.answered);
}

/**
 * TCP connect, a mutual-TLS handshake, then one gRPC call, all within timeoutMs; says which problem it is
 * when it fails.
 */
export async function probeTls(input: TlsProbeInput): Promise<TlsOutcome> {
  const started = performance.now();
  const deadline = Date.now() + input.timeoutMs;
  const tcp = await connectTcp(input.host, input.port, deadline);
  if (!tcp.ok) return tcp;
  if (input.signal?.aborted) {
    tcp.socket.destroy();
    return stopped(input);
  }
  // Every later step fails fast on a destroyed socket: the handshake and the call see it close.
  const abort = () => tcp.socket.destroy();
  input.signal?.addEventListener('abort', abort, { once: true });
  try {
    const outcome = await overTcp(input, tcp.socket, started, deadline);
    // A connection the caller cut looks like a server hanging up: say what really happened.
    return input.signal?.aborted && !outcome.ok ? stopped(input) : outcome;
  } finally {
    input.signal?.removeEventListener('abort', abort);
  }
}

/** The caller's signal fired first: to the caller, the node did not answer in the time it had. */
function stopped(input: TlsProbeInput): TlsFailure {
  return {
    ok: false,
    reason: 'timeout',
    code: 'tls.timeout',
    detail: `${input.host}:${input.port} had not answered when the caller stopped waiting`,
    fix: `Check that buildkitd with TLS on ${input.host}:${input.port} answers quickly: it may be overloaded.`,
  };
}

async function overTcp(
  input: TlsProbeInput,
  raw: Socket,
  started: number,
  deadline: number,
): Promise<TlsOutcome> {
  const c: HandshakeContext = {
    input,
    name: input.servername ?? input.host,
    files: input.files ?? { ca: 'the CA file', cert: 'the client certificate', key: 'the client key' },
  };
  let secured: Secured | TlsFailure;
  try {
    secured = await handshake(c, raw, deadline);
  } catch (e) {
    // tls.connect throws synchronously on PEM it cannot load; the file checks normally catch this first.
    raw.destroy();
    return {
      ok: false,
      reason: 'tls-files',
      code: 'tls.files-invalid',
      detail: `cannot load the TLS files: ${(e as Error).message}`,
      fix: `Check ${c.files.ca}, ${c.files.cert} and ${c.files.key} with: mpb certs show FILE`,
    };
  }
  if (!secured.ok) return secured;
  const authority = isIP(input.host) === 6 ? `[${input.host}]:${input.port}` : `${input.host}:${input.port}`;
  const grpc = await grpcCall(secured.socket, authority, input.call ?? LIST_WORKERS, deadline);
  raw.destroy();
  if (!grpc.ok) return { ...grpcFailure(c, grpc), server: secured.server };
  const ms = Math.round(performance.now() - started);
  return {
    ok: true,
    protocol: secured.protocol,
    server: secured.server,
    answer: grpc.answer,
    ms,
    reply: grpc.reply,
  };
}
