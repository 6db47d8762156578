// Registries declared for a buildkitd mpb does not start (a remote node's): mpb cannot write that daemon's
// buildkitd.toml, so doctor says so with the tables it needs, and checks from this machine that each registry and
// mirror host accepts TCP. Only TCP: the daemon, not this machine, pulls and pushes, so this is a hint, not a verdict.
import { registryTables } from '../config/buildkitd-toml.js';
import type { BuilderSpec, RegistrySpec } from '../config/types.js';
import { DRIVERS } from '../drivers/registry.js';
import { type Check, pass, warning } from './checklist.js';
import { probeTcp } from './tcp.js';

/** A node whose buildkitd someone else starts, and the registries the config declares for it. */
export interface UnwrittenRegistries {
  builder: string;
  node: string;
  endpoint: string | undefined;
  registries: Readonly<Record<string, RegistrySpec>>;
}

/** Where a registry or mirror answers: its host and port, and the nodes that declare it. */
export interface RegistryAddress {
  host: string;
  port: number;
  nodes: string[];
}

/** Every node with registries whose buildkitd neither buildx nor mpb starts (remote, not `local: true`). */
export function unwrittenRegistriesOf(builders: readonly BuilderSpec[]): UnwrittenRegistries[] {
  return builders.flatMap((b) =>
    DRIVERS[b.driver].startsBuildkitd
      ? []
      : b.nodes.flatMap((n) =>
          n.local || n.registries === undefined
            ? []
            : [{ builder: b.name, node: n.name, endpoint: n.endpoint, registries: n.registries }],
        ),
  );
}

// docker.io is an alias: BuildKit pulls its images from registry-1.docker.io (as the Docker CLI does).
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_HOST = 'registry-1.docker.io';

/** `HOST[:PORT][/PATH]` → host and port: the written port, else 80 under `http: true`, else 443. */
function addressOf(name: string, http: boolean | undefined): { host: string; port: number } {
  const hostPort = name.split('/')[0]!;
  const colon = hostPort.lastIndexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const port = colon < 0 ? (http ? 80 : 443) : Number(hostPort.slice(colon + 1));
  return { host: host === DOCKER_HUB ? DOCKER_HUB_HOST : host, port };
}

/**
 * The registries and mirrors each node needs, once per host:port. A mirror is reached with its own entry's
 * settings (`http`), as BuildKit looks them up by the mirror's host.
 */
export function registryAddressesOf(nodes: readonly UnwrittenRegistries[]): RegistryAddress[] {
  const found = new Map<string, RegistryAddress>();
  for (const n of nodes) {
    const label = `${n.builder}/${n.node}`;
    for (const [host, spec] of Object.entries(n.registries)) {
      const names = [host, ...(spec.mirrors ?? [])];
      for (const name of names) {
        const entry = n.registries[name.split('/')[0]!];
        const { host: h, port } = addressOf(name, entry?.http);
        const key = `${h}:${port}`;
        const address = found.get(key) ?? { host: h, port, nodes: [] };
        if (!address.nodes.includes(label)) address.nodes.push(label);
        found.set(key, address);
      }
    }
  }
  return [...found.values()];
}

/** The warning for one node: mpb cannot configure its daemon, and the TOML tables that daemon needs. */
export function unwrittenCheck(n: UnwrittenRegistries): Check {
  const hosts = Object.keys(n.registries).sort().join(', ');
  const toml = registryTables(n.registries)
    .split('\n')
    .map((l) => (l === '' ? l : `      ${l}`))
    .join('\n');
  return warning(
    `registries:${n.builder}/${n.node}`,
    'registries.not-written',
    `${n.builder}/${n.node} registries (${n.endpoint ?? 'no endpoint'})`,
    `mpb cannot write the buildkitd.toml of this buildkitd (you start it), so registries: for ${hosts} reach it only if its own config has them`,
    `Add to that buildkitd's buildkitd.toml, then restart it:\n${toml}`,
  );
}

/** TCP connect to one registry or mirror from this machine: ✓, or a warning with the network code. */
export async function reachCheck(address: RegistryAddress, timeoutMs: number): Promise<Check> {
  const { host, port, nodes } = address;
  const id = `registry:${host}:${port}`;
  const title = `registry ${host}:${port}`;
  const r = await probeTcp(host, port, timeoutMs);
  if (r.ok) return pass(id, title, `accepts TCP from this machine (for ${nodes.join(', ')})`);
  return warning(
    id,
    r.code,
    title,
    `${r.detail} (for ${nodes.join(', ')})`,
    `Check the host and port in registries:; the buildkitd of ${nodes.join(', ')} must reach it too, and it pulls and pushes, not this machine.`,
  );
}

/** doctor's registry checks: one warning per node mpb cannot configure, then each host it needs, in parallel. */
export async function registryChecks(builders: readonly BuilderSpec[], timeoutMs: number): Promise<Check[]> {
  const nodes = unwrittenRegistriesOf(builders);
  const reached = await Promise.all(registryAddressesOf(nodes).map((a) => reachCheck(a, timeoutMs)));
  return [...nodes.map(unwrittenCheck), ...reached];
}
