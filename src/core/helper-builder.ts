// A single-node builder that reaches the same BuildKit as one node of another builder: buildx has no
// per-node build flag, so a job for a node without pins runs there. Remote driver only; no daemon starts and
// the node's own cache is used. mpb owns these builders and names them `mpb-via-BUILDER-NODE`.
import { csvField } from '../buildx/args.js';
import type { BuildxBuilder, BuildxNode } from '../buildx/model.js';

const PREFIX = 'mpb-via-';
// buildx names a docker-container node's BuildKit container after the node (driver/docker-container).
const CONTAINER_PREFIX = 'buildx_buildkit_';
// The pod a kubernetes node reached last: BuildKit reports it as its worker's hostname (capture
// kubernetes/v0.29.1 inspect-after-bootstrap-replicas2).
const HOSTNAME_LABEL = 'org.mobyproject.buildkit.worker.hostname';

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

export type HelperTarget =
  | { ok: true; endpoint: string; driverOpts: Record<string, string>; warnings: string[] }
  | { ok: false; reason: string };

function containerTarget(node: BuildxNode): HelperTarget {
  const container = `docker-container://${CONTAINER_PREFIX}${node.name}`;
  const endpoint = node.endpoint;
  // buildx shows the local engine as its socket; a docker context by name. BuildKit's docker-container
  // helper runs `docker [--context=CTX] exec`, so a Docker host given as a URL (ssh://, tcp://) cannot be reached.
  if (endpoint === '' || endpoint.startsWith('unix://'))
    return { ok: true, endpoint: container, driverOpts: {}, warnings: [] };
  if (!endpoint.includes('://')) {
    return { ok: true, endpoint: `${container}?context=${endpoint}`, driverOpts: {}, warnings: [] };
  }
  return {
    ok: false,
    reason: `node "${node.name}" runs on the Docker host ${endpoint}, which the remote driver reaches only through a docker context: run docker context create NAME --docker host=${endpoint}, and use the context name as the node's endpoint`,
  };
}

function podTarget(node: BuildxNode): HelperTarget {
  const pod = node.labels[HOSTNAME_LABEL];
  if (!pod) {
    return {
      ok: false,
      reason: `node "${node.name}" reports no pod (it is not running): bootstrap it first`,
    };
  }
  const namespace = node.driverOpts['namespace'] ?? 'default';
  const kubeconfig = new URLSearchParams(node.endpoint.split('?')[1] ?? '').get('kubeconfig');
  const warnings = kubeconfig
    ? [`the helper for "${node.name}" runs kubectl, which reads $KUBECONFIG, not the builder's ${kubeconfig}`]
    : [];
  return { ok: true, endpoint: `kube-pod://${pod}?namespace=${namespace}`, driverOpts: {}, warnings };
}

/** How the remote driver reaches this node's BuildKit: a remote node as it is, others through their container or pod. */
export function helperTargetOf(driver: string, node: BuildxNode): HelperTarget {
  if (driver === 'remote')
    return { ok: true, endpoint: node.endpoint, driverOpts: { ...node.driverOpts }, warnings: [] };
  if (driver === 'docker-container') return containerTarget(node);
  if (driver === 'kubernetes') return podTarget(node);
  return { ok: false, reason: `a ${driver} node cannot be reached from another builder` };
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
    existing?.driver === 'remote' &&
    more.length === 0 &&
    only?.name === node.name &&
    only.endpoint === target.endpoint &&
    sameOpts(only.driverOpts, target.driverOpts);
  if (matches) return { kind: 'ready', name, reuse: true, argv: [], warnings: target.warnings };
  const create = helperCreateArgs(name, node.name, target.endpoint, target.driverOpts);
  // A builder of that name with another driver or other nodes: create would refuse or keep the others.
  const fresh = existing && (existing.driver !== 'remote' || more.length > 0 || only?.name !== node.name);
  const argv = fresh ? [['buildx', 'rm', name], create] : [create];
  return { kind: 'ready', name, reuse: false, argv, warnings: target.warnings };
}
