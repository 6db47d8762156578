// What a TLS probe is given and what it finds; shared by the handshake (tls.ts), its verdicts and the gRPC step.
import type { CertFacts } from './cert-facts.js';
import type { FaultCode } from './codes.js';
import type { GrpcRequest } from './grpc.js';
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
  /** The gRPC call made once TLS is up: ListWorkers (the probe's) when not given. */
  call?: GrpcRequest;
  /** Drops the connection: the outcome is then a failure, before the timeout. */
  signal?: AbortSignal;
}

export interface TlsFailure {
  ok: false;
  reason: NetReason | TlsReason;
  code: FaultCode;
  detail: string;
  fix: string;
  server?: CertFacts;
}

export type TlsOutcome =
  | {
      ok: true;
      protocol: string;
      server: CertFacts;
      /** What answered over the TLS connection: `BuildKit answers (gRPC ListWorkers in 3 ms)`. */
      answer: string;
      ms: number;
      /** BuildKit's response body to the call (ListWorkers unless `call` said otherwise), as it came. */
      reply: Buffer;
    }
  | TlsFailure;
