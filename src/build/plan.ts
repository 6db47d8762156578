// The whole decision of a build, as data and without I/O: which builder and nodes, where each platform goes and
// whether natively, the strategy and why, what is refused, and the jobs with their argv. A single build is one
// job that buildx routes over the builder; a split build is one job per node, merged by digest. The runner
// (run.ts) carries a plan out; `--dry-run` and `--json` show it as it is.
import { type BuildArgsInput, buildArgs } from '../buildx/build-args.js';
import { singleOnlyReasons } from '../buildx/build-flags.js';
import { pushRepositoryOf, splitJobInput } from '../buildx/split-args.js';
import {
  checkEnsured,
  checkPreflight,
  checkRoutes,
  type Refusal,
  summarizeRefusals,
} from '../core/build-gate.js';
import { cacheFlagsOf, cacheTagOf } from '../core/cache-ref.js';
import { helperNameOf } from '../core/helper-builder.js';
import { declarationMismatches } from '../core/platforms.js';
import { downNodesBooted, nativeTruthOfNode, type Route, routePlatforms } from '../core/routing.js';
import { planSplit, routesOfPlan } from '../core/split-plan.js';
import { chooseStrategy, type Strategy } from '../core/strategy.js';
import { driverOf } from '../drivers/registry.js';
import { platformsByNodeOf } from '../probe/watch.js';
import { type BuildRequest, CACHE_ONLY, exportOf } from './request.js';
import type { BuildTarget } from './target.js';

/** One `buildx build`: a bake is many of these, a build one or one per node. */
export interface BuildJob {
  /** The node it builds on; undefined for a single build, which buildx routes over the whole builder. */
  node: string | undefined;
  platforms: string[];
  /** The builder it runs on: the target, or the node's `mpb-via-…` helper (helper-builder.ts). */
  builder: string;
  /** True when it runs on a helper builder, which the runner makes (or reuses) first. */
  helper: boolean;
  /** What its argv is built from (buildx/build-args.ts); the runner adds its own metadata file to it. */
  input: BuildArgsInput;
  /** The args after `docker`, as shown: without the runner's metadata file. */
  argv: string[];
  /** The nodes watched while it builds, each with the platforms it builds (probe/watch.ts). */
  watch: Record<string, string[]>;
  /** Per-platform registry cache refs (`--cache-ref`), in its argv too. */
  cacheRefs: string[];
}

/** What a split's merge does: the tags, the repository of the jobs' digests, where its result is written. */
export interface MergePlan {
  tags: string[];
  repo: string;
  /** The user's --metadata-file and --iidfile: they get the merged index. */
  metadataFile: string | undefined;
  iidfile: string | undefined;
}

export interface BuildPlan {
  builder: string;
  declared: boolean;
  /** The platforms asked for (or declared); empty leaves the choice to buildx. */
  platforms: string[];
  /** The `--tag` values. */
  tags: string[];
  /** Where each platform goes, and how it runs there. */
  routes: Route[];
  strategy: Strategy;
  reason: string;
  jobs: BuildJob[];
  /** A split's merge: the tags it moves, the repository every job pushes to by digest, the user's files. */
  merge: MergePlan | undefined;
  warnings: string[];
  /** True when nothing exports the result (no --push, --load, --output): it stays in the build cache. */
  cacheOnly: boolean;
  /** Why it must not run (the first of its kind); undefined when it may. */
  refusal: Refusal | undefined;
}

const cacheOf = (cacheRef: string | undefined, platforms: readonly string[]) => ({
  ...(cacheRef ? cacheFlagsOf(cacheRef, platforms) : { cacheFrom: [], cacheTo: [] }),
  refs: cacheRef ? platforms.map((p) => cacheTagOf(cacheRef, p)) : [],
});

/** The one job of a single build: buildx routes it; every routed node is watched. */
function singleJob(
  input: BuildArgsInput,
  target: BuildTarget,
  routes: Route[],
  cacheRef: string | undefined,
) {
  const cache = cacheOf(cacheRef, input.platforms);
  const { flags } = input;
  const cached = {
    ...input,
    flags: {
      ...flags,
      cacheFrom: [...(flags.cacheFrom ?? []), ...cache.cacheFrom],
      cacheTo: [...(flags.cacheTo ?? []), ...cache.cacheTo],
    },
  };
  return {
    node: undefined,
    platforms: target.platforms,
    builder: target.name,
    helper: false,
    input: cached,
    argv: buildArgs(cached),
    watch: Object.fromEntries(platformsByNodeOf(routes)),
    cacheRefs: cache.refs,
  };
}

/** Declared-native platforms that a node's hardware emulates, by the node's own word. */
export const mismatchesOf = (target: BuildTarget): string[] =>
  target.nodes.flatMap((n) =>
    declarationMismatches(n.name, n.declared, nativeTruthOfNode(n)).map((m) => m.message),
  );

/** The docker driver loads into the local Docker, as does a node with the driver option default-load=true. */
const loadsByDefault = (target: BuildTarget) =>
  driverOf(target.driver)?.loadsByDefault === true ||
  (target.spec?.nodes ?? []).some((n) => n.driverOpts['default-load'] === 'true');

/**
 * Plans `request` on `target`, the builder as ensured and read (target.ts). `busy`: each node's running builds,
 * where a platform is declared on several nodes (a pool): a split job goes to the least busy (core/scheduler.ts).
 */
export function planBuild(
  target: BuildTarget,
  request: BuildRequest,
  busy: ReadonlyMap<string, number> = new Map(),
): BuildPlan {
  const cacheRef = request.cacheRef ?? target.spec?.cache;
  const input: BuildArgsInput = {
    builder: target.name,
    platforms: target.platforms,
    flags: request.flags,
    context: request.context,
    extra: request.extra,
  };
  const singleRoutes = routePlatforms(target.shownPlatforms, target.nodes, target.version);
  const tags = [...(request.flags.tag ?? [])];
  const choice = chooseStrategy({
    asked: request.strategy ?? target.spec?.strategy ?? 'auto',
    push: Boolean(request.flags.push),
    tags,
    outputs: request.flags.output ?? [],
    cacheRef,
    singleOnly: singleOnlyReasons(request.flags),
    routes: singleRoutes,
    nodes: target.nodes,
  });
  const cacheOnly = exportOf(request, loadsByDefault(target)) === 'cache-only';
  const base = {
    builder: target.name,
    declared: target.spec !== undefined,
    platforms: target.platforms,
    tags,
    cacheOnly,
  };
  if (choice.kind === 'refused') {
    const reason = choice.refusal.message;
    const job = singleJob(input, target, singleRoutes, cacheRef);
    return {
      ...base,
      ...{ routes: singleRoutes, strategy: 'split', reason, jobs: [job], merge: undefined, warnings: [] },
      refusal: choice.refusal,
    };
  }
  const { strategy, reason } = choice;
  const affinity = pushRepositoryOf(tags) ?? request.context;
  const split =
    strategy === 'split'
      ? planSplit(target.shownPlatforms, target.nodes, target.version, { busy, affinity })
      : undefined;
  const routes = split
    ? [
        ...routesOfPlan(split, target.nodes),
        ...split.unplaced.map((platform) => ({
          platform,
          node: undefined,
          verdict: 'not-served' as const,
          nodeDown: false,
        })),
      ]
    : singleRoutes;
  const repo = pushRepositoryOf(tags);
  const jobs: BuildJob[] =
    split && repo
      ? split.jobs.map((j) => {
          const builder = j.direct ? target.name : helperNameOf(target.name, j.node);
          const cache = cacheOf(cacheRef, j.platforms);
          const jobInput = splitJobInput(input, { builder, platforms: j.platforms, ...cache }, repo);
          return {
            node: j.node,
            platforms: j.platforms,
            builder,
            helper: !j.direct,
            input: jobInput,
            argv: buildArgs(jobInput),
            watch: { [j.node]: j.platforms },
            cacheRefs: cache.refs,
          };
        })
      : [singleJob(input, target, routes, cacheRef)];
  // A split's jobs boot only their own node (all pinned, or a helper builder of that node alone).
  const bootsDown = split ? [] : downNodesBooted(target.shownPlatforms, target.nodes, target.version);
  const gate = checkRoutes(routes, {
    nativeOnly: request.nativeOnly,
    allowDegraded: request.allowDegraded,
    configFile: target.configFile,
    bootsDown,
  });
  const ensured = target.ensure && { ...target.ensure, state: target.ensure.health?.state };
  const refusal = summarizeRefusals([
    ...checkEnsured(ensured, routes, request.allowDegraded, bootsDown),
    ...checkPreflight(target.name, target.preflight ?? [], routes, request.allowDegraded, bootsDown),
    ...gate.refusals,
  ]);
  return {
    ...base,
    routes,
    strategy,
    reason,
    jobs,
    merge:
      split && repo
        ? { tags, repo, metadataFile: request.flags.metadataFile, iidfile: request.flags.iidfile }
        : undefined,
    warnings: [
      ...mismatchesOf(target),
      ...(split?.warnings ?? []),
      ...gate.warnings,
      ...(cacheOnly ? [CACHE_ONLY] : []),
    ],
    refusal,
  };
}
