// What a probe finds: a node is up (with what was checked) or down with one diagnosis code, with the fix.
// A step's `reason` (DownReason) is internal: it picks the fix; what mpb prints and --json carry is the `code`.
// On the types floor (test/unit/architecture/import-order.test.ts): it imports nothing but codes.ts.
import type { FaultCode } from './codes.js';

/** Network failures: before any protocol is spoken. */
export type NetReason = 'dns' | 'refused' | 'unreachable' | 'timeout';

/** TLS failures, each told apart because each has a different fix. */
export type TlsReason =
  | 'tls-files' // a ca/cert/key file is missing, unreadable or not PEM
  | 'tls-key-mismatch' // the key is not the certificate's key
  | 'tls-client-expired'
  | 'tls-client-not-yet-valid'
  | 'tls-ca' // the configured CA did not sign the server certificate
  | 'tls-hostname' // the host (or servername) is not among the server certificate's SANs
  | 'tls-expired' // server certificate
  | 'tls-not-yet-valid' // server certificate
  | 'tls-client-rejected' // the server refused our client certificate
  | 'tls-not-tls' // the port answers, but not with TLS
  | 'tls-handshake' // any other handshake failure
  | 'grpc'; // TLS works, but BuildKit does not answer over it

/** Failures of nodes reached through docker or ssh. */
export type DaemonReason =
  | 'ssh-auth'
  | 'ssh-host-key'
  | 'ssh'
  | 'docker' // the Docker daemon (local or behind ssh) does not answer
  | 'container' // the BuildKit container is missing or not running
  | 'buildkit' // BuildKit inside the container does not answer
  | 'socket' // unix:// socket missing
  | 'endpoint' // an endpoint mpb cannot read
  | 'kubernetes'; // the cluster, namespace or pods of a kubernetes node (through kubectl)

export type DownReason = NetReason | TlsReason | DaemonReason;

/** A problem that does not stop the node from working but should be fixed (doctor fails on it). */
export interface ProbeWarning {
  reason: 'key-permissions';
  code: 'tls.key-permissions';
  detail: string;
  fix: string;
}

/**
 * What a node's hardware runs without an emulator, and who said so: BuildKit's own worker list (native platform
 * first; a worker started with an explicit platform list is taken at its word), the Docker host its BuildKit
 * container runs on (`Server.Arch`), the cluster node a kubernetes pod runs on (`kubernetes.io/arch`), or, where no signal answers, the config's declaration.
 */
export interface NativeTruth {
  platforms: string[];
  source: 'worker' | 'docker-host' | 'cluster-node' | 'declared' | 'listed';
}

export interface ProbeTarget {
  builder: string | undefined;
  node: string;
  /** The endpoint as written, or what stands for it: `local Docker`, `local BuildKit container`. */
  endpoint: string;
}

export type ProbeResult = ProbeTarget &
  (
    | { state: 'up'; code: 'ok'; checks: string[]; warnings: ProbeWarning[]; native?: NativeTruth }
    | {
        state: 'down';
        /** The public diagnosis (README "Diagnosis codes"); the step's DownReason stays inside the probe. */
        code: FaultCode;
        detail: string;
        fix: string;
        checks: string[];
        warnings: ProbeWarning[];
      }
    | { state: 'skipped'; code: 'skipped' | 'kube.unchecked'; detail: string }
  );

/** What a check found before it is placed on a node: a step's own verdict. */
export type StepOutcome =
  | { ok: true; check: string; native?: NativeTruth }
  | { ok: false; reason: DownReason; code: FaultCode; detail: string; fix: string };
