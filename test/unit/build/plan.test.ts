// planBuild: the whole decision of a build as data, from builders read out of real `inspect` captures.
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../../src/build/plan.js';
import { type BuildRequest, readRequest } from '../../../src/build/request.js';
import type { BuildTarget } from '../../../src/build/target.js';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { BuilderSpec } from '../../../src/config/types.js';
import { routingNodesOf } from '../../../src/core/routing.js';
import { builderFromCapture, FLEET } from '../core/fixtures.js';
import { handMade } from '../core/split-fixtures.js';

const V29 = versionOf('0.29.1');
const BOTH = ['linux/amd64', 'linux/arm64'];
const TAG = 'localhost:5000/app:1';

function targetOf(
  spec: BuilderSpec | undefined,
  actual: BuildxBuilder,
  name = spec?.name ?? actual.name,
): BuildTarget {
  return {
    name,
    from: 'flag',
    spec,
    configFile: spec ? '/work/builders.yaml' : undefined,
    version: V29,
    driver: actual.driver,
    platforms: BOTH,
    shownPlatforms: BOTH,
    nodes: routingNodesOf(spec, actual),
    ensure: undefined,
    preflight: undefined,
    probeNodes: [],
  };
}

const request = (flags: Parameters<typeof readRequest>[2], extra: string[] = []): BuildRequest =>
  readRequest('app', extra, { platform: BOTH, ...flags });

const fleet = () => targetOf(FLEET, builderFromCapture('0.29.1', 'inspect'));

describe('planBuild', () => {
  it('single: one job buildx routes over the builder, every routed node watched', () => {
    const plan = planBuild(fleet(), request({ tag: [TAG] }, ['--attest', 'type=sbom']));
    expect(plan).toMatchObject({ strategy: 'single', merge: undefined, refusal: undefined, tags: [TAG] });
    expect(plan.routes.map((r) => [r.platform, r.node, r.verdict])).toEqual([
      ['linux/amd64', 'linux-amd64', 'native'],
      ['linux/arm64', 'linux-arm64', 'native'],
    ]);
    expect(plan.jobs).toEqual([
      expect.objectContaining({
        node: undefined,
        platforms: BOTH,
        builder: 'builder',
        helper: false,
        argv: [
          'buildx',
          'build',
          '--builder',
          'builder',
          '--platform',
          'linux/amd64,linux/arm64',
          '--tag',
          TAG,
          '--attest',
          'type=sbom',
          'app',
        ],
        watch: { 'linux-amd64': ['linux/amd64'], 'linux-arm64': ['linux/arm64'] },
        cacheRefs: [],
      }),
    ]);
  });

  it('split: one job per node, pushed by digest and untagged, its cache refs, then one merge', () => {
    const plan = planBuild(
      fleet(),
      request({ tag: [TAG], push: true, strategy: 'split', cacheRef: 'localhost:5000/app/cache' }),
    );
    expect(plan).toMatchObject({ strategy: 'split', reason: '--strategy split', refusal: undefined });
    expect(plan.merge).toEqual({ tags: [TAG], repo: 'localhost:5000/app', metadataFile: undefined });
    expect(plan.jobs.map((j) => [j.node, j.platforms, j.builder, j.helper, j.watch, j.cacheRefs])).toEqual([
      [
        'linux-amd64',
        ['linux/amd64'],
        'builder',
        false,
        { 'linux-amd64': ['linux/amd64'] },
        ['localhost:5000/app/cache:linux-amd64'],
      ],
      [
        'linux-arm64',
        ['linux/arm64'],
        'builder',
        false,
        { 'linux-arm64': ['linux/arm64'] },
        ['localhost:5000/app/cache:linux-arm64'],
      ],
    ]);
    const [amd64] = plan.jobs;
    expect(amd64!.argv).toEqual([
      'buildx',
      'build',
      '--builder',
      'builder',
      '--platform',
      'linux/amd64',
      '--output',
      'type=image,name=localhost:5000/app,push-by-digest=true,name-canonical=true,push=true',
      '--cache-from',
      'type=registry,ref=localhost:5000/app/cache:linux-amd64',
      '--cache-to',
      'type=registry,ref=localhost:5000/app/cache:linux-amd64,mode=max',
      'app',
    ]);
  });

  it('auto on a hand-made builder: split; a node that pins its platform builds on the builder, one that does not on its helper', () => {
    const plan = planBuild(targetOf(undefined, handMade(), 'hand'), request({ tag: [TAG], push: true }));
    expect(plan.strategy).toBe('split');
    expect(plan.reason).toContain('single would emulate linux/arm64');
    expect(plan.jobs.map((j) => [j.node, j.builder, j.helper])).toEqual([
      ['native-amd64', 'hand', false],
      ['qemu0', 'mpb-via-hand-qemu0', true],
    ]);
  });

  it('refuses what cannot run, as data: split without --push', () => {
    const plan = planBuild(fleet(), request({ tag: [TAG], strategy: 'split' }));
    expect(plan.refusal).toMatchObject({ kind: 'split-needs-push' });
    expect(plan.jobs).toHaveLength(1);
  });

  describe('a node that is down, under --allow-degraded', () => {
    const down = (platforms: string[]) => {
      const actual = builderFromCapture('0.29.1', 'inspect');
      const dead: BuildxBuilder = {
        ...actual,
        nodes: actual.nodes.map((n) => (n.name === 'linux-arm64' ? { ...n, status: 'inactive' } : n)),
      };
      return { ...targetOf(FLEET, dead), platforms, shownPlatforms: platforms };
    };
    it.each(['single', 'split'] as const)(
      '%s: a platform whose only node is down is refused, never sent to it, and --allow-degraded not suggested',
      (strategy) => {
        const plan = planBuild(
          down(BOTH),
          request({ tag: [TAG], push: true, strategy, allowDegraded: true }),
        );
        expect(plan.refusal).toMatchObject({
          kind: 'node-down',
          message: expect.stringContaining('node "linux-arm64" is down, and linux/arm64 is built there'),
          hint: expect.stringContaining('--platform linux/amd64'),
        });
        expect(plan.refusal?.hint).not.toMatch(/pass --allow-degraded|--allow-degraded builds/);
      },
    );
    it('a platform pinned on no node: single would boot the down node too, so it is refused; split is not', () => {
      const platforms = ['linux/amd64', 'linux/386'];
      const flags = { platform: platforms, tag: [TAG], push: true, allowDegraded: true };
      const single = planBuild(down(platforms), readRequest('app', [], { ...flags, strategy: 'single' }));
      expect(single.routes.every((r) => !r.nodeDown)).toBe(true);
      expect(single.refusal).toMatchObject({
        kind: 'node-down',
        message:
          'a requested platform is pinned on no node, so buildx starts every node for this build, and node "linux-arm64" is down: buildx would wait on it, then fail',
        hint: expect.stringContaining('use --strategy split'),
      });
      const split = planBuild(down(platforms), readRequest('app', [], { ...flags, strategy: 'split' }));
      expect(split.refusal).toBeUndefined();
      expect(split.jobs.map((j) => [j.node, j.platforms])).toEqual([['linux-amd64', platforms]]);
    });
    it('the platforms asked for all on nodes that are up: it builds, and watches none that is down', () => {
      const plan = planBuild(
        down(['linux/amd64']),
        readRequest('app', [], { platform: ['linux/amd64'], tag: [TAG], push: true, allowDegraded: true }),
      );
      expect(plan.refusal).toBeUndefined();
      expect(plan.routes.map((r) => [r.platform, r.node, r.nodeDown])).toEqual([
        ['linux/amd64', 'linux-amd64', false],
      ]);
      expect(plan.jobs.map((j) => j.watch)).toEqual([{ 'linux-amd64': ['linux/amd64'] }]);
    });
  });

  describe('a build that exports nothing', () => {
    const CACHE_ONLY_START = 'no --push, --load or --output: the result stays in the build cache only';
    it.each<[string, Parameters<typeof request>[0], string[], boolean]>([
      ['no --push, --load or --output', { tag: [TAG] }, [], true],
      ['--push', { tag: [TAG], push: true }, [], false],
      ['--load', { load: true }, [], false],
      ['--output', { output: ['type=local,dest=out'] }, [], false],
      ['--output after --', {}, ['--output', 'type=local,dest=out'], false],
      ['-o after --', {}, ['-otype=oci,dest=out.tar'], false],
      ['--push=true after --', { tag: [TAG] }, ['--push=true'], false],
      ['--call check: it evaluates, nothing to export', { call: 'check' }, [], false],
      ['--check', { check: true }, [], false],
      ['a --cache-to type= is no exporter', {}, ['--cache-to', 'type=inline'], true],
    ])('%s', (_name, flags, extra, cacheOnly) => {
      const plan = planBuild(fleet(), request(flags, extra));
      expect(plan.cacheOnly).toBe(cacheOnly);
      expect(plan.warnings.some((w) => w.startsWith(CACHE_ONLY_START))).toBe(cacheOnly);
    });
    it('the docker driver loads into the local Docker without --load', () => {
      const plan = planBuild(
        { ...fleet(), driver: 'docker' },
        readRequest('app', [], { platform: ['linux/amd64'] }),
      );
      expect(plan.cacheOnly).toBe(false);
    });
    it('the dry run says so after the command', async () => {
      const { renderDryRun } = await import('../../../src/build/render.js');
      const lines = renderDryRun(planBuild(fleet(), request({ tag: [TAG] })), undefined);
      expect(lines.at(-1)).toBe(
        '# exports nothing: the result would stay in the build cache only (add --push with -t, --load, or -o type=…)',
      );
      expect(renderDryRun(planBuild(fleet(), request({ tag: [TAG], push: true })), undefined)).toHaveLength(
        1,
      );
    });
  });
});
