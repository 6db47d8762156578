// The kubernetes driver as the captures show it: endpoints, replica rows, bootstrap errors, options by version.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBootstrapErrors } from '../../../src/buildx/parse/bootstrap-errors.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { readBuilder } from '../../../src/buildx/read.js';
import { collapseReplicas } from '../../../src/buildx/replicas.js';
import { versionOf } from '../../../src/buildx/version.js';
import { verifyBuilder } from '../../../src/core/health.js';
import { planEnsure } from '../../../src/core/plan.js';
import { diagnoseKubernetesError, readKubernetesEndpoint } from '../../../src/drivers/kubernetes.js';
import { withBootstrapErrors } from '../../../src/reconcile/bootstrap-verdicts.js';
import { ensureBuilder } from '../../../src/reconcile/ensure.js';
import { type FakeAnswer, fakeRun, kubeCapture } from '../../helpers/fake-run.js';
import { builderSpec, nodeSpec } from '../core/fixtures.js';

const inspected = (version: '0.13.1' | '0.29.1', name: string) => {
  const parsed = parseInspect(kubeCapture(version, name).stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const KUBECONFIG = '/home/dev/.kube/config';

describe('kubernetes endpoints', () => {
  it('reads builder, deployment and the decoded kubeconfig (capture inspect)', () => {
    const node = inspected('0.29.1', 'inspect').nodes[0]!;
    expect(readKubernetesEndpoint(node.endpoint)).toEqual({
      builder: 'k8s',
      deployment: 'k8s0',
      kubeconfig: KUBECONFIG,
    });
  });

  it('is not one for other schemes, nor without a deployment', () => {
    expect(readKubernetesEndpoint('tcp://127.0.0.1:1234')).toBeUndefined();
    expect(readKubernetesEndpoint('kubernetes:///k8s')).toBeUndefined();
  });
});

describe('replicas', () => {
  it.each(['0.13.1', '0.29.1'] as const)(
    '%s lists a two-replica node twice; mpb reads one running node',
    (version) => {
      const raw = inspected(version, 'inspect-bootstrap-replicas2');
      expect(raw.nodes.map((n) => n.name)).toEqual(['k8r0', 'k8r0']);
      const builder = collapseReplicas(raw);
      expect(builder.nodes.map((n) => [n.name, n.status])).toEqual([['k8r0', 'running']]);
      const spec = builderSpec('k8r', 'kubernetes', [
        nodeSpec({ name: 'k8r0', driverOpts: { replicas: '2', namespace: 'buildkit' } }),
      ]);
      expect(verifyBuilder(spec, builder).state).toBe('healthy');
    },
  );

  it('a replica that is not running speaks for the node', () => {
    const raw = inspected('0.29.1', 'inspect-bootstrap-replicas2');
    const second = { ...raw.nodes[1]!, status: 'inactive' };
    const builder = collapseReplicas({ ...raw, nodes: [raw.nodes[0]!, second] });
    expect(builder.nodes.map((n) => n.status)).toEqual(['inactive']);
  });
});

describe('bootstrap errors', () => {
  it('names the node of each failed vertex (capture inspect-bootstrap-two-nodes)', () => {
    expect(parseBootstrapErrors(kubeCapture('0.29.1', 'inspect-bootstrap-two-nodes').stderr)).toEqual([
      { node: 'k8m-arm64', message: 'expected 1 replicas to be ready, got 0' },
    ]);
  });

  it('leaves a single booting node unnamed (capture inspect-bootstrap-no-namespace)', () => {
    expect(parseBootstrapErrors(kubeCapture('0.29.1', 'inspect-bootstrap-no-namespace').stderr)).toEqual([
      {
        node: undefined,
        message: 'error while calling deploymentClient.Create for "k8n0": namespaces "nope" not found',
      },
    ]);
  });

  it('finds nothing in a bootstrap that worked', () => {
    expect(parseBootstrapErrors(kubeCapture('0.29.1', 'inspect-bootstrap').stderr)).toEqual([]);
  });

  const facts = { node: 'k8m-arm64', driverOpts: { nodeselector: 'kubernetes.io/arch=arm64' } };
  it.each([
    ['0.29.1', 'inspect-bootstrap-no-namespace', 'kube.namespace-missing', 'kubectl create namespace nope'],
    [
      '0.29.1',
      'inspect-bootstrap-two-nodes',
      'kube.pods-not-ready',
      'kubectl get nodes -l kubernetes.io/arch=arm64',
    ],
    ['0.29.1', 'create-no-kubeconfig', 'kube.kubeconfig-unreadable', 'KUBECONFIG'],
    ['0.13.1', 'create-no-kubeconfig', 'kube.kubeconfig-unreadable', 'KUBECONFIG'],
  ] as const)('%s %s → %s', (version, name, code, fix) => {
    const found = diagnoseKubernetesError(kubeCapture(version, name).stderr, facts);
    expect(found?.code).toBe(code);
    expect(found?.fix).toContain(fix);
  });

  it('knows no cause in an error it has not seen', () => {
    expect(diagnoseKubernetesError('something else broke', facts)).toBeUndefined();
  });

  it('the two-node builder: amd64 healthy, arm64 named unschedulable, not just "stopped"', () => {
    const spec = builderSpec('k8m', 'kubernetes', [
      nodeSpec({
        name: 'k8m-amd64',
        platforms: ['linux/amd64'],
        driverOpts: { namespace: 'buildkit', nodeselector: 'kubernetes.io/arch=amd64' },
      }),
      nodeSpec({
        name: 'k8m-arm64',
        platforms: ['linux/arm64'],
        driverOpts: { namespace: 'buildkit', nodeselector: 'kubernetes.io/arch=arm64' },
      }),
    ]);
    const errors = parseBootstrapErrors(kubeCapture('0.29.1', 'inspect-bootstrap-two-nodes').stderr);
    const report = withBootstrapErrors(
      verifyBuilder(spec, inspected('0.29.1', 'inspect-two-nodes')),
      spec,
      errors,
    );
    expect(report.nodes.map((n) => n.verdict.code)).toEqual(['ok', 'kube.pods-not-ready']);
    expect(report.nodes[1]!.verdict).toMatchObject({
      why: expect.stringContaining('nodeselector kubernetes.io/arch=arm64'),
    });
  });
});

describe('driver options by buildx version', () => {
  const spec = builderSpec('k8m', 'kubernetes', [
    nodeSpec({ name: 'k8m-amd64', driverOpts: { namespace: 'buildkit', timeout: '25s' } }),
  ]);

  it('0.13.1 refuses timeout before buildx runs, naming 0.15 (capture create-two-nodes fails in buildx)', () => {
    expect(kubeCapture('0.13.1', 'create-two-nodes').stderr).toContain('invalid driver option timeout');
    const plan = planEnsure(spec, undefined, { version: versionOf('0.13.1'), prune: false, recreate: false });
    expect(plan.actions).toEqual([]);
    expect(plan.blocked?.reason).toContain('driverOpts.timeout (node "k8m-amd64")');
    expect(plan.blocked?.reason).toContain('from buildx 0.15');
    expect(plan.blocked?.hint).toContain('Upgrade buildx to 0.15');
  });

  it('0.29.1 takes timeout (capture create-two-nodes: exit 0)', () => {
    const plan = planEnsure(spec, undefined, { version: versionOf('0.29.1'), prune: false, recreate: false });
    expect(plan.blocked).toBeUndefined();
    expect(plan.actions.map((a) => a.kind)).toEqual(['create']);
  });

  it('a key no buildx takes is refused with the keys it does take', () => {
    const typo = builderSpec('k', 'kubernetes', [nodeSpec({ name: 'k0', driverOpts: { namespaces: 'x' } })]);
    const plan = planEnsure(typo, undefined, { version: versionOf('0.29.1'), prune: false, recreate: false });
    expect(plan.blocked?.hint).toContain('nodeselector');
  });
});

/** A runner for one builder whose `inspect` answers change as calls go: each row answers once, the last forever. */
function sequence(answers: FakeAnswer[]) {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)]!;
}
const lock = () => ({ dir: mkdtempSync(join(tmpdir(), 'mpb-kube-')), waitMs: 1000, staleMs: 60_000 });
const noKubectl: FakeAnswer = { exitCode: 127 };

describe('ensure on kubernetes', () => {
  const ensure = (
    spec: ReturnType<typeof builderSpec>,
    run: ReturnType<typeof fakeRun>,
    version = '0.29.1',
  ) =>
    ensureBuilder(
      { spec, dryRun: false, prune: false, recreate: false, allowDegraded: false, bootstrapTimeoutMs: 5000 },
      {
        run,
        version: Promise.resolve(versionOf(version)),
        probe: async () => [],
        lock: lock(),
        onProgress: () => {},
        step: (_label, work) => work(),
      },
    ).then((ensured) => ensured.report);

  it('a missing namespace is the verdict, with the kubectl to run (captures *-no-namespace)', async () => {
    const spec = builderSpec('k8n', 'kubernetes', [
      nodeSpec({
        name: 'k8n0',
        driverOpts: { namespace: 'nope', image: 'moby/buildkit:buildx-stable-1', timeout: '20s' },
      }),
    ]);
    const run = fakeRun([
      [
        ['docker', 'buildx', 'inspect', '--bootstrap'],
        kubeCapture('0.29.1', 'inspect-bootstrap-no-namespace'),
      ],
      [['docker', 'buildx', 'inspect'], kubeCapture('0.29.1', 'inspect-no-namespace')],
      [['kubectl'], noKubectl],
    ]);
    const report = await ensure(spec, run);
    expect(report.outcome).toBe('unhealthy');
    expect(report.health?.nodes[0]?.verdict).toMatchObject({
      code: 'kube.namespace-missing',
      fix: 'kubectl create namespace nope',
    });
  });

  it('reads once more after a bootstrap that shows a node not running (docker/buildx#1935)', async () => {
    const spec = builderSpec('k8s', 'kubernetes', [
      nodeSpec({
        name: 'k8s0',
        platforms: ['linux/amd64', 'linux/arm64'],
        driverOpts: { namespace: 'buildkit', image: 'moby/buildkit:buildx-stable-1', replicas: '1' },
      }),
    ]);
    const stale = kubeCapture('0.29.1', 'inspect-before-bootstrap');
    const run = fakeRun([
      [['docker', 'buildx', 'inspect'], sequence([stale, stale, kubeCapture('0.29.1', 'inspect')])],
    ]);
    const report = await ensure(spec, run);
    expect(run.calls.filter((c) => c.includes('inspect'))).toHaveLength(3);
    expect(report.health?.state).toBe('healthy');
  });

  it('readBuilder gives one node for a two-replica builder', async () => {
    const run = fakeRun([
      [['docker', 'buildx', 'inspect'], kubeCapture('0.29.1', 'inspect-after-bootstrap-replicas2')],
    ]);
    const builder = await readBuilder(run, versionOf('0.29.1'), 'k8r');
    expect(builder?.nodes.map((n) => n.name)).toEqual(['k8r0']);
  });
});
