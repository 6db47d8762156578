// A kubernetes node, looked at through kubectl: the kubeconfig resolves and the API server answers, the
// namespace exists, the node's Deployment and its pods are ready, and what CPU the cluster node under them is.
// The reading of kubectl's JSON is pure.
import type { Runner } from '../buildx/run-types.js';
import { diagnoseKubernetesError } from '../drivers/kubernetes.js';
import type { NodeFacts } from '../drivers/types.js';
import { explainingLine } from '../tool-noise.js';
import { nativeOfDockerHost } from './native.js';
import type { NativeTruth, StepOutcome } from './types.js';

/** What `kubectl get deployment NODE -o json` says about readiness (apps/v1 Deployment). */
export interface DeploymentFacts {
  wanted: number;
  ready: number;
  /** `-l` selector of its pods, from spec.selector.matchLabels. */
  selector: string | undefined;
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const count = (v: unknown): number => (typeof v === 'number' ? v : 0);
/** kubectl's JSON, or undefined when the text is none. */
const parsed = (json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
};

/** Reads a Deployment; undefined when the text is not one. */
export function parseDeployment(json: string): DeploymentFacts | undefined {
  const d = record(parsed(json));
  if (d.kind !== 'Deployment') return undefined;
  const spec = record(d.spec);
  const labels = Object.entries(record(record(spec.selector).matchLabels));
  return {
    wanted: typeof spec.replicas === 'number' ? spec.replicas : 1,
    ready: count(record(d.status).readyReplicas),
    selector: labels.length > 0 ? labels.map(([k, v]) => `${k}=${String(v)}`).join(',') : undefined,
  };
}

/** The cluster node a running pod of a `kubectl get pods -o json` list is scheduled on. */
export function podNodeName(json: string): string | undefined {
  const items = record(parsed(json)).items;
  if (!Array.isArray(items)) return undefined;
  const name = items.map((i) => record(record(i).spec).nodeName).find((n) => typeof n === 'string');
  return name as string | undefined;
}

/** A cluster node's `kubernetes.io/os` and `kubernetes.io/arch` labels (`kubectl get node NAME -o json`). */
export function nodePlatformOf(json: string): NativeTruth | undefined {
  const labels = record(record(record(parsed(json)).metadata).labels);
  const [os, arch] = [labels['kubernetes.io/os'], labels['kubernetes.io/arch']];
  if (typeof arch !== 'string') return undefined;
  const truth = nativeOfDockerHost(typeof os === 'string' ? os : 'linux', arch);
  return truth && { ...truth, source: 'cluster-node' };
}

/** Why pods of a `kubectl get pods -o json` list are not ready: unschedulable, image pull, crash, or pending. */
export function podProblems(json: string): string[] {
  const items = record(parsed(json)).items;
  if (!Array.isArray(items)) return [];
  return items.flatMap((item) => {
    const pod = record(item);
    const name = String(record(pod.metadata).name ?? 'pod');
    const status = record(pod.status);
    const conditions = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
    const unscheduled = conditions.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (unscheduled)
      return [`${name} is unschedulable: ${String(unscheduled.message ?? unscheduled.reason)}`];
    const containers = Array.isArray(status.containerStatuses) ? status.containerStatuses.map(record) : [];
    const waiting = containers.map((c) => record(record(c.state).waiting)).find((w) => w.reason);
    if (waiting) {
      const message = waiting.message ? `: ${String(waiting.message)}` : '';
      return [`${name} is waiting (${String(waiting.reason)})${message}`];
    }
    return conditions.some((c) => c.type === 'Ready' && c.status === 'True')
      ? []
      : [`${name} is ${String(status.phase ?? 'not ready')}`];
  });
}

function failed(facts: NodeFacts, stderr: string, fallbackFix: string): StepOutcome {
  // klog's retries (a dozen lines per call) say nothing the last line does not: --verbose shows them.
  const found = diagnoseKubernetesError(stderr, facts);
  if (found) return { ok: false, reason: 'kubernetes', code: found.code, detail: found.why, fix: found.fix };
  return {
    ok: false,
    reason: 'kubernetes',
    code: 'kube.cluster-unreachable',
    detail: explainingLine(stderr) || 'kubectl failed',
    fix: fallbackFix,
  };
}

/** What the cluster node under the BuildKit pods runs (its `kubernetes.io/arch` label); undefined if unknown. */
async function clusterNodeOf(
  run: Runner,
  scope: readonly string[],
  selector: string,
  opts: { timeoutMs: number },
): Promise<NativeTruth | undefined> {
  const pods = await run('kubectl', [...scope, 'get', 'pods', '-l', selector, '-o', 'json'], opts);
  const name = pods.outcome.kind === 'ok' ? podNodeName(pods.stdout) : undefined;
  if (name === undefined) return undefined;
  const node = await run('kubectl', ['get', 'node', name, '-o', 'json'], opts);
  return node.outcome.kind === 'ok' ? nodePlatformOf(node.stdout) : undefined;
}

/**
 * Checks one kubernetes node with kubectl (argv via the one runner). `missing` when kubectl is not on PATH, so
 * the caller can say what was not checked; otherwise what was found, down with the named cause.
 */
export async function checkKubernetesNode(
  run: Runner,
  facts: NodeFacts,
  timeoutMs: number,
): Promise<StepOutcome | 'missing'> {
  const ns = facts.driverOpts.namespace;
  const scope = ns ? ['-n', ns] : [];
  const opts = { timeoutMs };
  const checks: string[] = [];
  if (ns) {
    const r = await run('kubectl', ['get', 'namespace', ns, '-o', 'name'], opts);
    if (r.outcome.kind === 'missing') return 'missing';
    if (r.outcome.kind !== 'ok') return failed(facts, r.stderr, 'check the cluster: kubectl cluster-info');
    checks.push(`namespace ${ns} exists`);
  }
  const d = await run('kubectl', [...scope, 'get', 'deployment', facts.node, '-o', 'json'], opts);
  if (d.outcome.kind === 'missing') return 'missing';
  if (d.outcome.kind !== 'ok') {
    // No Deployment yet is fine: buildx creates it at the first bootstrap (capture kubernetes/inspect-deleted).
    if (/NotFound|not found/.test(d.stderr) && !/namespaces "/.test(d.stderr))
      return {
        ok: true,
        check: [...checks, `deployment ${facts.node} not created yet (buildx starts it on demand)`].join(
          '; ',
        ),
      };
    return failed(facts, d.stderr, 'check the cluster: kubectl cluster-info');
  }
  const deployment = parseDeployment(d.stdout);
  if (!deployment) return { ok: true, check: [...checks, `deployment ${facts.node} exists`].join('; ') };
  if (deployment.ready >= deployment.wanted) {
    const native = deployment.selector
      ? await clusterNodeOf(run, scope, deployment.selector, opts)
      : undefined;
    return {
      ok: true,
      check: [
        ...checks,
        `deployment ${facts.node}: ${deployment.ready}/${deployment.wanted} pods ready${native ? ` on a ${native.platforms[0]} cluster node` : ''}`,
      ].join('; '),
      ...(native ? { native } : {}),
    };
  }
  const p = deployment.selector
    ? await run('kubectl', [...scope, 'get', 'pods', '-l', deployment.selector, '-o', 'json'], opts)
    : undefined;
  const problems = p?.outcome.kind === 'ok' ? podProblems(p.stdout) : [];
  const selector = facts.driverOpts.nodeselector;
  return {
    ok: false,
    reason: 'kubernetes',
    code: 'kube.pods-not-ready',
    detail: `deployment ${facts.node}: ${deployment.ready}/${deployment.wanted} pods ready${problems.length > 0 ? `; ${problems.join('; ')}` : ''}`,
    fix: selector
      ? `make a cluster node match nodeselector ${selector} (kubectl get nodes -l ${selector}), or change the nodeselector`
      : `see why: kubectl ${ns ? `-n ${ns} ` : ''}describe deployment ${facts.node}`,
  };
}
