// The whole decision of a bake, as data and without I/O. buildx has read the bake file (`bake --print`); each
// selected target × platform becomes a job on a node of that platform's pool (core/scheduler.ts), pushed by
// digest, and each target's tags move in one merge of its platforms. A bake whose outputs are not an image push
// runs as buildx's own bake on the builder, with the routing shown first.
import { type BakeJobArgs, bakeAllArgs, bakeJobArgs } from '../buildx/bake-args.js';
import { type BakeDefinition, type BakeTarget, linkedTargetsOf } from '../buildx/parse/bake-print.js';
import { pushRepositoryOf } from '../buildx/split-args.js';
import { cacheTagOf } from '../core/cache-ref.js';
import { helperNameOf } from '../core/helper-builder.js';
import { nativeTruthOfNode, type Route, routePlatforms } from '../core/routing.js';
import { type Placeable, type Pool, placeJobs, poolOf } from '../core/scheduler.js';
import { verdictOn } from '../core/split-plan.js';
import type { BakeRequest } from './bake-request.js';
import { mismatchesOf } from './plan.js';
import type { BuildTarget } from './target.js';

export interface BakeTargetPlan {
  name: string;
  tags: string[];
  /** Where its jobs push by digest: its first tag's repository. */
  repo: string | undefined;
  platforms: string[];
  /** Targets it builds from (`contexts = { x = "target:NAME" }`), transitively: built in its jobs too. */
  linked: string[];
}

export interface BakeJob {
  /** `TARGET os/arch`: how the job is named in the output and the report. */
  id: string;
  target: string;
  platform: string;
  node: string;
  /** The builder it runs on: the builder itself where buildx sends the platform to this node, else its helper. */
  builder: string;
  helper: boolean;
  verdict: 'native' | 'emulated';
  /** What its argv is built from; the runner adds its metadata file. */
  args: BakeJobArgs;
  /** The args after `docker`, as shown. */
  argv: string[];
  cacheRefs: string[];
}

export interface BakePlan {
  builder: string;
  /** fleet: one job per target × platform, merged per target; bake: buildx's own bake on the builder. */
  mode: 'fleet' | 'bake';
  reason: string;
  targets: BakeTargetPlan[];
  pools: Pool[];
  jobs: BakeJob[];
  /** The bake mode's one command. */
  command: string[] | undefined;
  /** The bake mode's routing preview: where buildx sends each platform. */
  routes: Route[];
  warnings: string[];
  /** Why it must not run: `usage` for the bake file's fault, `unhealthy` for the fleet's. */
  refusal: { kind: 'usage' | 'unhealthy'; message: string; hint: string } | undefined;
}

/** Bake's own selection: the `default` group `--print` writes holds what was named, groups expanded. */
export function selectedTargets(def: BakeDefinition): string[] {
  const out: string[] = [];
  const visit = (name: string, seen: Set<string>) => {
    if (seen.has(name)) return;
    seen.add(name);
    const group = def.groups[name];
    if (group && !(name === 'default' && def.targets[name])) for (const t of group) visit(t, seen);
    else if (def.targets[name] && !out.includes(name)) out.push(name);
  };
  visit('default', new Set());
  return out.length > 0 ? out : Object.keys(def.targets);
}

/** Every target `name` builds from, nearest first, each once. */
function linkedOf(def: BakeDefinition, name: string, seen = new Set<string>([name])): string[] {
  const target = def.targets[name];
  if (!target) return [];
  return linkedTargetsOf(target).flatMap((l) => {
    if (seen.has(l)) return [];
    seen.add(l);
    return [l, ...linkedOf(def, l, seen)];
  });
}

const isPush = (output: string) =>
  /(^|,)type=registry(,|$)/.test(output) ||
  (/(^|,)type=image(,|$)/.test(output) && /(^|,)push=true(,|$)/.test(output));

/** Why the bake runs as buildx's own, or undefined when every target pushes an image (or --push). */
function bakeModeReason(targets: readonly BakeTarget[], push: boolean): string | undefined {
  const other = targets.find((t) => t.push !== true && t.outputs.some((o) => !isPush(o)));
  if (other) {
    return `target ${other.name} exports ${other.outputs.find((o) => !isPush(o))}, not an image push: one bake on the builder`;
  }
  if (push) return undefined;
  const silent = targets.find((t) => t.push !== true && t.outputs.length === 0);
  return silent ? 'no --push: one bake on the builder, as buildx runs it' : undefined;
}

const tagged = (def: BakeDefinition, names: readonly string[], fallback: string[]): BakeTargetPlan[] =>
  names.map((name) => {
    const t = def.targets[name]!;
    return {
      name,
      tags: [...t.tags],
      repo: pushRepositoryOf(t.tags),
      platforms: t.platforms.length > 0 ? [...t.platforms] : fallback,
      linked: linkedOf(def, name),
    };
  });

/** Targets after the ones they build from, so a job that builds its base follows the base's own job. */
function linkedFirst(targets: readonly BakeTargetPlan[]): BakeTargetPlan[] {
  const out: BakeTargetPlan[] = [];
  const add = (t: BakeTargetPlan) => {
    if (out.includes(t)) return;
    for (const l of t.linked) {
      const base = targets.find((x) => x.name === l);
      if (base) add(base);
    }
    out.push(t);
  };
  for (const t of targets) add(t);
  return out;
}

const FLEET_REASON =
  'every target × platform on a node that runs it natively (the least busy of its pool), pushed by digest, merged per target';

/** The cache a target shares: the farthest target it builds from (its own name when none). */
const familyOf = (t: BakeTargetPlan) => t.linked.at(-1) ?? t.name;

export function planBake(
  def: BakeDefinition,
  target: BuildTarget,
  request: BakeRequest,
  busy: ReadonlyMap<string, number>,
): BakePlan {
  const names = selectedTargets(def);
  const firstNode = target.nodes[0];
  const fallback = firstNode ? nativeTruthOfNode(firstNode).platforms.slice(0, 1) : [];
  const targets = tagged(def, names, fallback);
  const platforms = [...new Set(targets.flatMap((t) => t.platforms))];
  const base = {
    builder: target.name,
    targets,
    warnings: mismatchesOf(target),
  };
  const modeReason =
    request.whole ??
    bakeModeReason(
      names.map((n) => def.targets[n]!),
      request.push,
    );
  if (modeReason) {
    const routes = routePlatforms(platforms, target.nodes, target.version);
    return {
      ...base,
      mode: 'bake',
      reason: modeReason,
      pools: [],
      jobs: [],
      command: bakeAllArgs(request.args, target.name, request.targets, request.push),
      routes,
      warnings: [...base.warnings, ...routes.flatMap((r) => (r.warning ? [r.warning] : []))],
      refusal: undefined,
    };
  }
  const fleet = { ...base, mode: 'fleet' as const, reason: FLEET_REASON, command: undefined, routes: [] };
  const untagged = targets.find((t) => t.repo === undefined);
  if (untagged) {
    return {
      ...fleet,
      pools: [],
      jobs: [],
      refusal: {
        kind: 'usage',
        message: `target ${untagged.name} has no tags: each platform is pushed by digest and merged under its tags`,
        hint: `Give it tags = ["REGISTRY/REPO:TAG"] in the bake file (or --set ${untagged.name}.tags=…).`,
      },
    };
  }
  const pooled = platforms.map((p) => poolOf(p, target.nodes, request.allowEmulation));
  const pools = pooled.flatMap((r) => (r.ok ? [r.pool] : []));
  const warnings = [
    ...base.warnings,
    ...pooled.flatMap((r) => (r.ok && r.warning ? [r.warning] : [])),
    ...pools.flatMap((p) =>
      p.down.length > 0 ? [`${p.down.join(', ')} down: ${p.platform} builds on ${p.nodes.join(', ')}`] : [],
    ),
  ];
  const failed = pooled.flatMap((r) => (r.ok ? [] : [r]));
  if (failed.length > 0) {
    return {
      ...fleet,
      pools,
      jobs: [],
      warnings,
      refusal: { kind: 'unhealthy', message: failed.map((f) => f.message).join('; '), hint: failed[0]!.hint },
    };
  }
  const poolMap = new Map(pools.map((p) => [p.platform, p]));
  const ordered = linkedFirst(targets);
  const items = new Map<string, Placeable>();
  for (const t of ordered) {
    for (const platform of t.platforms) {
      const id = `${familyOf(t)} ${platform}`;
      const item = items.get(id) ?? { id, platform, affinity: id, weight: 0 };
      item.weight += 1;
      items.set(id, item);
    }
  }
  const where = placeJobs([...items.values()], poolMap, busy);
  const jobs = ordered.flatMap((t) =>
    t.platforms.map((platform) =>
      jobOf(def, target, request, t, platform, where.get(`${familyOf(t)} ${platform}`)!),
    ),
  );
  return { ...fleet, pools, jobs, warnings, refusal: undefined };
}

/** True when buildx itself sends `platform` to `node` on the builder: pinned there, and routing agrees. */
function sentThere(target: BuildTarget, node: string, platform: string): boolean {
  const n = target.nodes.find((x) => x.name === node);
  const pinned = n?.listed.some((e) => e.pinned && e.platform === platform) ?? false;
  return pinned && routePlatforms([platform], target.nodes, target.version)[0]?.node === node;
}

/** One target × platform on `node`; also how a job moved to another node is rebuilt (bake-run.ts). */
export function jobOf(
  def: BakeDefinition,
  target: BuildTarget,
  request: BakeRequest,
  t: BakeTargetPlan,
  platform: string,
  node: string,
): BakeJob {
  const own = def.targets[t.name]!;
  const direct = sentThere(target, node, platform);
  const builder = direct ? target.name : helperNameOf(target.name, node);
  const cacheRefs = request.cacheRef ? [cacheTagOf(request.cacheRef, platform, t.name)] : [];
  const args: BakeJobArgs = {
    builder,
    target: t.name,
    platform,
    linked: t.linked,
    repo: t.repo!,
    cacheFrom: [...own.cacheFrom, ...cacheRefs.map((r) => `type=registry,ref=${r}`)],
    cacheTo: [...own.cacheTo, ...cacheRefs.map((r) => `type=registry,ref=${r},mode=max`)],
  };
  const routing = target.nodes.find((n) => n.name === node);
  return {
    id: `${t.name} ${platform}`,
    target: t.name,
    platform,
    node,
    builder,
    helper: !direct,
    verdict: routing ? verdictOn(routing, platform) : 'native',
    args,
    argv: bakeJobArgs(request.args, args),
    cacheRefs,
  };
}
