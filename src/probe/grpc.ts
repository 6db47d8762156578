// Past TLS: does BuildKit answer? One gRPC call over the verified mutual-TLS connection, the way buildx starts:
// HTTP/2 (ALPN h2), then a call to BuildKit's own service; the probe's is `Control/ListWorkers` with an empty
// request. A TLS port that is a proxy, another HTTPS service or a hung daemon passes the handshake; this is what
// tells them apart. The same routine makes the scheduler's call (probe/busy.ts): one call, unary or a server
// stream that ends by itself, its body kept as it came.
import { connect, constants, type IncomingHttpHeaders } from 'node:http2';
import type { TLSSocket } from 'node:tls';

/** One gRPC call: the method's path and its request, a protobuf message (unframed). */
export interface GrpcRequest {
  path: string;
  message: Uint8Array;
}

// BuildKit's own service (api/services/control): any other gRPC server answers it with UNIMPLEMENTED.
export const LIST_WORKERS: GrpcRequest = {
  path: '/moby.buildkit.v1.Control/ListWorkers',
  message: new Uint8Array(0),
};
const GRPC_UNIMPLEMENTED = '12';

/** gRPC framing: 1 byte "not compressed", 4 bytes big-endian length, then the message. */
function framed(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

export type GrpcOutcome =
  /** `reply`: the response body as it came, every gRPC frame (buildx/parse/list-workers.ts, build-history.ts). */
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
  method: string,
  status: string | undefined,
  message: string | undefined,
  ms: number,
  reply: Buffer,
): GrpcOutcome {
  if (status === '0') return { ok: true, answer: `BuildKit answers (gRPC ${method} in ${ms} ms)`, reply };
  const said = `gRPC status ${status ?? 'missing'}${message ? ` "${decodeURIComponent(message)}"` : ''}`;
  return status === GRPC_UNIMPLEMENTED
    ? { ok: false, code: 'grpc.not-buildkit', answered: `a gRPC server without BuildKit's API (${said})` }
    : { ok: false, code: 'grpc.error', answered: `BuildKit's API answered ${said}` };
}

/**
 * Makes one gRPC call over `socket` (TLS done and verified) and reads its whole reply before `deadline` (epoch
 * ms). Takes the socket over: it is closed when this resolves.
 */
export function grpcCall(
  socket: TLSSocket,
  authority: string,
  request: GrpcRequest,
  deadline: number,
): Promise<GrpcOutcome> {
  if (socket.alpnProtocol !== 'h2') {
    socket.destroy();
    const alpn = socket.alpnProtocol ? `ALPN chose ${socket.alpnProtocol}` : 'no ALPN protocol chosen';
    return Promise.resolve({
      ok: false,
      code: 'grpc.no-h2',
      answered: `the server does not speak HTTP/2 (${alpn}), which gRPC needs`,
    });
  }
  const method = request.path.slice(request.path.lastIndexOf('/') + 1);
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
      [constants.HTTP2_HEADER_PATH]: request.path,
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
          verdictOf(
            method,
            String(status),
            h['grpc-message'] as string | undefined,
            elapsed(),
            Buffer.alloc(0),
          ),
        );
      }
    });
    call.on('trailers', (t) =>
      finish(
        verdictOf(
          method,
          t['grpc-status'] as string | undefined,
          t['grpc-message'] as string | undefined,
          elapsed(),
          Buffer.concat(chunks),
        ),
      ),
    );
    // The reply's frames (a stream's arrive in several chunks): the workers, what a converged ensure reads
    // instead of `buildx inspect` (buildx/inspect-from-record.ts); the active builds, what the scheduler reads.
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
    call.end(framed(request.message));
  });
}
