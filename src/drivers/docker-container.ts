// docker-container: buildx runs BuildKit in a container on the node's Docker (this machine's, a host, a context).
import { LOCAL_TRUE, MISMATCH } from './endpoint.js';
import type { Driver } from './types.js';

export const ALLOW_NETWORK_HOST = '--allow-insecure-entitlement=network.host';

export const dockerContainer = {
  name: 'docker-container',
  declarable: true,
  startsBuildkitd: true,
  startsOnDemand: true,
  multiPlatform: true,
  localDockerWithoutEndpoint: true,
  nodeContainer: true,
  defaultBuildkitdFlags: [ALLOW_NETWORK_HOST],
  probeWithoutEndpoint: { kind: 'local-docker' },
  labelWithoutEndpoint: 'local Docker',
  driverOptsSince: undefined,
  diagnose: () => undefined,
  rules: {
    localRefusal:
      "Remove it: a docker-container node without endpoint already runs on this machine's Docker.",
    tls: false,
    tcpIsDockerHost: true,
    imageHint: 'Write driverOpts: { image: ... } for a docker-container node.',
    checkEndpoint(endpoint) {
      if (endpoint?.scheme !== 'docker-container' && endpoint?.scheme !== 'kube-pod') return undefined;
      return {
        message: `${endpoint.scheme}:// is an endpoint of the remote driver, but this builder is docker-container, and ${MISMATCH}`,
        hint: `Make the builder driver: remote and give its nodes without endpoint ${LOCAL_TRUE}; or remove this endpoint.`,
      };
    },
  },
} as const satisfies Driver<'docker-container'>;
