// kubernetes: buildx starts BuildKit pods in the current kubeconfig context; nodes have no endpoint.
import { ALLOW_NETWORK_HOST } from './docker-container.js';
import type { Driver } from './types.js';

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
