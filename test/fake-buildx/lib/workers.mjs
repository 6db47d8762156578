// What a node reports when buildx asks it: status, and for a running node its BuildKit worker (version,
// platforms, labels, GC policy). Workers are configured per endpoint in state.workers; the default is the
// BuildKit v0.11.6 amd64 host of the captures.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { DRIVERS } from './drivers.mjs';
import { downList } from './runtime.mjs';

const AMD64_HOST = ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'];
const LABELS = (snapshotter) => ({
  'org.mobyproject.buildkit.worker.executor': 'oci',
  'org.mobyproject.buildkit.worker.hostname': 'vm',
  'org.mobyproject.buildkit.worker.network': 'host',
  'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
  'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
  'org.mobyproject.buildkit.worker.snapshotter': snapshotter,
});
const HOUR_NS = 3_600_000_000_000;
const rule = (all, filter, keepDuration, reservedSpace, maxUsedSpace = 0, minFreeSpace = 0) => ({
  all,
  filter,
  keepDuration,
  reservedSpace,
  maxUsedSpace,
  minFreeSpace,
});

/** Worker presets taken from the captures (inspect-bootstrap, qemu-inspect-bootstrap, dc-inspect). */
export const WORKER_PRESETS = {
  'buildkit-v0.11.6': {
    version: 'v0.11.6',
    platforms: AMD64_HOST,
    labels: LABELS('native'),
    // v0.11.6 sends one comma-joined filter string.
    gcPolicy: [
      rule(
        false,
        ['type==source.local,type==exec.cachemount,type==source.git.checkout'],
        48 * HOUR_NS,
        512e6,
      ),
      rule(false, null, 1440 * HOUR_NS, 26e9),
      rule(false, null, 0, 26e9),
      rule(true, null, 0, 26e9),
    ],
  },
  'buildkit-v0.32.2': {
    version: 'v0.32.2',
    platforms: [...AMD64_HOST.slice(0, 4), 'linux/arm64', 'linux/riscv64', 'linux/ppc64le', 'linux/s390x'],
    labels: LABELS('native'),
    gcPolicy: [
      rule(
        false,
        ['type==source.local', 'type==exec.cachemount', 'type==source.git.checkout'],
        48 * HOUR_NS,
        0,
        512e6,
      ),
      rule(false, null, 1440 * HOUR_NS, 10e9, 100e9, 51e9),
      rule(false, null, 0, 10e9, 100e9, 51e9),
      rule(true, null, 0, 10e9, 100e9, 51e9),
    ],
  },
};

/** The Docker engine's own BuildKit (driver `docker`), as in captures default-ls/default-inspect. */
export const ENGINE = {
  version: '20.10.24+dfsg1',
  buildkit: 'v0.8+unknown',
  platforms: [
    'linux/amd64',
    'linux/arm64',
    'linux/riscv64',
    'linux/ppc64le',
    'linux/s390x',
    'linux/386',
    'linux/arm/v7',
    'linux/arm/v6',
  ],
};

export const DAEMON_DOWN =
  'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** A stable 25-character worker ID per endpoint (buildkit's IDs look like `shgqdh2oboy4c9ntf7fcfrsln`). */
export function workerId(key) {
  const hex = createHash('sha256').update(key).digest('hex');
  return BigInt(`0x${hex}`).toString(36).slice(0, 25);
}

/** The worker behind an endpoint: state.workers[endpoint] over its preset over the default. */
export function workerFor(state, key, defaultPreset = 'buildkit-v0.11.6') {
  const spec = state.workers?.[key] ?? {};
  const preset = WORKER_PRESETS[spec.preset ?? defaultPreset];
  return { ...preset, ...spec, id: workerId(key) };
}

export function isDown(state, builderName, node, env) {
  const down = downList(state, env);
  return (
    down.includes(node.endpoint) || down.includes(node.name) || down.includes(`${builderName}/${node.name}`)
  );
}

// The remote driver loads TLS files on every dial (capture append-badcert: a missing key makes the node inactive).
function tlsOk(worker, node) {
  if (!worker.tls) return true;
  const opts = node.driverOpts ?? {};
  return ['cacert', 'cert', 'key'].every((k) => opts[k] && existsSync(opts[k]));
}

export const containerNameOf = (node) => `buildx_buildkit_${node.name}`;

const isLocalDocker = (endpoint) => !endpoint || endpoint.startsWith('unix://') || !endpoint.includes('://');

/** A docker-container node's ssh host that nothing answers on: buildx's error, per version (create-dc-ssh). */
export function sshDialError(version, node) {
  const u = new URL(node.endpoint);
  const port = u.port ? ['-p', u.port] : [];
  const user = u.username ? ['-l', u.username] : [];
  const argv = version.caps.truncPlatforms
    ? [...user, ...port, '-o', 'ConnectTimeout=30', '-T', '--', u.hostname]
    : version.caps.treeLs
      ? ['-o', 'ConnectTimeout=30', ...user, ...port, '--', u.hostname]
      : [...user, ...port, '--', u.hostname];
  const advice = version.caps.truncPlatforms ? 'make sure' : 'please make sure';
  return `error during connect: Get "http://docker.example.com/v${version.apiVersion}/containers/${containerNameOf(node)}/json": command [ssh ${argv.join(' ')} docker system dial-stdio] has exited with exit status 255, ${advice} the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr=ssh: connect to host ${u.hostname} port ${u.port || 22}: Connection refused\r\n`;
}

/**
 * What buildx learns about a node when it loads it with data: `{status}` plus `worker` when running, or
 * `{err}` when the driver cannot even be asked (docker daemon or ssh host unreachable).
 */
export function nodeRuntime(ctx, state, builder, node) {
  const runtime = DRIVERS[builder.driver].runtime;
  if (runtime === 'connect') {
    const worker = remoteWorker(state, builder.name, node, ctx.env);
    return worker ? { status: 'running', worker } : { status: 'inactive' };
  }
  if (runtime === 'container') {
    if (isLocalDocker(node.endpoint) && !state.dockerDaemon) return { err: DAEMON_DOWN };
    if (!isLocalDocker(node.endpoint) && isDown(state, builder.name, node, ctx.env))
      return { err: sshDialError(ctx.version, node) };
    const container = state.containers[containerNameOf(node)];
    if (!container) return { status: 'inactive' };
    if (!container.State.Running) return { status: 'stopped' };
    return { status: 'running', worker: workerFor(state, node.endpoint) };
  }
  if (runtime === 'cluster') {
    // A node's Deployment: none before the first bootstrap (or deleted: capture inspect-deleted), pods not
    // ready (capture inspect-two-nodes: `stopped`), or running the captures' BuildKit v0.32.2.
    const d = clusterOf(state).deployments[node.name];
    if (!d) return { status: 'inactive' };
    if (!d.ready) return { status: 'stopped' };
    return { status: 'running', worker: workerFor(state, node.endpoint, 'buildkit-v0.32.2') };
  }
  return { status: 'inactive' };
}

/** The fake cluster: the captures' one amd64 node with namespace `buildkit` created beforehand. */
export function clusterOf(state) {
  return { namespaces: ['default', 'buildkit'], archs: ['amd64'], deployments: {}, ...state.cluster };
}

/** The worker a remote node reaches, or undefined when it cannot connect (down, TLS files, container not running). */
export function remoteWorker(state, builderName, node, env) {
  if (isDown(state, builderName, node, env)) return undefined;
  if (node.endpoint.startsWith('docker-container://')) {
    const name = node.endpoint.slice('docker-container://'.length).split('?')[0];
    const container = state.containers[name];
    if (!state.dockerDaemon || !container?.State.Running) return undefined;
    return workerFor(state, node.endpoint);
  }
  const worker = workerFor(state, node.endpoint);
  return tlsOk(worker, node) ? worker : undefined;
}
