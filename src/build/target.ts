// Which builder `mpb build` uses, what it is asked to build, and the nodes routing reads: a declared builder
// is ensured first; one the config does not declare (buildx's `default`, say) is used as buildx has it.
import { TIMEOUT_MS } from '../buildx/exec.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { detectVersion, readBuilder } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import { currentChoice } from '../config/current.js';
import { type BuilderFrom, choiceLine, chosenBuilder, findBuilder } from '../config/select.js';
import type { BuilderSpec, ResolvedConfig } from '../config/types.js';
import { checkRequest, REFUSAL_OUTCOME, summarizeRefusals } from '../core/build-gate.js';
import { nativeTruthOfNode, type RoutingNode, routingNodesOf } from '../core/routing.js';
import { type Deps, optionalConfigOf, warnAbout } from '../deps.js';
import { nodeStateOf } from '../drivers/registry.js';
import { refusalError, UsageError } from '../errors.js';
import { probeActual, probeSpecsOf } from '../probe/buildx-nodes.js';
import type { ProbeNodeSpec } from '../probe/node.js';
import type { ProbeResult } from '../probe/types.js';
import { ensureDepsOf } from '../reconcile/deps.js';
import { type EnsureReport, ensureBuilder, observedNatives } from '../reconcile/ensure.js';
import { multiPlatformLoadOf } from './load-multi.js';

export interface BuildTarget {
  name: string;
  /** Where the name came from (config/select.ts): `builderFrom` in --json. */
  from: BuilderFrom;
  /** Undefined for a builder the config does not declare. */
  spec: BuilderSpec | undefined;
  configFile: string | undefined;
  version: BuildxVersion;
  driver: string;
  /** Passed as `--platform`; empty leaves the choice to buildx (the first node's own platform). */
  platforms: string[];
  /** What the routing table shows: `platforms`, or the platform buildx will pick when it is empty. */
  shownPlatforms: string[];
  nodes: RoutingNode[];
  ensure: EnsureReport | undefined;
  /** An undeclared builder's probes, from buildx's own endpoints and TLS options; declared ones: ensure's. */
  preflight: ProbeResult[] | undefined;
  /** How each node is probed: the declared nodes, or what buildx stores for an undeclared builder's. */
  probeNodes: ProbeNodeSpec[];
}

export interface TargetOptions {
  builder?: string;
  requested: string[] | undefined;
  load?: boolean;
  ensure?: boolean;
  nativeOnly?: boolean;
  allowDegraded?: boolean;
  dryRun?: boolean;
  probeTimeout: number;
}

/** Declared platforms in node order, emulated ones too unless --native-only. */
function declaredPlatformsOf(spec: BuilderSpec, nativeOnly: boolean): string[] {
  return [...new Set(spec.nodes.flatMap((n) => (nativeOnly ? n.platforms : [...n.platforms, ...n.emulate])))];
}

// Before a bootstrap buildx shows nodes it has not started as `inactive` or `stopped` (captures
// dc-inspect-before-bootstrap, dc-inspect-stopped): where its driver starts them for the build, they are not
// known to be down (drivers/registry.ts nodeStateOf, the rule drift uses too). Nodes a probe found dead are.
function settleStatuses(driver: string, nodes: RoutingNode[], dead: ReadonlySet<string>): RoutingNode[] {
  return nodes.map((n) => {
    if (dead.has(n.name)) return { ...n, status: 'error' };
    return nodeStateOf(driver, n.status) === 'starts-on-demand' ? { ...n, status: undefined } : n;
  });
}

async function refuseEarly(
  run: Runner,
  version: () => Promise<BuildxVersion>,
  facts: Parameters<typeof checkRequest>[0],
): Promise<void> {
  // docker info only where it decides: --load of several platforms (load-multi.ts).
  const multiPlatformLoad =
    facts.load && facts.platforms.length > 1 ? await multiPlatformLoadOf(run, version) : undefined;
  const refusal = summarizeRefusals(checkRequest({ ...facts, multiPlatformLoad }));
  if (refusal)
    throw refusalError(REFUSAL_OUTCOME[refusal.kind], `not building: ${refusal.message}`, refusal.hint);
}

async function ensureDeclared(deps: Deps, version: BuildxVersion, spec: BuilderSpec, options: TargetOptions) {
  if (options.ensure === false) return undefined;
  return ensureBuilder(
    {
      spec,
      dryRun: Boolean(options.dryRun),
      prune: false,
      recreate: false,
      allowDegraded: Boolean(options.allowDegraded),
      bootstrapTimeoutMs: TIMEOUT_MS.bootstrap,
    },
    ensureDepsOf(deps, version, {
      probeTimeoutSeconds: options.probeTimeout,
      onProgress: (text) => deps.out.info(`${text}...`),
    }),
  );
}

async function declaredTarget(
  deps: Deps,
  config: ResolvedConfig,
  spec: BuilderSpec,
  options: TargetOptions,
): Promise<Omit<BuildTarget, 'from'>> {
  const { run } = deps;
  const platforms = options.requested ?? declaredPlatformsOf(spec, Boolean(options.nativeOnly));
  await refuseEarly(run, () => detectVersion(run, deps.env), {
    builder: spec.name,
    driver: spec.driver,
    platforms,
    defaulted: !options.requested,
    load: Boolean(options.load),
  });
  const version = await detectVersion(run, deps.env);
  const ensured = await ensureDeclared(deps, version, spec, options);
  const ensure = ensured?.report;
  // ensure-builder has just read the builder (again after any change): that read is the build's.
  const actual = ensured ? ensured.builder : await readBuilder(run, version, spec.name);
  // A dry run changed nothing: when ensure would, route on what the config declares instead.
  const changes = ensure?.dryRun === true && ensure.plan.actions.length > 0;
  const observed = observedNatives(ensure?.preflight ?? []);
  let nodes = routingNodesOf(spec, changes ? undefined : actual, observed);
  if (ensure === undefined || ensure.dryRun) {
    const dead = new Set(ensure?.preflight.filter((p) => p.state === 'down').map((p) => p.node));
    nodes = settleStatuses(actual?.driver ?? spec.driver, nodes, dead);
  }
  const shownPlatforms = platforms.length > 0 ? platforms : defaultPlatformOf(nodes);
  return {
    name: spec.name,
    spec,
    configFile: config.file,
    version,
    driver: spec.driver,
    platforms,
    shownPlatforms,
    nodes,
    ensure,
    preflight: undefined,
    probeNodes: spec.nodes,
  };
}

/** Without --platform buildx builds for the first node's own platform (BuildKit's default worker platform). */
function defaultPlatformOf(nodes: readonly RoutingNode[]): string[] {
  const first = nodes[0];
  return first ? nativeTruthOfNode(first).platforms.slice(0, 1) : [];
}

async function undeclaredTarget(
  run: Runner,
  name: string,
  config: ResolvedConfig | undefined,
  options: TargetOptions,
  read: BuildxBuilder | undefined,
): Promise<Omit<BuildTarget, 'from'>> {
  const version = await detectVersion(run);
  const actual = read ?? (await readBuilder(run, version, name));
  if (!actual) {
    const declared = config?.builders.map((b) => b.name).join(', ');
    throw new UsageError(
      `no builder "${name}": ${config ? `not declared in ${config.file} and` : 'no config file found, and it is'} unknown to buildx`,
      {
        hint: declared
          ? `Declared builders: ${declared}. buildx's own: docker buildx ls.`
          : "See buildx's builders with: docker buildx ls",
      },
    );
  }
  const platforms = options.requested ?? [];
  await refuseEarly(run, async () => version, {
    builder: name,
    driver: actual.driver,
    platforms,
    defaulted: false,
    load: Boolean(options.load),
  });
  // Every node gets a result; the ones buildx reports running are taken at its word (probe/buildx-nodes.ts).
  const preflight = await probeActual(actual, options.probeTimeout * 1000, { run });
  const dead = new Set(preflight.filter((p) => p.state === 'down').map((p) => p.node));
  const nodes = settleStatuses(
    actual.driver,
    routingNodesOf(undefined, actual, observedNatives(preflight)),
    dead,
  );
  const shownPlatforms = platforms.length > 0 ? platforms : defaultPlatformOf(nodes);
  return {
    name,
    spec: undefined,
    configFile: undefined,
    version,
    driver: actual.driver,
    platforms,
    shownPlatforms,
    nodes,
    ensure: undefined,
    preflight,
    probeNodes: probeSpecsOf(actual),
  };
}

/**
 * The builder (config/select.ts: --builder, $MPB_BUILDER, $BUILDX_BUILDER, defaultBuilder, buildx's current),
 * said on stderr with where the name came from; ensured and read if declared, else read as buildx has it. No
 * config file is no error: every builder is then undeclared. An invalid file, or one --config or $MPB_CONFIG
 * names and that is missing, still fails.
 */
export async function resolveTarget(deps: Deps, options: TargetOptions): Promise<BuildTarget> {
  const { run } = deps;
  const loaded = await optionalConfigOf(deps);
  const config = loaded?.config;
  let choice = chosenBuilder(config, { flag: options.builder, env: deps.env });
  let read: BuildxBuilder | undefined;
  if (!choice) ({ choice, builder: read } = await currentChoice(run, config?.file));
  // Said in --json too, as the strategy is: which builder, and why that one, is what a CI log reader needs.
  deps.stderr.write(`${choiceLine(choice)}\n`);
  const spec = config && findBuilder(config, choice.name);
  if (!spec) {
    if (config)
      deps.out.info(
        `builder "${choice.name}" is not declared in ${config.file}: using it as buildx has it, without ensure`,
      );
    return { ...(await undeclaredTarget(run, choice.name, config, options, read)), from: choice.from };
  }
  warnAbout(deps, loaded, [spec.name]);
  return { ...(await declaredTarget(deps, config, spec, options)), from: choice.from };
}
