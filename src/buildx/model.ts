// The one model of buildx state that every parser produces and every planner reads.
// On the types floor (test/unit/architecture/import-order.test.ts): read by every layer, it imports nothing.

export interface PlatformEntry {
  /** Normalised `os/arch[/variant]`, as buildx printed it. */
  platform: string;
  /** Marked `*` by buildx: set on the node with `--platform`. */
  pinned: boolean;
}

/** buildx's node status words (driver/driver.go), plus whatever a newer buildx may print. */
export type NodeStatus =
  | 'inactive'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'error'
  | (string & {});

export interface BuildxNode {
  name: string;
  endpoint: string;
  status: NodeStatus | undefined;
  buildkitVersion: string | undefined;
  platforms: PlatformEntry[];
  /** False when buildx abbreviated the list (`linux/amd64* (+4)`) or did not print it. */
  platformsComplete: boolean;
  driverOpts: Record<string, string>;
  /** buildkitd flags as `inspect` shows them (`BuildKit daemon flags:`), when shown. */
  buildkitdFlags: string | undefined;
  error: string | undefined;
  labels: Record<string, string>;
  /**
   * The files buildx keeps for the node (its `buildkitd.toml` as buildx re-encoded it, registry CA files), by name,
   * as `inspect` prints them from 0.18 (`File#NAME:`). Absent where none was printed (capsOf: filesInInspect).
   */
  files?: Record<string, string>;
}

export interface BuildxBuilder {
  name: string;
  driver: string;
  /** The builder `docker buildx use` selected (`*` in `ls`, `Current` in JSON ≥ 0.24). */
  current: boolean;
  /** A builder-level error: buildx could not load it. */
  error: string | undefined;
  lastActivity: string | undefined;
  nodes: BuildxNode[];
}

/** What a parser could not read: the line it stopped at, quoted. */
export interface ParseError {
  kind: 'parse-error';
  format: string;
  line: number;
  text: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T; unparsed: string[] } | { ok: false; error: ParseError };

/** `docker buildx version`, parsed, with what that version can and cannot do. */
export interface BuildxVersion {
  /** As printed: `v0.10.5`, `0.29.1+ds1`. */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  caps: BuildxCaps;
}

export interface BuildxCaps {
  /** `ls --format json` (0.13+). */
  lsJson: boolean;
  /** `Current` field in `ls --format json` (0.24+). */
  lsJsonCurrent: boolean;
  /** `create --buildkitd-config` (0.13+); older versions call it `--config`. */
  buildkitdConfigFlag: '--buildkitd-config' | '--config';
  /** `inspect --bootstrap` gives up on a dead node (~20 s, 0.13+); 0.10–0.12 hang. */
  bootstrapTimesOut: boolean;
  /** `create` without `--buildkitd-flags` clears a node's flags (0.13+); before, it sent nil, which keeps them. */
  createClearsFlags: boolean;
  /** `buildx history ls|inspect --format json`: which node built what (0.23+). */
  historyJson: boolean;
  /** A platform pinned on several nodes goes to the first (0.13+, build/driver.go get); before, to the last. */
  firstPinWins: boolean;
  /** A build matches every platform again against pins and worker platforms (0.13+, build/driver.go). */
  rematchesPlatforms: boolean;
  /**
   * `--load` of several platforms where Docker's image store is containerd: buildx switches the docker exporter
   * to its OCI importer (0.11+, build/build.go; build/opt.go from 0.16). Before, any multi-platform load fails.
   */
  multiPlatformLoad: boolean;
  /** `inspect` prints a node's stored files (`File#buildkitd.toml:`) (0.18+; none in 0.13.1, capture inspect-registries). */
  filesInInspect: boolean;
}
