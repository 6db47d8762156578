// A node's endpoint, read into what has to be probed and how.
import type { Driver, NodeSpec } from '../config/types.js';

export type ProbeEndpoint =
  | { kind: 'local-docker' }
  | { kind: 'local-container' }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ssh'; user: string | undefined; host: string; port: number | undefined }
  | { kind: 'docker-container'; container: string }
  | { kind: 'unix'; path: string }
  | { kind: 'docker-context'; context: string }
  | { kind: 'skip'; why: string }
  | { kind: 'invalid'; why: string };

function parseUrl(endpoint: string): URL | undefined {
  try {
    return new URL(endpoint);
  } catch {
    return undefined;
  }
}

// `[::1]` → `::1`: node's URL keeps the brackets of IPv6 hosts.
const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/** Reads a node's endpoint (as the config resolved it) for the given builder driver. */
export function parseEndpoint(node: Pick<NodeSpec, 'endpoint' | 'local'>, driver?: Driver): ProbeEndpoint {
  if (node.local) return { kind: 'local-container' };
  const endpoint = node.endpoint;
  if (endpoint === undefined || endpoint === '') {
    return driver === 'kubernetes'
      ? { kind: 'skip', why: 'kubernetes nodes run as pods: buildx reports their state (mpb ls)' }
      : { kind: 'local-docker' };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(endpoint)?.[1];
  if (scheme === undefined) return { kind: 'docker-context', context: endpoint };
  if (scheme === 'kube-pod')
    return { kind: 'skip', why: 'kube-pod:// endpoints are reached through kubectl' };
  if (scheme === 'unix') return { kind: 'unix', path: endpoint.slice('unix://'.length) };
  if (scheme === 'docker-container') {
    return { kind: 'docker-container', container: endpoint.slice('docker-container://'.length) };
  }
  const url = parseUrl(endpoint);
  if (!url || url.hostname === '') return { kind: 'invalid', why: `cannot read the endpoint "${endpoint}"` };
  const host = bareHost(url.hostname);
  const port = url.port === '' ? undefined : Number(url.port);
  if (scheme === 'ssh') {
    return {
      kind: 'ssh',
      user: url.username === '' ? undefined : decodeURIComponent(url.username),
      host,
      port,
    };
  }
  if (scheme === 'tcp') {
    return port === undefined
      ? { kind: 'invalid', why: `"${endpoint}" has no port (buildkitd usually listens on 1234)` }
      : { kind: 'tcp', host, port };
  }
  return { kind: 'invalid', why: `mpb cannot probe ${scheme}:// endpoints` };
}
