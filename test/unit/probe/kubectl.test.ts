// doctor's look at a kubernetes node through kubectl: what kubectl's JSON and errors mean. The JSON here is
// written to the Kubernetes API shapes (apps/v1 Deployment, v1 PodList); the errors are client-go's words.
import { describe, expect, it } from 'vitest';
import type { Runner } from '../../../src/buildx/run-types.js';
import {
  checkKubernetesNode,
  nodePlatformOf,
  parseDeployment,
  podNodeName,
  podProblems,
} from '../../../src/probe/kubectl.js';
import { fakeRun } from '../../helpers/fake-run.js';

const deployment = (ready: number | undefined, replicas = 1) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'k8m-arm64', namespace: 'buildkit' },
    spec: { replicas, selector: { matchLabels: { app: 'k8m-arm64' } } },
    status: ready === undefined ? { replicas } : { replicas, readyReplicas: ready },
  });
const pods = (status: object) =>
  JSON.stringify({ kind: 'PodList', items: [{ metadata: { name: 'k8m-arm64-5b89445f7c-sjcs7' }, status }] });
const UNSCHEDULABLE = {
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    },
  ],
};
const facts = {
  node: 'k8m-arm64',
  driverOpts: { namespace: 'buildkit', nodeselector: 'kubernetes.io/arch=arm64' },
};

describe('kubectl JSON', () => {
  it('reads wanted and ready replicas and the pod selector', () => {
    expect(parseDeployment(deployment(undefined))).toEqual({
      wanted: 1,
      ready: 0,
      selector: 'app=k8m-arm64',
    });
    expect(parseDeployment(deployment(2, 2))).toMatchObject({ wanted: 2, ready: 2 });
    expect(parseDeployment('not json')).toBeUndefined();
  });

  it('says why pods are not ready: unschedulable, image pull, pending', () => {
    expect(podProblems(pods(UNSCHEDULABLE))).toEqual([
      "k8m-arm64-5b89445f7c-sjcs7 is unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    ]);
    const pull = {
      phase: 'Pending',
      containerStatuses: [
        { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } },
      ],
    };
    expect(podProblems(pods(pull))).toEqual([
      'k8m-arm64-5b89445f7c-sjcs7 is waiting (ImagePullBackOff): Back-off pulling image',
    ]);
    expect(podProblems(pods({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }))).toEqual(
      [],
    );
  });
});

describe("the cluster node's CPU", () => {
  it("reads the node a pod runs on, and that node's os and arch labels", () => {
    const pods = { kind: 'List', items: [{ metadata: { name: 'p' }, spec: { nodeName: 'pool-a-1' } }] };
    expect(podNodeName(JSON.stringify(pods))).toBe('pool-a-1');
    expect(
      podNodeName(JSON.stringify({ kind: 'List', items: [{ metadata: { name: 'p' } }] })),
    ).toBeUndefined();
    const node = {
      kind: 'Node',
      metadata: { labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux' } },
    };
    expect(nodePlatformOf(JSON.stringify(node))).toEqual({
      platforms: ['linux/arm64'],
      source: 'cluster-node',
    });
    expect(nodePlatformOf('{"kind":"Node","metadata":{"labels":{}}}')).toBeUndefined();
    expect(nodePlatformOf('not json')).toBeUndefined();
  });
});

describe('checkKubernetesNode', () => {
  it('a missing namespace is named with its fix', async () => {
    const run = fakeRun([
      [
        ['kubectl', 'get', 'namespace'],
        { exitCode: 1, stderr: 'Error from server (NotFound): namespaces "buildkit" not found\n' },
      ],
    ]);
    expect(await checkKubernetesNode(run, facts, 1000)).toMatchObject({
      ok: false,
      code: 'kube.namespace-missing',
      fix: 'kubectl create namespace buildkit',
    });
  });

  it('pods not ready: the reason from the pods, the fix from the nodeselector', async () => {
    const run = fakeRun([
      [['kubectl', 'get', 'namespace'], { stdout: 'namespace/buildkit\n' }],
      [
        ['kubectl', '-n', 'buildkit', 'get', 'deployment', 'k8m-arm64', '-o', 'json'],
        { stdout: deployment(undefined) },
      ],
      [
        ['kubectl', '-n', 'buildkit', 'get', 'pods', '-l', 'app=k8m-arm64', '-o', 'json'],
        { stdout: pods(UNSCHEDULABLE) },
      ],
    ]);
    const found = await checkKubernetesNode(run, facts, 1000);
    expect(found).toMatchObject({ ok: false, code: 'kube.pods-not-ready' });
    expect(found !== 'missing' && !found.ok && found.detail).toContain('0/1 pods ready');
    expect(found !== 'missing' && !found.ok && found.detail).toContain('unschedulable');
    expect(found !== 'missing' && !found.ok && found.fix).toContain(
      'kubectl get nodes -l kubernetes.io/arch=arm64',
    );
  });

  it('a Deployment not created yet is fine: buildx creates it at bootstrap', async () => {
    const run = fakeRun([
      [['kubectl', 'get', 'namespace'], { stdout: 'namespace/buildkit\n' }],
      [
        ['kubectl', '-n', 'buildkit', 'get', 'deployment'],
        { exitCode: 1, stderr: 'Error from server (NotFound): deployments.apps "k8m-arm64" not found\n' },
      ],
    ]);
    expect(await checkKubernetesNode(run, facts, 1000)).toMatchObject({ ok: true });
  });

  it('an API server that does not answer is named', async () => {
    const run = fakeRun([
      [
        ['kubectl'],
        {
          exitCode: 1,
          stderr:
            'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n',
        },
      ],
    ]);
    expect(await checkKubernetesNode(run, facts, 1000)).toMatchObject({ code: 'kube.cluster-unreachable' });
  });

  it('without kubectl on PATH it says so instead of guessing', async () => {
    const run: Runner = async (file, args) => ({
      file,
      args: [...args],
      command: file,
      exitCode: 127,
      stdout: '',
      stderr: '',
      outcome: { kind: 'missing', tool: file },
      durationMs: 0,
    });
    expect(await checkKubernetesNode(run, facts, 1000)).toBe('missing');
  });
});
