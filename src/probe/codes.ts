// The stable diagnosis codes: what each probe result, doctor check and node verdict says in `--json`, for
// scripts. The prose (`detail`, `fix`) is for people and may change; a code and its meaning do not.
// README.md lists this table under "Diagnosis codes" (a unit test keeps the two equal).
// On the types floor (test/unit/architecture/import-order.test.ts): any layer may name a code; no imports.

export const DIAGNOSES = {
  ok: 'the check passed',
  skipped: 'not probed: buildx reaches this node through another tool (kube-pod://)',
  'endpoint.invalid': 'mpb cannot read the endpoint',
  'dns.not-found': "the endpoint's host name does not resolve",
  'tcp.refused': "nothing listens on the endpoint's port",
  'tcp.timeout': 'no TCP answer from the endpoint in time (host down or a firewall drops the packets)',
  'tcp.unreachable': "no route to the endpoint's host",
  'tls.files-unreadable': 'a tls ca/cert/key file is missing or cannot be read',
  'tls.files-invalid': 'a tls file holds no PEM certificate, or the key is not a readable private key',
  'tls.key-mismatch': 'the client key does not belong to the client certificate',
  'tls.key-permissions': 'the client key can be read by other users (a warning: the node still works)',
  'tls.client-expired': 'the client certificate has expired',
  'tls.client-not-yet-valid': 'the client certificate is not valid yet (check the clocks)',
  'tls.timeout': 'the port accepted TCP but did not complete a TLS handshake in time',
  'tls.not-tls': 'the port answers, but not with TLS',
  'tls.unknown-ca': 'the configured CA did not sign the server certificate',
  'tls.ca-out-of-date': 'the CA certificate in the chain is expired or not valid yet',
  'tls.expired': 'the server certificate has expired',
  'tls.not-yet-valid': 'the server certificate is not valid yet (check the clocks)',
  'tls.name-mismatch': 'the host (or tls.servername) is not among the server certificate names',
  'tls.client-rejected': 'the server refused the client certificate',
  'tls.handshake': 'the TLS handshake failed for another reason',
  'grpc.no-h2': 'TLS works, but the server does not offer HTTP/2 (ALPN h2): not a gRPC server',
  'grpc.no-answer': 'TLS and HTTP/2 work, but no gRPC answer came (another HTTP service, or a hung daemon)',
  'grpc.not-buildkit': 'a gRPC server answers, but it has no BuildKit control service',
  'grpc.error': 'BuildKit answered the list-workers call with a gRPC error',
  'ssh.missing': 'ssh is not installed here',
  'ssh.refused': 'nothing listens on the ssh port',
  'ssh.timeout': 'ssh did not connect or answer in time',
  'ssh.unreachable': 'no route to the ssh host',
  'ssh.auth': 'ssh cannot log in without a prompt (no usable key)',
  'ssh.host-key': 'the ssh host key is unknown or has changed',
  'ssh.failed': 'ssh failed for another reason',
  'docker.missing': 'the docker CLI is not on PATH',
  'docker.cli-failed': 'docker --version failed',
  'docker.down': 'the Docker daemon (local, a context, or behind ssh) does not answer',
  'container.missing': 'the BuildKit container does not exist',
  'container.stopped': 'the BuildKit container exists but is not running',
  'buildkit.down': 'BuildKit inside its container does not answer',
  'socket.missing': 'no unix socket at the endpoint path',
  'buildx.unusable': 'buildx is missing, older than 0.10, or its version cannot be read',
  'buildx.unreadable': 'buildx printed output mpb cannot read (an unknown format: please report it)',
  'config.invalid': 'the config file is missing or invalid',
  'fs.not-a-folder': 'a file stands where a folder of a path mpb reads or writes should be (ENOTDIR)',
  'fs.missing': 'a file or folder mpb needs does not exist (ENOENT)',
  'fs.denied': 'permission denied on a path mpb reads or writes (EACCES, EPERM)',
  'fs.read-only': 'a path mpb writes is on a read-only file system (EROFS)',
  'fs.is-a-folder': 'a folder stands where mpb needs a file (EISDIR)',
  'fs.exists': 'a file mpb would create already exists (EEXIST)',
  'fs.no-space': 'no space left, or the disk quota used up, where mpb writes (ENOSPC, EDQUOT)',
  'fs.too-many-files': 'too many open files (EMFILE, ENFILE)',
  'fs.failed': 'another file system or OS failure on a path mpb reads or writes (EPIPE, EIO, ...)',
  'builder.absent': 'buildx has no builder by the declared name yet (a note: mpb ensure-builder creates it)',
  'builder.not-bootstrapped': 'doctor --bootstrap skipped the builder: a node of it is down',
  'builder.bootstrap-failed': 'buildx could not bootstrap or inspect the builder',
  'emulation.unserved':
    'a platform the node declares under emulate is not served (no QEMU) or cannot be checked',
  'node.absent': 'buildx has no node by the declared name',
  'node.inactive': 'buildx reports the node inactive: it does not answer',
  'node.stopped': 'buildx reports the node stopped',
  'node.error': 'buildx reports an error for the node',
  'node.down':
    'buildx reports the node neither running nor stopped (starting, stopping, unknown), or a build was sent to a node found down before it and it never answered',
  'node.died':
    'a node stopped answering during a build: for longer than --node-timeout (mpb stopped buildx), or buildx failed while it was down',
  'platform.not-served': 'the node does not serve a platform it declares',
  'platform.emulated':
    "the node declares a platform native that its hardware emulates (by the node's own word: its BuildKit worker list or its Docker host); a warning",
  'node.pins-differ': 'the pinned platforms differ from the declared ones',
  'kube.kubeconfig-unreadable': 'the kubeconfig is missing or cannot be read (KUBECONFIG, ~/.kube/config)',
  'kube.cluster-unreachable': 'the Kubernetes API server does not answer, or refuses the credentials',
  'kube.namespace-missing': "the node's namespace does not exist (buildx does not create it)",
  'kube.pods-not-ready':
    "the node's pods did not become ready (unschedulable: no cluster node matches; or the image cannot be pulled)",
  'registries.not-written':
    "a remote node's registries: are for a buildkitd you start, whose buildkitd.toml mpb cannot write (a warning: doctor prints the tables it needs)",
  'kube.unchecked':
    'kubectl is not on PATH: the cluster, namespace and pods of a kubernetes node were not checked',
} as const satisfies Record<string, string>;

/** A code a probe or verdict may carry; anything else is a type error. */
export type DiagnosisCode = keyof typeof DIAGNOSES;

/** A code that says what is wrong: every code but `ok` and `skipped`. */
export type FaultCode = Exclude<DiagnosisCode, 'ok' | 'skipped'>;

/** The code of a node buildx reports as not running; `error` wins: buildx said why. */
export function codeOfNodeStatus(status: string | undefined, error: string | undefined): FaultCode {
  if (error !== undefined) return 'node.error';
  if (status === 'inactive') return 'node.inactive';
  if (status === 'stopped') return 'node.stopped';
  if (status === 'error') return 'node.error';
  return 'node.down';
}
