// What mpb knows about one buildx driver. Every field is required: a new driver cannot leave a capability out.
import type { BuildxNode } from '../buildx/model.js';
import type { FaultCode } from '../probe/codes.js';
import type { Endpoint, Misfit } from './endpoint.js';

/** A named cause with its fix: what an error buildx (or the driver's own tool) printed means. */
export interface Diagnosis {
  code: FaultCode;
  why: string;
  fix: string;
}

/** What mpb knows of the node it diagnoses: its name and its driver options. */
export interface NodeFacts {
  node: string;
  driverOpts: Readonly<Record<string, string>>;
}

/** What a buildx node status means for routing and drift. */
export type NodeState = 'running' | 'starts-on-demand' | 'down' | 'unknown';

/** How a single-node remote-driver builder reaches the same BuildKit as a node (split builds' helper builders). */
export type HelperTarget =
  | { ok: true; endpoint: string; driverOpts: Record<string, string>; warnings: string[] }
  | { ok: false; reason: string };

/** How `builders.yaml` may declare nodes of a driver, and why it refuses what does not fit. */
export interface DeclaredNodeRules {
  /** Undefined when nodes may be `local: true`; else the hint of the refusal. */
  localRefusal: string | undefined;
  /** Takes a `tls` block (and refuses TLS files in driverOpts, where mpb cannot check them). */
  tls: boolean;
  /** A tcp:// endpoint is a Docker host, so tcp:// with tls means a remote buildkitd: a mixed builder. */
  tcpIsDockerHost: boolean;
  /** The hint when a key of `local: true` nodes (`image`, `network`) is set on another node. */
  localOnlyHint(key: 'image' | 'network'): string;
  /** Why an endpoint, or none, does not fit; undefined when it fits. */
  checkEndpoint(endpoint: Endpoint | undefined, local: boolean): Misfit | undefined;
}

interface DriverBase<Name extends string> {
  name: Name;
  /** buildx starts this driver's BuildKit: it takes buildkitd flags and config, and keeps them until restarted. */
  startsBuildkitd: boolean;
  /** Nodes are `inactive`/`stopped` until a build boots them: that is not down. */
  startsOnDemand: boolean;
  /** Builds several platforms in one build (the docker driver refuses: capture default-build-multi). */
  multiPlatform: boolean;
  /** A build with no --push/--load/--output still lands in the local Docker (the docker driver builds there). */
  loadsByDefault: boolean;
  /** A node without endpoint runs on this machine's Docker. */
  localDockerWithoutEndpoint: boolean;
  /** buildx runs each node in a container `buildx_buildkit_NODE` on the node's Docker. */
  nodeContainer: boolean;
  /** Flags buildx ≥ 0.13 adds to every node by itself (builder.go parseBuildkitdFlags): not drift. */
  defaultBuildkitdFlags: readonly string[];
  /** How a node without endpoint is probed: its Docker, or not at all (and why). */
  probeWithoutEndpoint: { kind: 'local-docker' } | { kind: 'kubectl' } | { kind: 'skip'; why: string };
  /** What output shows for a node without endpoint. */
  labelWithoutEndpoint: string;
  /**
   * The driver options that name the TLS files and server name buildx reaches this driver's BuildKit with
   * (driver/remote: `cacert`, `cert`, `key`, `servername`); empty: TLS is not given in driver options.
   */
  tlsDriverOpts: readonly string[];
  /**
   * buildx's `inspect` of a builder of this driver is its stored record plus each node's ListWorkers answer
   * (driver/remote Info only dials the endpoint), so mpb can make it without running buildx
   * (buildx/inspect-from-record.ts).
   */
  inspectFromRecord: boolean;
  /** The endpoint (and driver options) the remote driver reaches this node's BuildKit with, or why it cannot. */
  reachFromRemote(node: BuildxNode): HelperTarget;
  /**
   * The --driver-opt keys the driver's factory accepts, each with the buildx 0.x minor that added it, so that a
   * key the installed buildx does not know is refused before buildx runs; undefined: mpb does not check them.
   */
  driverOptsSince: Readonly<Record<string, number>> | undefined;
  /** The named cause of a bootstrap error buildx printed for a node of this driver; undefined: none known. */
  diagnose: (message: string, facts: NodeFacts) => Diagnosis | undefined;
}

/** A driver `builders.yaml` can declare carries its config rules; one mpb only meets carries none. */
export type Driver<Name extends string = string> = DriverBase<Name> &
  ({ declarable: true; rules: DeclaredNodeRules } | { declarable: false });
