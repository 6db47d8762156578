// Past TLS: does BuildKit answer? One gRPC call over the verified mutual-TLS connection, the way buildx starts:
// HTTP/2 (ALPN h2), then `moby.buildkit.v1.Control/ListWorkers` with an empty request. A TLS port that is a
// proxy, another HTTPS service or a hung daemon passes the handshake; this is what tells them apart.
import { connect, constants, type IncomingHttpHeaders } from 'node:http2';
import type { TLSSocket } from 'node:tls';

// BuildKit's own service (api/services/control): any other gRPC server answers it with UNIMPLEMENTED.
const LIST_WORKERS = '/moby.buildkit.v1.Control/ListWorkers';
// gRPC framing: 1 byte "not compressed", 4 bytes big-endian length, then the message; an empty message here.
const EMPTY_REQUEST = Buffer.alloc(5);
const GRPC_UNIMPLEMENTED = '12';

export type GrpcOutcome =
  /** `reply`: the response body as it came (gRPC frames of a ListWorkersResponse; buildx/parse/list-workers.ts reads it). */
  | { ok: true; answer: string; reply: Buffer }
  | {
      ok: false;
      code: 'grpc.no-h2' | 'grpc.no-answer' | 'grpc.not-buildkit' | 'grpc.error';
      /** What did answer, for "TLS works, but no BuildKit answers: ...". */
      answered: string;
    }
  /** The connection failed under HTTP/2: the TLS layer tells what that means (e.g. the client cert refused). */
  | { ok: false; code: 'connection'; error: { code?: string; message: string } | undefined };

/** `HTTP/2 404, content-type text/html, server nginx`: what a non-gRPC server said. */
export function describeHttpAnswer(headers: IncomingHttpHeaders): string {
  const parts = [`HTTP/2 ${headers[constants.HTTP2_HEADER_STATUS] ?? '?'}`];
  const type = headers[constants.HTTP2_HEADER_CONTENT_TYPE];
  parts.push(`content-type ${type ?? 'none'}`);
  const server = headers[constants.HTTP2_HEADER_SERVER];
  if (server !== undefined) parts.push(`server ${String(server)}`);
  return parts.join(', ');
}

function verdictOf(
  status: string | undefined,
  message: string | undefined,
  ms: number,
  reply: Buffer,
): GrpcOutcome {
  if (status === '0') return { ok: true, answer: `BuildKit answers (gRPC ListWorkers in ${ms} ms)`, reply };
  const said = `gRPC status ${status ?? 'missing'}${message ? ` "${decodeURIComponent(message)}"` : ''}`;
  return status === GRPC_UNIMPLEMENTED
    ? { ok: false, code: 'grpc.not-buildkit', answered: `a gRPC server without BuildKit's API (${said})` }
    : { ok: false, code: 'grpc.error', answered: `BuildKit's API answered ${said}` };
}

/**
 * Asks BuildKit over `socket` (TLS done and verified) before `deadline` (epoch ms). Takes the socket over:
 * it is closed when this resolves.
 */
export function askBuildkit(socket: TLSSocket, authority: string, deadline: number): Promise<GrpcOutcome> {
  if (socket.alpnProtocol !== 'h2') {
    socket.destroy();
    const alpn = socket.alpnProtocol ? `ALPN chose ${socket.alpnProtocol}` : 'no ALPN protocol chosen';
    return Promise.resolve({
      ok: false,
      code: 'grpc.no-h2',
      answered: `the server does not speak HTTP/2 (${alpn}), which gRPC needs`,
    });
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let done = false;
    let headers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    const session = connect(`https://${authority}`, { createConnection: () => socket });
    const finish = (outcome: GrpcOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => {
        const seconds = (elapsed() / 1000).toFixed(1);
        finish({
          ok: false,
          code: 'grpc.no-answer',
          answered: headers
            ? `${describeHttpAnswer(headers)}, then nothing more for ${seconds} s`
            : `no answer to a gRPC call in ${seconds} s`,
        });
      },
      Math.max(0, deadline - Date.now()),
    );
    const broken = (error: NodeJS.ErrnoException) =>
      finish({ ok: false, code: 'connection', error: { code: error.code, message: error.message } });
    session.on('error', broken);
    session.once('close', () => finish({ ok: false, code: 'connection', error: undefined }));
    const call = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: LIST_WORKERS,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [constants.HTTP2_HEADER_TE]: 'trailers',
    });
    // A TLS alert after the handshake (the client certificate refused) reaches the call, not the session.
    call.on('error', broken);
    call.on('response', (h) => {
      headers = h;
      const type = String(h[constants.HTTP2_HEADER_CONTENT_TYPE] ?? '');
      if (!type.startsWith('application/grpc')) {
        finish({ ok: false, code: 'grpc.no-answer', answered: describeHttpAnswer(h) });
        return;
      }
      // A gRPC error comes "trailers-only": its status is already in the headers.
      const status = h['grpc-status'];
      if (status !== undefined && status !== '0') {
        finish(
          verdictOf(String(status), h['grpc-message'] as string | undefined, elapsed(), Buffer.alloc(0)),
        );
      }
    });
    call.on('trailers', (t) =>
      finish(
        verdictOf(
          t['grpc-status'] as string | undefined,
          t['grpc-message'] as string | undefined,
          elapsed(),
          Buffer.concat(chunks),
        ),
      ),
    );
    // The workers: what a converged ensure reads instead of `buildx inspect` (buildx/inspect-from-record.ts).
    call.on('data', (chunk: Buffer) => chunks.push(chunk));
    call.on('end', () =>
      finish(
        headers
          ? {
              ok: false,
              code: 'grpc.no-answer',
              answered: `${describeHttpAnswer(headers)} without a gRPC status`,
            }
          : { ok: false, code: 'connection', error: undefined },
      ),
    );
    call.end(EMPTY_REQUEST);
  });
}
