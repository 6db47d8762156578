// A single-node builder that reaches the same BuildKit as one node of another builder: buildx has no
// per-node build flag, so a job for a node without pins runs there. Remote driver only; no daemon starts and
// the node's own cache is used. mpb owns these builders and names them `mpb-via-BUILDER-NODE`.
import { csvField } from '../buildx/args.js';
import type { BuildxBuilder, BuildxNode } from '../buildx/model.js';
import { driverOf } from '../drivers/registry.js';
import { remote } from '../drivers/remote.js';
import type { HelperTarget } from '../drivers/types.js';

const PREFIX = 'mpb-via-';

export const helperNameOf = (builder: string, node: string): string => `${PREFIX}${builder}-${node}`;
export const isHelperName = (name: string): boolean => name.startsWith(PREFIX);

/** The helpers mpb may have made for a builder's nodes, to list apart and remove with it. */
export function helperNamesOf(
  builder: string,
  nodes: readonly string[],
  existing: readonly string[],
): string[] {
  const mine = new Set(nodes.map((n) => helperNameOf(builder, n)));
  return existing.filter((name) => mine.has(name));
}

/** The builder a helper was made for, among the builders buildx has (names may contain `-`: the longest wins). */
export function helperOwnerOf(helper: string, builders: readonly string[]): string | undefined {
  if (!isHelperName(helper)) return undefined;
  return builders
    .filter((b) => !isHelperName(b) && helper.startsWith(`${PREFIX}${b}-`))
    .sort((a, b) => b.length - a.length)[0];
}

/** How the remote driver reaches this node's BuildKit: the node's driver says (src/drivers). */
export function helperTargetOf(driver: string, node: BuildxNode): HelperTarget {
  return (
    driverOf(driver)?.reachFromRemote(node) ?? {
      ok: false,
      reason: `a ${driver} node cannot be reached from another builder`,
    }
  );
}

/** `buildx create` of the helper; on an existing helper the same command updates its node in place. */
export function helperCreateArgs(
  name: string,
  node: string,
  endpoint: string,
  driverOpts: Record<string, string>,
): string[] {
  const opts = Object.keys(driverOpts)
    .sort()
    .flatMap((k) => ['--driver-opt', csvField(`${k}=${driverOpts[k]}`)]);
  return ['buildx', 'create', '--name', name, '--node', node, '--driver', 'remote', ...opts, endpoint];
}

function sameOpts(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export type HelperPlan =
  | { kind: 'ready'; name: string; reuse: boolean; argv: string[][]; warnings: string[] }
  | { kind: 'unreachable'; name: string; reason: string };

/** The helper for one node: reused when buildx has it as wanted, else (re)created; `existing` as buildx has it. */
export function planHelper(
  builder: string,
  driver: string,
  node: BuildxNode,
  existing: BuildxBuilder | undefined,
): HelperPlan {
  const name = helperNameOf(builder, node.name);
  const target = helperTargetOf(driver, node);
  if (!target.ok) return { kind: 'unreachable', name, reason: target.reason };
  const [only, ...more] = existing?.nodes ?? [];
  const matches =
    existing?.driver === remote.name &&
    more.length === 0 &&
    only?.name === node.name &&
    only.endpoint === target.endpoint &&
    sameOpts(only.driverOpts, target.driverOpts);
  if (matches) return { kind: 'ready', name, reuse: true, argv: [], warnings: target.warnings };
  const create = helperCreateArgs(name, node.name, target.endpoint, target.driverOpts);
  // A builder of that name with another driver or other nodes: create would refuse or keep the others.
  const fresh = existing && (existing.driver !== remote.name || more.length > 0 || only?.name !== node.name);
  const argv = fresh ? [['buildx', 'rm', name], create] : [create];
  return { kind: 'ready', name, reuse: false, argv, warnings: target.warnings };
}
