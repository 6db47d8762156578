// remote: buildx connects to a buildkitd someone else runs (or mpb, for a `local: true` node).
import { quote } from '../quote-value.js';
import { LOCAL_TRUE, MISMATCH } from './endpoint.js';
import type { Driver } from './types.js';

export const remote = {
  name: 'remote',
  declarable: true,
  startsBuildkitd: false,
  // Its Info dials the daemon even without a bootstrap: `inactive` means it did not answer (capture inspect-dead).
  startsOnDemand: false,
  multiPlatform: true,
  loadsByDefault: false,
  localDockerWithoutEndpoint: false,
  nodeContainer: false,
  defaultBuildkitdFlags: [],
  probeWithoutEndpoint: { kind: 'local-docker' },
  labelWithoutEndpoint: 'local Docker',
  tlsDriverOpts: ['cacert', 'cert', 'key', 'servername'],
  inspectFromRecord: true,
  reachFromRemote: (node) => ({
    ok: true,
    endpoint: node.endpoint,
    driverOpts: { ...node.driverOpts },
    warnings: [],
  }),
  driverOptsSince: undefined,
  diagnose: () => undefined,
  rules: {
    localRefusal: undefined,
    tls: true,
    tcpIsDockerHost: false,
    localOnlyHint: (key) => `Add local: true, or remove ${key}.`,
    checkEndpoint(endpoint, local) {
      if (endpoint === undefined) {
        if (local) return undefined;
        return {
          message: `a remote node needs an endpoint; a node on this machine's Docker would be docker-container, and ${MISMATCH}`,
          hint: `Write ${LOCAL_TRUE}, or endpoint: tcp://HOST:1234.`,
        };
      }
      if (endpoint.scheme === 'context') {
        return {
          message: `${quote(endpoint.raw)} is a docker context name, which only the docker-container driver takes, and ${MISMATCH}`,
          hint: `Write ${LOCAL_TRUE}, or the buildkitd address: tcp://HOST:1234, ssh://USER@HOST, docker-container://CONTAINER.`,
        };
      }
      if (endpoint.scheme === 'tcp' && endpoint.port === undefined) {
        return {
          message: `${quote(endpoint.raw)} has no port`,
          hint: "Write tcp://HOST:1234 (buildkitd's usual port).",
        };
      }
      return undefined;
    },
  },
} as const satisfies Driver<'remote'>;
