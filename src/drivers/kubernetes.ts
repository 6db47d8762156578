// kubernetes: buildx starts BuildKit pods in the current kubeconfig context; nodes have no endpoint.

import type { BuildxNode } from '../buildx/model.js';
import { ALLOW_NETWORK_HOST } from './docker-container.js';
import type { Driver, HelperTarget } from './types.js';

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
  localDockerWithoutEndpoint: false,
  nodeContainer: false,
  defaultBuildkitdFlags: [ALLOW_NETWORK_HOST],
  probeWithoutEndpoint: {
    kind: 'skip',
    why: 'kubernetes nodes run as pods: buildx reports their state (mpb ls)',
  },
  labelWithoutEndpoint: 'kubernetes pods',
  reachFromRemote: podTarget,
  rules: {
    localRefusal: 'Remove it: kubernetes nodes are pods in the cluster.',
    tls: false,
    tcpIsDockerHost: false,
    imageHint: 'Add local: true, or remove image.',
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
