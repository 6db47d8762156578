// The resolved config: what the rest of mpb reads. Paths absolute, platforms normalised, defaults filled.
// On the types floor (test/unit/architecture/import-order.test.ts): read by every layer, it imports nothing.

/**
 * A driver a builder can declare, by buildx's name. What each does is the registry's (drivers/registry.ts),
 * which does not compile unless its declarable drivers are exactly these.
 */
export type Driver = 'docker-container' | 'remote' | 'kubernetes';

/** How `mpb build` runs: one buildx build, or one per node's platforms merged into one image. */
export type Strategy = 'single' | 'split';
/** `strategy:` or `--strategy`: a strategy, or `auto` to let mpb choose (core/strategy.ts). */
export type StrategyAsked = Strategy | 'auto';

export interface TlsSpec {
  ca: string;
  cert: string;
  key: string;
  servername: string | undefined;
}

/** One registry's settings for a buildkitd mpb configures: a `[registry."HOST"]` table of its buildkitd.toml. */
export interface RegistrySpec {
  mirrors?: string[] | undefined;
  http?: boolean | undefined;
  insecure?: boolean | undefined;
  /** Absolute paths of CA files. */
  ca?: string[] | undefined;
}

/** A node whose BuildKit container mpb runs on the local Docker (`local: true`, remote builders only). */
export interface LocalSpec {
  image: string;
  /** `network:` the container's Docker network (`host`); absent: Docker's default bridge. */
  network?: string | undefined;
}

/** Where a value came from in the config file, for errors raised after loading. */
export interface SourcePos {
  path: string;
  line: number;
  column: number;
}

export interface NodeSpec {
  name: string;
  /** Absent: the local Docker (docker-container), the cluster (kubernetes), or a `local` node. */
  endpoint: string | undefined;
  /** Native platforms, pinned on this node. */
  platforms: string[];
  /** Platforms this node serves through QEMU: pinned too, but reported as emulated. */
  emulate: string[];
  tls: TlsSpec | undefined;
  driverOpts: Record<string, string>;
  buildkitdFlags: string | undefined;
  /**
   * The buildkitd.toml buildx (or mpb, for a local node) starts BuildKit with. With registries, the file mpb
   * wrote: the declared file (if any) plus the registry tables.
   */
  buildkitdConfig: string | undefined;
  /**
   * The registry settings of the node's buildkitd (the builder's, with the node's over them); absent: none. In
   * `buildkitdConfig` where buildx or mpb starts that buildkitd; elsewhere (a remote one) doctor checks them.
   */
  registries?: Record<string, RegistrySpec> | undefined;
  local: LocalSpec | undefined;
  pos: SourcePos;
}

export interface BuilderSpec {
  name: string;
  driver: Driver;
  use: boolean;
  /** `strategy:` (absent: auto): how mpb build runs on it. */
  strategy?: StrategyAsked | undefined;
  /** `cache:` registry repository for per-platform cache, as --cache-ref. */
  cache?: string | undefined;
  nodes: NodeSpec[];
  pos: SourcePos;
}

export interface ResolvedConfig {
  /** Absolute path of the file it was read from. */
  file: string;
  version: 1;
  defaultBuilder: string | undefined;
  /** In file order. */
  builders: BuilderSpec[];
}
