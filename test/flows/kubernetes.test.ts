// The kubernetes driver end to end on the fake buildx and fake kubectl (test/fake-buildx, modelled on the
// captures in test/fixtures/captures/kubernetes): every verdict names the cause and its fix.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowWorld } from '../helpers/flow-world.js';

interface KubeNode {
  name: string;
  platforms: string[];
  driverOpts: Record<string, string>;
}

async function setup(version: '0.13.1' | '0.29.1', nodes: KubeNode[], cluster: Record<string, unknown> = {}) {
  const yamlNodes = nodes
    .map(
      (n) =>
        `      - name: ${n.name}\n        platforms: [${n.platforms.join(', ')}]\n        driverOpts:\n${Object.entries(
          n.driverOpts,
        )
          .map(([k, v]) => `          ${k}: "${v}"`)
          .join('\n')}`,
    )
    .join('\n');
  const config = `version: 1\nbuilders:\n  k8s:\n    driver: kubernetes\n    nodes:\n${yamlNodes}\n`;
  const w = await flowWorld({ version, kubectl: true, downDelayMs: 50, config });
  const kubeconfig = join(w.dir, 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  w.fake.setState((s) => {
    s.cluster = cluster;
  });
  w.env['KUBECONFIG'] = kubeconfig;
  return w;
}

const IMAGE = 'moby/buildkit:buildx-stable-1';
const node = (name: string, platforms: string[], driverOpts: Record<string, string>): KubeNode => ({
  name,
  platforms,
  driverOpts: { image: IMAGE, namespace: 'buildkit', ...driverOpts },
});

describe('kubernetes builders', () => {
  it('a missing namespace is named with its fix, not "inactive" (ensure and doctor)', async () => {
    const { mpb } = await setup('0.29.1', [node('k8n0', ['linux/amd64'], { namespace: 'nope' })]);
    const ensured = await mpb(['ensure-builder', '--json']);
    expect(ensured.exitCode).toBe(3);
    const verdict = JSON.parse(ensured.stdout).builders[0].health.nodes[0].verdict;
    expect(verdict).toMatchObject({ code: 'kube.namespace-missing', fix: 'kubectl create namespace nope' });
    const doctor = await mpb(['doctor', '--json']);
    expect(doctor.exitCode).toBe(3);
    const check = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'node:k8s/k8n0');
    expect(check).toMatchObject({ ok: false, code: 'kube.namespace-missing' });
    expect(check.title).not.toContain('local Docker');
  });

  it('an unschedulable pool is named with its nodeselector (bootstrap error, then doctor through kubectl)', async () => {
    const { mpb } = await setup('0.29.1', [
      node('k8m-amd64', ['linux/amd64'], { nodeselector: 'kubernetes.io/arch=amd64' }),
      node('k8m-arm64', ['linux/arm64'], { nodeselector: 'kubernetes.io/arch=arm64' }),
    ]);
    const ensured = await mpb(['ensure-builder', '--json']);
    expect(ensured.exitCode).toBe(3);
    const nodes = JSON.parse(ensured.stdout).builders[0].health.nodes;
    expect(nodes.map((n: { verdict: { code: string } }) => n.verdict.code)).toEqual([
      'ok',
      'kube.pods-not-ready',
    ]);
    expect(nodes[1].verdict.why).toContain('nodeselector kubernetes.io/arch=arm64');
    const doctor = await mpb(['doctor', '--json']);
    const check = JSON.parse(doctor.stdout).checks.find((c: { id: string }) => c.id === 'node:k8s/k8m-arm64');
    expect(check).toMatchObject({ ok: false, code: 'kube.pods-not-ready' });
    expect(check.detail).toContain('unschedulable');
  });

  it.each(['0.13.1', '0.29.1'] as const)('a two-replica builder is healthy on %s', async (version) => {
    const { mpb } = await setup(version, [node('k8r0', ['linux/amd64'], { replicas: '2' })]);
    const ensured = await mpb(['ensure-builder', '--json']);
    expect(ensured.exitCode).toBe(0);
    const report = JSON.parse(ensured.stdout).builders[0];
    expect(report.health.state).toBe('healthy');
    expect(report.health.nodes).toHaveLength(1);
    expect((await mpb(['doctor'])).exitCode).toBe(0);
  });

  it('a stale `inactive` right after a bootstrap is read again, not judged (docker/buildx#1935)', async () => {
    const { mpb, buildxCalls } = await setup('0.29.1', [node('k8s0', ['linux/amd64'], {})], {
      staleAfterBoot: true,
    });
    const ensured = await mpb(['ensure-builder', '--json']);
    expect(ensured.exitCode).toBe(0);
    expect(JSON.parse(ensured.stdout).builders[0].health.state).toBe('healthy');
    const inspects = buildxCalls('inspect');
    expect(inspects.at(-2)).toContain('--bootstrap');
    expect(inspects.at(-1)).not.toContain('--bootstrap');
  });

  it("native is the cluster node's word: a node declared arm64 whose pods run on an amd64 node is warned", async () => {
    const { mpb } = await setup('0.29.1', [node('k8s0', ['linux/arm64'], {})]);
    expect((await mpb(['ensure-builder'])).exitCode).toBe(0);
    const doctor = JSON.parse((await mpb(['--json', 'doctor'])).stdout);
    const emulated = doctor.checks.find((c: { code: string }) => c.code === 'platform.emulated');
    expect(emulated).toMatchObject({ ok: true, warning: true });
    expect(emulated.detail).toContain(
      'node "k8s0" declares linux/arm64 native, but it runs linux/amd64 (the cluster node its pods run on)',
    );
    const ensured = JSON.parse((await mpb(['--json', 'ensure-builder'])).stdout);
    expect(ensured.builders[0].health.nodes[0]).toMatchObject({
      nativeSource: 'cluster-node',
      emulated: expect.arrayContaining(['linux/arm64']),
    });
    expect(ensured.builders[0].health.nodes[0].native).toContain('linux/amd64');
  });

  it('`timeout` on buildx 0.13.1 is refused before buildx runs, naming 0.15', async () => {
    const { mpb, buildxCalls } = await setup('0.13.1', [
      node('k8m-amd64', ['linux/amd64'], { timeout: '25s' }),
    ]);
    const ensured = await mpb(['ensure-builder']);
    expect(ensured.exitCode).toBe(2);
    expect(ensured.stderr).toContain('driverOpts.timeout');
    expect(ensured.stderr).toContain('0.15');
    expect(buildxCalls('create')).toEqual([]);
  });
});
