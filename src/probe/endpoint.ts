// A node's endpoint, read into what has to be probed and how.
import type { NodeSpec } from '../config/types.js';
import { readEndpoint } from '../drivers/endpoint.js';
import { DRIVERS, type DriverName } from '../drivers/registry.js';

export type ProbeEndpoint =
  | { kind: 'local-docker' }
  | { kind: 'local-container' }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ssh'; user: string | undefined; host: string; port: number | undefined }
  | { kind: 'docker-container'; container: string }
  | { kind: 'unix'; path: string }
  | { kind: 'docker-context'; context: string }
  | { kind: 'docker-host'; host: string }
  | { kind: 'kubectl' }
  | { kind: 'skip'; why: string }
  | { kind: 'invalid'; why: string };

/** Reads a node's endpoint (as the config resolved it) for the given builder driver. */
export function parseEndpoint(
  node: Pick<NodeSpec, 'endpoint' | 'local'>,
  driver?: DriverName,
): ProbeEndpoint {
  if (node.local) return { kind: 'local-container' };
  if (node.endpoint === undefined || node.endpoint === '') {
    return driver === undefined ? { kind: 'local-docker' } : DRIVERS[driver].probeWithoutEndpoint;
  }
  const read = readEndpoint(node.endpoint);
  if (!read.ok) return { kind: 'invalid', why: read.why };
  const endpoint = read.endpoint;
  switch (endpoint.scheme) {
    case 'context':
      return { kind: 'docker-context', context: endpoint.context };
    case 'kube-pod':
      return { kind: 'skip', why: 'kube-pod:// endpoints are reached through kubectl' };
    case 'unix':
      // Where buildx runs BuildKit on a Docker (docker, docker-container), a socket endpoint is that Docker's
      // (capture dc-inspect: unix:///var/run/docker.sock): probed by asking the daemon, not by the file.
      return driver !== undefined && DRIVERS[driver].localDockerWithoutEndpoint
        ? { kind: 'docker-host', host: endpoint.raw }
        : { kind: 'unix', path: endpoint.path };
    case 'docker-container':
      return { kind: 'docker-container', container: endpoint.container };
    case 'ssh':
      return { kind: 'ssh', user: endpoint.user, host: endpoint.host, port: endpoint.port };
    case 'tcp':
      return endpoint.port === undefined
        ? { kind: 'invalid', why: `"${endpoint.raw}" has no port (buildkitd usually listens on 1234)` }
        : { kind: 'tcp', host: endpoint.host, port: endpoint.port };
  }
}
