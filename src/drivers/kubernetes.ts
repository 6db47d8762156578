// kubernetes: buildx runs each node as a Deployment named after the node, in `namespace` (default: the
// kubeconfig context's), and starts it on demand (capture kubernetes/inspect-before-bootstrap: `inactive`).

import type { BuildxNode } from '../buildx/model.js';
import { explainingLine } from '../tool-noise.js';
import { ALLOW_NETWORK_HOST } from './docker-container.js';
import type { Diagnosis, Driver, HelperTarget, NodeFacts } from './types.js';

/**
 * The --driver-opt keys the kubernetes factory accepts, each with the buildx 0.x minor that added it
 * (driver/kubernetes/factory.go at v0.10.0 … v0.29.0; the `tolerations` sub-keys are parsed inside its value).
 * Anything else buildx refuses at create: `invalid driver option timeout for driver kubernetes` (0.13.1,
 * capture kubernetes/create-two-nodes).
 */
export const KUBERNETES_DRIVER_OPTS = {
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
} as const satisfies Record<string, number>;

/** What buildx stores as a kubernetes node's endpoint: `kubernetes:///BUILDER?deployment=NODE&kubeconfig=PATH`. */
export interface KubernetesEndpoint {
  builder: string;
  deployment: string;
  /** Decoded; undefined when buildx wrote none. */
  kubeconfig: string | undefined;
}

/** Reads a kubernetes node's endpoint (captures kubernetes/inspect*); undefined when it is not one. */
export function readKubernetesEndpoint(endpoint: string): KubernetesEndpoint | undefined {
  if (!endpoint.startsWith('kubernetes://')) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  const deployment = url.searchParams.get('deployment');
  if (!deployment) return undefined;
  return {
    builder: decodeURIComponent(url.pathname.replace(/^\//, '')),
    deployment,
    kubeconfig: url.searchParams.get('kubeconfig') ?? undefined,
  };
}

const namespaceOf = (facts: NodeFacts) => facts.driverOpts.namespace;
const nsFlag = (facts: NodeFacts) => (namespaceOf(facts) ? `-n ${namespaceOf(facts)} ` : '');

/**
 * The cause named by an error of buildx's kubernetes driver or of kubectl (both speak client-go), or undefined
 * when mpb does not know it. Captures kubernetes/inspect-bootstrap-no-namespace (`namespaces "nope" not
 * found`), inspect-bootstrap-two-nodes (`expected 1 replicas to be ready, got 0`), create-no-kubeconfig.
 */
export function diagnoseKubernetesError(message: string, facts: NodeFacts): Diagnosis | undefined {
  const ns = /namespaces "([^"]+)" not found/.exec(message);
  if (ns) {
    return {
      code: 'kube.namespace-missing',
      why: `namespace ${ns[1]} does not exist (buildx does not create it)`,
      fix: `kubectl create namespace ${ns[1]}`,
    };
  }
  const replicas = /expected (\d+) replicas to be ready, got (\d+)/.exec(message);
  if (replicas) {
    const selector = facts.driverOpts.nodeselector;
    const cause = selector
      ? `no cluster node matching nodeselector ${selector} could run it, or its image could not be pulled`
      : 'the pods could not be scheduled or their image could not be pulled';
    return {
      code: 'kube.pods-not-ready',
      why: `${replicas[2]} of ${replicas[1]} pods of deployment ${facts.node} became ready: ${cause}`,
      fix: `see why: kubectl ${nsFlag(facts)}describe pods -l app=${facts.node} (or run: mpb doctor)${selector ? `; kubectl get nodes -l ${selector}` : ''}`,
    };
  }
  if (
    /cannot determine Kubernetes namespace|no configuration has been provided|invalid configuration|error loading config file|kubeconfig|stat [^:]+: no such file/.test(
      message,
    )
  ) {
    return {
      code: 'kube.kubeconfig-unreadable',
      why: `the kubeconfig cannot be read: ${explainingLine(message)}`,
      fix: 'point KUBECONFIG at a readable kubeconfig (or create ~/.kube/config), then check: kubectl cluster-info',
    };
  }
  if (
    /Unable to connect to the server|The connection to the server|connection refused|no such host|i\/o timeout|dial tcp|Unauthorized|forbidden/.test(
      message,
    )
  ) {
    return {
      code: 'kube.cluster-unreachable',
      why: `the Kubernetes API server does not answer: ${explainingLine(message)}`,
      fix: 'check the kubeconfig context and credentials: kubectl cluster-info',
    };
  }
  return undefined;
}

// The pod a kubernetes node reached last: BuildKit reports it as its worker's hostname (capture
// kubernetes/v0.29.1 inspect-after-bootstrap-replicas2).
const HOSTNAME_LABEL = 'org.mobyproject.buildkit.worker.hostname';

/** The node's pod through `kube-pod://`, in the node's namespace. */
function podTarget(node: BuildxNode): HelperTarget {
  const pod = node.labels[HOSTNAME_LABEL];
  if (!pod) {
    return {
      ok: false,
      reason: `node "${node.name}" reports no pod (it is not running): bootstrap it first`,
    };
  }
  const namespace = node.driverOpts['namespace'] ?? 'default';
  const kubeconfig = new URLSearchParams(node.endpoint.split('?')[1] ?? '').get('kubeconfig');
  const warnings = kubeconfig
    ? [`the helper for "${node.name}" runs kubectl, which reads $KUBECONFIG, not the builder's ${kubeconfig}`]
    : [];
  return { ok: true, endpoint: `kube-pod://${pod}?namespace=${namespace}`, driverOpts: {}, warnings };
}

export const kubernetes = {
  name: 'kubernetes',
  declarable: true,
  startsBuildkitd: true,
  startsOnDemand: true,
  multiPlatform: true,
  loadsByDefault: false,
  localDockerWithoutEndpoint: false,
  nodeContainer: false,
  defaultBuildkitdFlags: [ALLOW_NETWORK_HOST],
  probeWithoutEndpoint: { kind: 'kubectl' },
  labelWithoutEndpoint: 'kubernetes pods',
  tlsDriverOpts: [],
  inspectFromRecord: false,
  reachFromRemote: podTarget,
  driverOptsSince: KUBERNETES_DRIVER_OPTS,
  diagnose: diagnoseKubernetesError,
  rules: {
    localRefusal: 'Remove it: kubernetes nodes are pods in the cluster.',
    tls: false,
    tcpIsDockerHost: false,
    localOnlyHint: (key) => `Remove ${key}: kubernetes nodes are pods in the cluster.`,
    checkEndpoint(endpoint) {
      if (endpoint === undefined) return undefined;
      return {
        message:
          'kubernetes nodes take no endpoint: buildx starts BuildKit pods in the current kubeconfig context',
        hint: 'Remove the endpoint; choose where the pods run with driverOpts, e.g. driverOpts: { namespace: buildkit }.',
      };
    },
  },
} as const satisfies Driver<'kubernetes'>;
