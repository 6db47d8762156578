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
});
