// Reads the BuildKit containers mpb runs for `local: true` nodes: one `docker container inspect` each.

import type { BuilderSpec } from '../config/types.js';
import { BuildxFailedError } from '../errors.js';
import { type ContainerState, containerInspectArgs, parseContainerInspect } from './container-args.js';
import { containerNameOf } from './container-names.js';
import { expectOk, lastLines } from './run-result.js';
import type { Runner } from './run-types.js';

// docker prints `[]` and exits 1 with this on stderr when the container does not exist.
const NO_SUCH_CONTAINER = /No such (container|object)/i;
// Any other failure is the local Docker itself (daemon down, socket not permitted, wrong DOCKER_HOST).
const START_DOCKER =
  "Local nodes run on this machine's Docker: start it (sudo systemctl start docker, or open Docker Desktop), " +
  'check DOCKER_HOST and `docker context ls`, then run: mpb doctor';

export async function readContainerState(run: Runner, name: string): Promise<ContainerState> {
  const r = await run('docker', containerInspectArgs(name));
  const what = `reading the BuildKit container ${name}`;
  if (r.outcome.kind === 'failed') {
    if (NO_SUCH_CONTAINER.test(r.stderr)) return { state: 'missing' };
    const detail = lastLines(r.stderr, 1);
    throw new BuildxFailedError(`${what} failed (exit ${r.exitCode}): ${detail}`, r.command, r.stderr, {
      hint: START_DOCKER,
    });
  }
  expectOk(r, what);
  const parsed = parseContainerInspect(r.stdout);
  if (!parsed.ok) {
    throw new BuildxFailedError(`cannot read \`${r.command}\`: ${parsed.error.message}`, r.command, r.stderr);
  }
  return parsed.value;
}

/** The container state of each local node of the builder, read in parallel; empty for other builders. */
export async function readLocalContainers(
  run: Runner,
  spec: BuilderSpec,
): Promise<Map<string, ContainerState>> {
  const local = spec.nodes.filter((n) => n.local);
  const states = await Promise.all(
    local.map((n) => readContainerState(run, containerNameOf(spec.name, n.name))),
  );
  return new Map(local.map((n, i) => [n.name, states[i]!]));
}
