// docker-container: buildx runs BuildKit in a container on the node's Docker (this machine's, a host, a context).

import type { BuildxNode } from '../buildx/model.js';
import { LOCAL_TRUE, MISMATCH } from './endpoint.js';
import type { Driver, HelperTarget } from './types.js';

export const ALLOW_NETWORK_HOST = '--allow-insecure-entitlement=network.host';

// buildx names a docker-container node's BuildKit container after the node (driver/docker-container).
const CONTAINER_PREFIX = 'buildx_buildkit_';

/** The node's container through `docker-container://`, on the local engine or a docker context. */
function containerTarget(node: BuildxNode): HelperTarget {
  const container = `docker-container://${CONTAINER_PREFIX}${node.name}`;
  const endpoint = node.endpoint;
  // buildx shows the local engine as its socket; a docker context by name. BuildKit's docker-container
  // helper runs `docker [--context=CTX] exec`, so a Docker host given as a URL (ssh://, tcp://) cannot be reached.
  if (endpoint === '' || endpoint.startsWith('unix://'))
    return { ok: true, endpoint: container, driverOpts: {}, warnings: [] };
  if (!endpoint.includes('://')) {
    return { ok: true, endpoint: `${container}?context=${endpoint}`, driverOpts: {}, warnings: [] };
  }
  return {
    ok: false,
    reason: `node "${node.name}" runs on the Docker host ${endpoint}, which the remote driver reaches only through a docker context: run docker context create NAME --docker host=${endpoint}, and use the context name as the node's endpoint`,
  };
}

export const dockerContainer = {
  name: 'docker-container',
  declarable: true,
  startsBuildkitd: true,
  startsOnDemand: true,
  multiPlatform: true,
  loadsByDefault: false,
  localDockerWithoutEndpoint: true,
  nodeContainer: true,
  defaultBuildkitdFlags: [ALLOW_NETWORK_HOST],
  probeWithoutEndpoint: { kind: 'local-docker' },
  labelWithoutEndpoint: 'local Docker',
  tlsDriverOpts: [],
  inspectFromRecord: false,
  reachFromRemote: containerTarget,
  driverOptsSince: undefined,
  diagnose: () => undefined,
  rules: {
    localRefusal:
      "Remove it: a docker-container node without endpoint already runs on this machine's Docker.",
    tls: false,
    tcpIsDockerHost: true,
    localOnlyHint: (key) => `Write driverOpts: { ${key}: ... } for a docker-container node.`,
    checkEndpoint(endpoint) {
      if (endpoint?.scheme !== 'docker-container' && endpoint?.scheme !== 'kube-pod') return undefined;
      return {
        message: `${endpoint.scheme}:// is an endpoint of the remote driver, but this builder is docker-container, and ${MISMATCH}`,
        hint: `Make the builder driver: remote and give its nodes without endpoint ${LOCAL_TRUE}; or remove this endpoint.`,
      };
    },
  },
} as const satisfies Driver<'docker-container'>;
