// Before `buildx build` runs: which requests mpb refuses (and why, and what to do instead), and what it only
// warns about. Pure: the routes come from routing.ts, the rest from the flags and the builder.
import { driverOf } from '../drivers/registry.js';
import type { FaultCode } from '../probe/codes.js';
import type { ProbeResult } from '../probe/types.js';
import type { Route } from './routing.js';

export type RefusalKind =
  | 'load-multi'
  | 'docker-driver-multi'
  | 'unhealthy'
  | 'not-served'
  | 'emulated'
  | 'node-down'
  | 'split-needs-push'
  | 'split-needs-tag'
  | 'split-output'
  | 'split-flag';

/** usage: buildx cannot do the request with these flags; unhealthy: the builder cannot serve it. */
export const REFUSAL_OUTCOME: Record<RefusalKind, 'usage' | 'unhealthy'> = {
  'load-multi': 'usage',
  'docker-driver-multi': 'usage',
  unhealthy: 'unhealthy',
  'not-served': 'unhealthy',
  emulated: 'unhealthy',
  'node-down': 'unhealthy',
  'split-needs-push': 'usage',
  'split-needs-tag': 'usage',
  'split-output': 'usage',
  'split-flag': 'usage',
};

export interface Refusal {
  kind: RefusalKind;
  message: string;
  hint: string;
  /** The diagnosis code, where a probe found it (--json). */
  code?: FaultCode;
}

export interface RequestFacts {
  builder: string;
  /** buildx's driver name: the engine's own `default` builder has `docker`. */
  driver: string;
  platforms: readonly string[];
  /** True when the platforms are the builder's declared ones, not from --platform. */
  defaulted: boolean;
  load: boolean;
  /**
   * Whether buildx can load these platforms into the local Docker (asked only for `--load` of several):
   * its containerd image store and buildx 0.11+ can; `why` says why not.
   */
  multiPlatformLoad?: { ok: true } | { ok: false; why: string };
}

export interface GateOptions {
  nativeOnly: boolean;
  allowDegraded: boolean;
  /** Where a platform can be declared, for hints: the config file, or undefined for an undeclared builder. */
  configFile: string | undefined;
  /** Nodes known down that a single build boots anyway (a platform pinned on no node: routing.ts downNodesBooted). */
  bootsDown?: readonly string[];
}

export interface GateResult {
  refusals: Refusal[];
  warnings: string[];
}

/** Refusals that need no routing: what buildx would fail on at export time, or at once. */
export function checkRequest(facts: RequestFacts): Refusal[] {
  const list = facts.platforms.join(', ');
  const refusals: Refusal[] = [];
  // Captures build-load-multi (0.10.5, 0.13.1, 0.29.1): the build runs to the end, then the docker exporter
  // fails with "does not currently support exporting manifest lists" — unless Docker's image store is
  // containerd, where buildx 0.11+ loads the image through its OCI importer (build/build.go, build/opt.go).
  if (facts.load && facts.platforms.length > 1 && facts.multiPlatformLoad?.ok !== true) {
    const why = facts.multiPlatformLoad?.why ?? 'the image store of the local Docker is not known';
    refusals.push({
      kind: 'load-multi',
      message: facts.defaulted
        ? `--load of several platforms, and builder "${facts.builder}" declares ${facts.platforms.length} (${list}): ${why}`
        : `--load of several platforms (${list}): ${why}`,
      hint: `Turn on Docker's containerd image store (docker info then shows driver-type io.containerd.snapshotter.v1), push instead (--push), write an OCI archive (--output type=oci,dest=image.tar), or load one platform (--platform ${facts.platforms[0]}).`,
    });
  }
  // Capture default-build-multi: the docker driver refuses any multi-platform build (message differs from 0.13).
  if (driverOf(facts.driver)?.multiPlatform === false && facts.platforms.length > 1) {
    refusals.push({
      kind: 'docker-driver-multi',
      message: `builder "${facts.builder}" uses the ${facts.driver} driver, which cannot build several platforms in one build (${list})`,
      hint: 'Declare a builder with the docker-container or remote driver in builders.yaml and pass --builder NAME, or build one platform per run.',
    });
  }
  return refusals;
}

function declareHint(platform: string, configFile: string | undefined): string {
  return configFile
    ? `Add ${platform} to a node's platforms (native) or emulate (QEMU) in ${configFile} and run mpb ensure-builder, or drop it from --platform.`
    : `Use a builder that serves ${platform} (--builder NAME), or drop it from --platform.`;
}

/** A route buildx can build: a node serves the platform, and it is not known to be down. */
export const isLive = (r: Route): boolean => r.verdict !== 'not-served' && !r.nodeDown;

/** Whether the build stays off every node that is down: each platform on a live node, and no down node booted. */
const offNodesDown = (routes: readonly Route[], bootsDown: readonly string[]) =>
  routes.every(isLive) && bootsDown.length === 0;

/** A single build with a platform pinned on no node boots every node: a down one makes buildx wait, then fail. */
function bootRefusal(bootsDown: readonly string[]): Refusal {
  const nodes = quoted(bootsDown);
  const one = bootsDown.length === 1;
  return {
    kind: 'node-down',
    message: `a requested platform is pinned on no node, so buildx starts every node for this build, and ${one ? 'node' : 'nodes'} ${nodes} ${one ? 'is' : 'are'} down: buildx would wait on ${one ? 'it' : 'them'}, then fail`,
    hint: `Pin every requested platform on a node that is up (platforms: in the config), use --strategy split (needs --push: each node gets only its own platforms), or bring ${nodes} back (mpb doctor shows why). --allow-degraded does not help here.`,
  };
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/**
 * What to do about platforms whose node is down. Never --allow-degraded: it builds only where every requested
 * platform goes to a node that is up (buildx waits ~20 s on a dead node, then fails). The same text for every
 * such route, so the refusals' hints join into one.
 */
function downHint(routes: readonly Route[]): string {
  const down = routes.filter((r) => r.nodeDown && r.verdict !== 'not-served');
  const nodes = [...new Set(down.flatMap((r) => (r.node === undefined ? [] : [r.node])))];
  const live = routes.filter(isLive).map((r) => r.platform);
  const them = down.length > 1 ? 'them' : 'it';
  const rest = live.length > 0 ? `, or build the rest without ${them}: --platform ${live.join(',')}` : '';
  return `Bring ${nodes.length > 1 ? 'nodes' : 'node'} ${quoted(nodes)} back (mpb doctor shows why ${nodes.length > 1 ? 'they are' : 'it is'} down)${rest}. --allow-degraded does not help: it never builds on a node that is down.`;
}

/**
 * Judges each route: refuse what would not be built where the user expects, warn about the rest. A platform whose
 * node is down is refused under --allow-degraded too: buildx would wait on that node and fail, and sending the
 * platform elsewhere (another node, maybe by QEMU) is not what the user declared.
 */
export function checkRoutes(routes: readonly Route[], options: GateOptions): GateResult {
  const refusals: Refusal[] = [];
  const warnings: string[] = [];
  if ((options.bootsDown ?? []).length > 0 && routes.every(isLive))
    refusals.push(bootRefusal(options.bootsDown ?? []));
  for (const r of routes) {
    const on = r.node === undefined ? 'no node' : `node "${r.node}"`;
    if (r.verdict === 'not-served') {
      // Capture build-noplatform-node: buildx does not refuse linux/riscv64, it builds it on the first node.
      refusals.push({
        kind: 'not-served',
        message: `no node serves ${r.platform}: buildx would build it on ${on} anyway`,
        hint: declareHint(r.platform, options.configFile),
      });
      continue;
    }
    if (r.verdict === 'emulated' && options.nativeOnly) {
      refusals.push({
        kind: 'emulated',
        message: `--native-only: ${r.platform} would be emulated (QEMU) on ${on}`,
        hint:
          r.warning ??
          `Add a node that runs ${r.platform} natively and pin it there (platforms: [${r.platform}]), or drop --native-only.`,
      });
      continue;
    }
    if (r.nodeDown) {
      refusals.push({
        kind: 'node-down',
        message: `${on} is down, and ${r.platform} is built there${options.allowDegraded ? ' (--allow-degraded builds only on nodes that are up)' : ''}`,
        hint: downHint(routes),
      });
      continue;
    }
    if (r.verdict === 'emulated')
      warnings.push(`${r.platform} will be emulated (QEMU) on ${on}: expect it to be several times slower`);
    if (r.warning) warnings.push(r.warning);
  }
  return { refusals, warnings };
}

/**
 * After a real ensure: an unhealthy builder stops the build, unless --allow-degraded and every requested platform
 * goes to a node that is up and serves it. --allow-degraded is suggested only then; a dry run only probed, and
 * the routes say what it found.
 */
export function checkEnsured(
  ensured:
    | { builder: string; dryRun: boolean; outcome: 'ok' | 'unhealthy'; state: string | undefined }
    | undefined,
  routes: readonly Route[],
  allowDegraded: boolean,
  bootsDown: readonly string[] = [],
): Refusal[] {
  if (!ensured || ensured.dryRun || ensured.outcome === 'ok') return [];
  const stranded = routes.filter((r) => !isLive(r));
  if (allowDegraded && offNodesDown(routes, bootsDown)) return [];
  const unserved = stranded.map((r) => r.platform).join(', ');
  const hint =
    stranded.length === 0 && bootsDown.length > 0
      ? bootRefusal(bootsDown).hint
      : stranded.length === 0
        ? `Fix the nodes above (mpb doctor ${ensured.builder}), or pass --allow-degraded: every requested platform is still built on a node that is up.`
        : stranded.some((r) => r.nodeDown && r.verdict !== 'not-served')
          ? downHint(routes)
          : `No node that is up serves ${unserved}: fix the nodes above (mpb doctor ${ensured.builder}), or drop ${unserved} from --platform.`;
  return [
    {
      kind: 'unhealthy',
      message: `builder "${ensured.builder}" is ${ensured.state ?? 'unhealthy'} after ensure-builder`,
      hint,
    },
  ];
}

/**
 * A builder the config does not declare gets no ensure, so its probes decide: a dead node stops the build
 * before buildx waits on it, unless --allow-degraded and every requested platform goes to a node that is up.
 */
export function checkPreflight(
  builder: string,
  preflight: readonly ProbeResult[],
  routes: readonly Route[],
  allowDegraded: boolean,
  bootsDown: readonly string[] = [],
): Refusal[] {
  const served = offNodesDown(routes, bootsDown);
  if (allowDegraded && served) return [];
  // The platforms on a dead node are refused by checkRoutes, with what to do; --allow-degraded only fits here.
  const degraded = served
    ? '. Or pass --allow-degraded: every requested platform is still built on a node that is up.'
    : '';
  return preflight.flatMap((p) =>
    p.state === 'down'
      ? [
          {
            kind: 'node-down' as const,
            code: p.code,
            message: `builder "${builder}" node "${p.node}" (${p.endpoint}) is down: ${p.detail} [${p.code}]`,
            hint: `${p.fix} Then run: mpb doctor ${builder}${degraded}`,
          },
        ]
      : [],
  );
}

const rank = (r: Refusal) => (REFUSAL_OUTCOME[r.kind] === 'usage' ? 0 : 1);

/** One message for all refusals: usage problems come before health ones, and only those of the first are joined. */
export function summarizeRefusals(refusals: readonly Refusal[]): Refusal | undefined {
  const [first] = [...refusals].sort((a, b) => rank(a) - rank(b));
  if (!first) return undefined;
  const same = refusals.filter((r) => rank(r) === rank(first));
  return {
    kind: first.kind,
    code: same.find((r) => r.code !== undefined)?.code,
    message: same.map((r) => r.message).join('\n'),
    hint: [...new Set(same.map((r) => r.hint))].join('\n'),
  };
}
