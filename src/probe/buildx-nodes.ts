// A builder the config does not declare is probed from what buildx itself stores: each node's endpoint and,
// for the remote driver, its TLS files (`cacert`/`cert`/`key`/`servername` driver options, docs/buildx.md).
import type { BuildxBuilder, BuildxNode } from '../buildx/model.js';
import { type DriverName, isKnownDriver, nodeStateOf, tlsInDriverOpts } from '../drivers/registry.js';
import { DAEMON_DOWN, dockerDown } from './daemon.js';
import { type ProbeNodeSpec, type ProbeOptions, probeAll, resultFromBuildx } from './node.js';
import type { ProbeResult, StepOutcome } from './types.js';

type Probed = Pick<BuildxBuilder, 'name' | 'driver' | 'nodes' | 'error'>;

/**
 * A docker context's own builder (`default`) whose Docker does not answer: buildx cannot load its one node, so
 * it prints no driver and no node (capture ls-empty, `default* error`). That node is the context itself,
 * named after it (buildx builder.go getNodeGroup), and the docker driver's.
 */
function isUnloadedContextBuilder(builder: Probed): boolean {
  return builder.nodes.length === 0 && builder.driver === '' && builder.error !== undefined;
}

function driverOfProbed(builder: Probed): DriverName | undefined {
  if (isUnloadedContextBuilder(builder)) return 'docker';
  // A driver this mpb does not know: its nodes are probed by endpoint alone.
  return isKnownDriver(builder.driver) ? builder.driver : undefined;
}

function specOf(driver: string, n: Pick<BuildxNode, 'name' | 'endpoint' | 'driverOpts'>): ProbeNodeSpec {
  const { cacert, cert, key, servername } = n.driverOpts;
  const tls =
    tlsInDriverOpts(driver) && cacert && cert && key ? { ca: cacert, cert, key, servername } : undefined;
  return { name: n.name, endpoint: n.endpoint || undefined, tls, local: undefined, driverOpts: n.driverOpts };
}

/** The node specs the probes take, read from `inspect`; TLS only when buildx has all three files. */
export function probeSpecsOf(builder: Probed): ProbeNodeSpec[] {
  if (isUnloadedContextBuilder(builder))
    return [specOf('docker', { name: builder.name, endpoint: builder.name, driverOpts: {} })];
  return builder.nodes.map((n) => specOf(builder.driver, n));
}

/** buildx reports the node running (nodeStateOf: one rule per driver), with no error of its own. */
export function isReportedRunning(driver: string, node: Pick<BuildxNode, 'status' | 'error'>): boolean {
  return node.error === undefined && nodeStateOf(driver, node.status) === 'running';
}

/** What stands for a probe of a node buildx reports running: its own `inspect` reached the node just now. */
function answeredBuildx(builder: string, node: BuildxNode): ProbeResult {
  return {
    builder,
    node: node.name,
    endpoint: node.endpoint || 'local Docker',
    state: 'up',
    code: 'ok',
    checks: ['buildx reports it running (not probed again)'],
    warnings: [],
  };
}

/**
 * A context's builder that buildx could not load because that context's Docker does not answer: buildx has just
 * asked that daemon, and `docker version` would only say the same again (one docker start more per `mpb ls`).
 */
function knownDown(builder: Probed): StepOutcome | undefined {
  if (!isUnloadedContextBuilder(builder)) return undefined;
  const said = DAEMON_DOWN.exec(builder.error ?? '')?.[0];
  return said === undefined
    ? undefined
    : dockerDown(['--context', builder.name], `context ${builder.name}`, said.trim());
}

export interface ProbeActualOptions extends Pick<ProbeOptions, 'run'> {
  /** Probe nodes buildx reports running too (doctor: it wants the TLS facts and warnings of every node). */
  recheckRunning?: boolean;
}

/**
 * One result per node of a builder as buildx has it, in buildx's order, all probed at once. A node buildx
 * reports running (nodeStateOf, one rule per driver) answered buildx's own inspect, so it is not probed again
 * unless asked; every other node is, for the named reason it does not answer.
 */
export async function probeActual(
  builder: Probed,
  timeoutMs: number,
  options: ProbeActualOptions = {},
): Promise<ProbeResult[]> {
  const specs = probeSpecsOf(builder);
  const known = knownDown(builder);
  if (known) return specs.map((s) => resultFromBuildx(s, { driver: 'docker', builder: builder.name }, known));
  const running = new Map(
    options.recheckRunning
      ? []
      : builder.nodes.filter((n) => isReportedRunning(builder.driver, n)).map((n) => [n.name, n]),
  );
  const probed = await probeAll(
    specs.filter((s) => !running.has(s.name)),
    timeoutMs,
    { run: options.run, driver: driverOfProbed(builder), builder: builder.name },
  );
  const byName = new Map(probed.map((p) => [p.node, p]));
  return specs.map((s) => {
    const node = running.get(s.name);
    return node ? answeredBuildx(builder.name, node) : byName.get(s.name)!;
  });
}
