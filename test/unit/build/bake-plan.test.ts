// planBake: a real `bake --print` (captures in test/fixtures/bake) on a fleet of two amd64 nodes and one arm64.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planBake, selectedTargets } from '../../../src/build/bake-plan.js';
import { readBakeRequest } from '../../../src/build/bake-request.js';
import type { BuildTarget } from '../../../src/build/target.js';
import { parseBakePrint } from '../../../src/buildx/parse/bake-print.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { RoutingNode } from '../../../src/core/routing.js';

const AMD = 'linux/amd64';
const ARM = 'linux/arm64';
const print = (version: string, name: string) => {
  const text = readFileSync(
    new URL(`../../fixtures/bake/v${version}/${name}.stdout`, import.meta.url),
    'utf8',
  );
  const parsed = parseBakePrint(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const node = (name: string, platform: string, extra: Partial<RoutingNode> = {}): RoutingNode => ({
  name,
  status: 'running',
  listed: [{ platform, pinned: true }],
  declared: { platforms: [platform], emulate: [] },
  native: { platforms: [platform], source: 'worker' },
  ...extra,
});
const target = (nodes: RoutingNode[]): BuildTarget => ({
  name: 'fleet',
  from: 'flag',
  spec: undefined,
  configFile: undefined,
  version: versionOf('0.29.1'),
  driver: 'remote',
  platforms: [AMD, ARM],
  shownPlatforms: [AMD, ARM],
  nodes,
  ensure: undefined,
  preflight: undefined,
  probeNodes: [],
});
const FLEET = [node('amd-1', AMD), node('amd-2', AMD), node('arm-1', ARM)];
const push = (extra: Parameters<typeof readBakeRequest>[1] = {}) =>
  readBakeRequest([], { file: ['docker-bake.hcl'], push: true, ...extra });

describe.each(['0.13.1', '0.29.1'])('planBake on buildx %s captures', (version) => {
  const def = print(version, 'print-hcl');

  it('selects the default group, in any order buildx prints it', () => {
    expect(new Set(selectedTargets(def))).toEqual(new Set(['base', 'app', 'api', 'worker']));
  });

  it('--push: one job per target × platform, each on a native node, both amd64 nodes used', () => {
    const plan = planBake(def, target(FLEET), push(), new Map());
    expect(plan).toMatchObject({ mode: 'fleet', refusal: undefined });
    expect(plan.jobs).toHaveLength(8);
    for (const j of plan.jobs)
      expect(j.node).toBe(j.platform === AMD ? j.node.startsWith('amd') && j.node : 'arm-1');
    expect(new Set(plan.jobs.filter((j) => j.platform === AMD).map((j) => j.node))).toEqual(
      new Set(['amd-1', 'amd-2']),
    );
    expect(plan.jobs.every((j) => j.verdict === 'native')).toBe(true);
  });

  it('a linked target follows its base and goes to the same node', () => {
    const plan = planBake(def, target(FLEET), push(), new Map());
    const order = plan.jobs.map((j) => j.target);
    expect(order.indexOf('base')).toBeLessThan(order.indexOf('app'));
    for (const p of [AMD, ARM]) {
      const on = (t: string) => plan.jobs.find((j) => j.target === t && j.platform === p)?.node;
      expect(on('app')).toBe(on('base'));
    }
  });

  it("each job's argv: one platform (its base's too), untagged, pushed by digest, its own cache", () => {
    const plan = planBake(def, target(FLEET), push({ cacheRef: 'localhost:5000/cache' }), new Map());
    const app = plan.jobs.find((j) => j.target === 'app' && j.platform === ARM)!;
    expect(app.builder).toBe('fleet');
    expect(app.argv).toEqual([
      'buildx',
      'bake',
      '--builder',
      'fleet',
      '--file',
      'docker-bake.hcl',
      '--set',
      'app.platform=linux/arm64',
      '--set',
      'base.platform=linux/arm64',
      '--set',
      'app.tags=',
      '--set',
      'app.output=type=image,name=localhost:5000/bake/app,push-by-digest=true,name-canonical=true,push=true',
      '--set',
      'app.cache-from=type=registry,ref=localhost:5000/bake/cache:app',
      '--set',
      'app.cache-from=type=registry,ref=localhost:5000/cache:app-linux-arm64',
      '--set',
      'app.cache-to=type=inline',
      '--set',
      'app.cache-to=type=registry,ref=localhost:5000/cache:app-linux-arm64,mode=max',
      'app',
    ]);
    expect(app.cacheRefs).toEqual(['localhost:5000/cache:app-linux-arm64']);
  });

  it('a job on a node buildx would not send its platform to runs on that node’s helper builder', () => {
    const plan = planBake(def, target(FLEET), push(), new Map());
    const onSecond = plan.jobs.filter((j) => j.node === 'amd-2');
    expect(onSecond.length).toBeGreaterThan(0);
    for (const j of onSecond) expect(j).toMatchObject({ builder: 'mpb-via-fleet-amd-2', helper: true });
    for (const j of plan.jobs.filter((x) => x.node !== 'amd-2')) expect(j.helper).toBe(false);
  });

  it('a node its daemon reports busy gets fewer jobs', () => {
    const on = (busy: Map<string, number>, n: string) =>
      planBake(def, target(FLEET), push(), busy).jobs.filter((j) => j.node === n).length;
    expect(on(new Map(), 'amd-1') + on(new Map(), 'amd-2')).toBe(4);
    expect(on(new Map([['amd-1', 3]]), 'amd-1')).toBeLessThan(on(new Map([['amd-1', 3]]), 'amd-2'));
    expect(on(new Map([['amd-2', 3]]), 'amd-2')).toBeLessThan(on(new Map([['amd-2', 3]]), 'amd-1'));
  });

  it('a down amd64 node leaves its share to the other, and says so', () => {
    const nodes = [node('amd-1', AMD, { status: 'error' }), node('amd-2', AMD), node('arm-1', ARM)];
    const plan = planBake(def, target(nodes), push(), new Map());
    expect(plan.jobs.filter((j) => j.platform === AMD).every((j) => j.node === 'amd-2')).toBe(true);
    expect(plan.warnings).toContain('amd-1 down: linux/amd64 builds on amd-2');
  });

  it('the only arm64 node down: refused (exit 3), never emulated on an amd64 node', () => {
    const emulating = { declared: { platforms: [AMD], emulate: [ARM] } };
    const nodes = [node('amd-1', AMD, emulating), node('arm-1', ARM, { status: 'error' })];
    const plan = planBake(def, target(nodes), push(), new Map());
    expect(plan.refusal).toMatchObject({ kind: 'unhealthy', message: expect.stringContaining(ARM) });
    const allowed = planBake(def, target(nodes), push({ allowEmulation: true }), new Map());
    expect(allowed.refusal).toBeUndefined();
    expect(allowed.jobs.filter((j) => j.platform === ARM).every((j) => j.node === 'amd-1')).toBe(true);
  });

  it('without --push, a target that exports nothing: one bake on the builder', () => {
    const plan = planBake(def, target(FLEET), readBakeRequest([], { file: ['docker-bake.hcl'] }), new Map());
    expect(plan).toMatchObject({ mode: 'bake', jobs: [], reason: expect.stringContaining('no --push') });
    expect(plan.command).toEqual(['buildx', 'bake', '--builder', 'fleet', '--file', 'docker-bake.hcl']);
    expect(plan.routes.map((r) => [r.platform, r.node])).toEqual([
      [AMD, 'amd-1'],
      [ARM, 'arm-1'],
    ]);
  });
});

describe('planBake refusals', () => {
  it('a target without tags cannot be merged: usage', () => {
    const def = print('0.29.1', 'print-hcl');
    def.targets['worker']!.tags = [];
    const plan = planBake(def, target(FLEET), push(), new Map());
    expect(plan.refusal).toMatchObject({
      kind: 'usage',
      message: 'target worker has no tags: each platform is pushed by digest and merged under its tags',
    });
  });
});

describe('planBake: flags that make it buildx’s own bake', () => {
  const def = print('0.29.1', 'print-hcl');
  it.each([
    [{ load: true }, '--load', '--load: the images come back to this Docker'],
    [{ check: true }, '--check', '--check evaluates the build and exports nothing'],
    [{ call: 'outline' }, '--call=outline', '--call=outline evaluates the build'],
  ])('%j: one bake on the builder, with the flag', (options, flag, why) => {
    const request = readBakeRequest([], {
      file: ['docker-bake.hcl'],
      push: true,
      metadataFile: 'm.json',
      ...options,
    });
    const plan = planBake(def, target(FLEET), request, new Map());
    expect(plan).toMatchObject({ mode: 'bake', jobs: [], reason: expect.stringContaining(why) });
    expect(plan.command).toEqual(expect.arrayContaining([flag, '--metadata-file=m.json', '--push']));
  });

  it('a fleet bake passes --progress and --allow to every job, keeps --metadata-file to itself', () => {
    const request = readBakeRequest([], {
      file: ['docker-bake.hcl'],
      push: true,
      progress: 'plain',
      allow: ['fs.read=/src'],
      metadataFile: 'm.json',
    });
    const plan = planBake(def, target(FLEET), request, new Map());
    expect(plan.mode).toBe('fleet');
    for (const j of plan.jobs) {
      expect(j.argv).toEqual(expect.arrayContaining(['--allow=fs.read=/src', '--progress=plain']));
      expect(j.argv.join(' ')).not.toContain('m.json');
    }
  });
});
