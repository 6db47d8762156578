// docker: the Docker engine's own BuildKit (the `default` builder). mpb meets it; builders.yaml cannot declare it.
import type { Driver } from './types.js';

export const docker = {
  name: 'docker',
  declarable: false,
  startsBuildkitd: false,
  startsOnDemand: true,
  multiPlatform: false,
  loadsByDefault: true,
  localDockerWithoutEndpoint: true,
  nodeContainer: false,
  defaultBuildkitdFlags: [],
  probeWithoutEndpoint: { kind: 'local-docker' },
  labelWithoutEndpoint: 'local Docker',
  tlsDriverOpts: [],
  inspectFromRecord: false,
  // Its BuildKit lives inside dockerd, with no address of its own.
  reachFromRemote: () => ({
    ok: false,
    reason: 'a docker node cannot be reached from another builder: its BuildKit runs inside dockerd',
  }),
  driverOptsSince: undefined,
  diagnose: () => undefined,
} as const satisfies Driver<'docker'>;
