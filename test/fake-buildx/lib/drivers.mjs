// What each buildx driver does, as the fake imitates it (driver/<name>/factory.go and driver.go at v0.13.1):
// every per-driver decision of the fake goes through this table, never through a driver-name comparison.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './runtime.mjs';

const LOCAL_DOCKER = 'unix:///var/run/docker.sock';
export const REMOTE_SCHEMES = ['tcp', 'unix', 'ssh', 'docker-container', 'kube-pod'];

const REMOTE_OPTS = ['key', 'cert', 'cacert', 'servername'];
const CONTAINER_OPTS = [
  'image',
  'network',
  'cgroup-parent',
  'memory',
  'memory-swap',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'restart-policy',
];

/** The endpoint a docker-container node stores: the local Docker when none is given (builder.go). */
function dockerHostEndpoint(endpoint) {
  if (!endpoint) return { ep: LOCAL_DOCKER, setEp: false };
  return { ep: endpoint === 'default' ? LOCAL_DOCKER : endpoint, setEp: true };
}

function remoteInitError(node, extra) {
  const opts = node.driverOpts ?? {};
  if (node.files && Object.keys(node.files).length)
    return 'setting config file is not supported for remote driver';
  if (node.flags?.length) return 'setting buildkit flags is not supported for remote driver';
  for (const k of Object.keys(opts).sort()) {
    if (![...REMOTE_OPTS, ...extra].includes(k)) return `invalid driver option ${k} for remote driver`;
    if (k !== 'servername' && REMOTE_OPTS.includes(k) && !opts[k].startsWith('/'))
      return `non-absolute path '${opts[k]}' provided for ${k}`;
  }
  if (REMOTE_OPTS.some((k) => opts[k])) {
    const missing = [];
    if (!opts.cacert) missing.push('cacert');
    if (opts.cert && !opts.key) missing.push('key');
    if (opts.key && !opts.cert) missing.push('cert');
    if (missing.length) return `tls enabled, but missing keys ${missing.join(', ')}`;
  }
  return undefined;
}

// driver/kubernetes/factory.go per tag: each option with the buildx minor that added it.
const KUBERNETES_OPTS = {
  image: 10,
  namespace: 10,
  replicas: 10,
  'requests.cpu': 10,
  'requests.memory': 10,
  'limits.cpu': 10,
  'limits.memory': 10,
  rootless: 10,
  nodeselector: 10,
  tolerations: 10,
  loadbalance: 10,
  'qemu.install': 10,
  'qemu.image': 10,
  serviceaccount: 11,
  annotations: 12,
  labels: 12,
  'requests.ephemeral-storage': 14,
  'limits.ephemeral-storage': 14,
  schedulername: 14,
  'default-load': 14,
  timeout: 15,
  'buildkit-root-volume-memory': 26,
};

export const kubeconfigOf = (env) => env.KUBECONFIG || join(env.HOME ?? '', '.kube', 'config');

// The factory reads the kubeconfig for the default namespace even when `namespace` is given (capture
// create-no-kubeconfig); options come first (capture create-two-nodes on 0.13.1: `timeout`).
function kubernetesInitError(node, _extra, ctx) {
  const minor = Number(ctx.version.raw.split('.')[1]);
  for (const k of Object.keys(node.driverOpts ?? {}))
    if (!(minor >= (KUBERNETES_OPTS[k] ?? Number.POSITIVE_INFINITY)))
      return `invalid driver option ${k} for driver kubernetes`;
  const path = kubeconfigOf(ctx.env);
  if (existsSync(path)) return undefined;
  const why = ctx.version.caps.kubeconfigStat
    ? `stat ${path}: no such file or directory`
    : 'invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable';
  return `cannot determine Kubernetes namespace, specify manually: ${why}`;
}

/**
 * Per driver: `creatable` (buildx create accepts it), `endpoint(text)` → `{ep, setEp}` or throws, `initError`
 * (the factory's own option checks), `addsEntitlement` (0.13+ adds network.host to its flags), `runtime`
 * (how a node's state is learnt: `connect` to a buildkitd, `container` on a Docker, `none`), `nodeContainer`
 * (rm/stop act on `buildx_buildkit_NODE`) and `engineExport` (the docker driver exports into the engine).
 */
export const DRIVERS = {
  docker: {
    creatable: false,
    endpoint: dockerHostEndpoint,
    initError: () => undefined,
    addsEntitlement: false,
    runtime: 'none',
    nodeContainer: false,
    engineExport: true,
  },
  'docker-container': {
    creatable: true,
    endpoint: dockerHostEndpoint,
    initError(node, extra) {
      for (const k of Object.keys(node.driverOpts ?? {}).sort())
        if (![...CONTAINER_OPTS, ...extra].includes(k) && !k.startsWith('env.'))
          return `invalid driver option ${k} for docker-container driver`;
      return undefined;
    },
    addsEntitlement: true,
    runtime: 'container',
    nodeContainer: true,
    engineExport: false,
  },
  remote: {
    creatable: true,
    endpoint(endpoint) {
      if (!endpoint) throw new CliError('no remote endpoint provided');
      const scheme = endpoint.split('://')[0];
      if (!endpoint.includes('://') || !REMOTE_SCHEMES.includes(scheme))
        throw new CliError(`unrecognized url scheme ${scheme}`);
      return { ep: endpoint, setEp: true };
    },
    initError: remoteInitError,
    addsEntitlement: false,
    runtime: 'connect',
    nodeContainer: false,
    engineExport: false,
  },
  kubernetes: {
    creatable: true,
    endpoint(endpoint) {
      if (endpoint) throw new CliError(`kubernetes driver does not support endpoint args "${endpoint}"`);
      return { ep: '', setEp: false };
    },
    // What buildx stores for the node (captures kubernetes/inspect*).
    nodeEndpoint: (builder, node, env) =>
      `kubernetes:///${builder}?deployment=${node.name}&kubeconfig=${encodeURIComponent(kubeconfigOf(env))}`,
    initError: kubernetesInitError,
    addsEntitlement: true,
    runtime: 'cluster',
    nodeContainer: false,
    engineExport: false,
  },
};

/** The driver's entry; undefined for a name buildx has no driver for. */
export const driverOf = (name) => (Object.hasOwn(DRIVERS, name) ? DRIVERS[name] : undefined);
