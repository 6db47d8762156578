import { describe, expect, it } from 'vitest';
import { type ContainerState, containerCreateArgs } from '../../../src/buildx/container-args.js';
import { containerNameOf } from '../../../src/buildx/container-names.js';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { versionOf } from '../../../src/buildx/version.js';
import { containerSpecOf } from '../../../src/core/local-container.js';
import { planEnsure } from '../../../src/core/plan.js';
import { planRemove } from '../../../src/core/plan-remove.js';
import type { Plan } from '../../../src/core/plan-types.js';
import { AMD64, actualNode, builderFromCapture, builderSpec, entries, FLEET, nodeSpec } from './fixtures.js';

// The seed's final setup (issue 8): this Mac's own BuildKit, run by mpb, plus a remote amd64 node over mTLS.
const IMAGE = 'moby/buildkit:buildx-stable-1';
const MAC = nodeSpec({ name: 'mac', local: { image: IMAGE }, platforms: ['linux/arm64'] });
const SEED = builderSpec('fleet', 'remote', [MAC, AMD64]);
const NAME = 'mpb-buildkit-fleet-mac';
const HASH = 'fb1397677a2ba864'; // sha256 of [image, flags, config], 16 hex: stable across runs

const CREATE_CONTAINER = `container create --name ${NAME} --privileged --restart unless-stopped --label mpb.builder=fleet --label mpb.node=mac --label mpb.spec-hash=${HASH} --volume ${NAME}-state:/var/lib/buildkit ${IMAGE}`;

// A builder as buildx shows it once mpb made it: the local node reached through `docker exec`.
const macNode = actualNode({
  name: 'mac',
  endpoint: `docker-container://${NAME}`,
  platforms: entries('linux/arm64*, linux/amd64, linux/amd64/v2'),
});
const amd64Node = builderFromCapture('0.13.1', 'inspect').nodes[0]!;
const builderWith = (nodes: BuildxBuilder['nodes']): BuildxBuilder => ({
  name: 'fleet',
  driver: 'remote',
  current: false,
  error: undefined,
  lastActivity: undefined,
  nodes,
});

const containers: Record<string, { state: ContainerState; kinds: string[] }> = {
  missing: { state: { state: 'missing' }, kinds: ['container-create mac', 'container-start mac'] },
  stopped: {
    state: { state: 'stopped', status: 'exited', image: IMAGE, specHash: HASH },
    kinds: ['container-start mac'],
  },
  'running other image/flags': {
    state: {
      state: 'running',
      status: 'running',
      image: 'moby/buildkit:v0.12.0',
      specHash: '0123456789abcdef',
    },
    kinds: ['container-rm mac', 'container-create mac', 'container-start mac'],
  },
  'running as declared': {
    state: { state: 'running', status: 'running', image: IMAGE, specHash: HASH },
    kinds: [],
  },
};
const builders: Record<string, { actual: BuildxBuilder | undefined; kinds: string[] }> = {
  absent: { actual: undefined, kinds: ['create mac', 'append linux-amd64'] },
  'first node only (killed run)': { actual: builderWith([macNode]), kinds: ['append linux-amd64'] },
  converged: { actual: builderWith([macNode, amd64Node]), kinds: [] },
};
const kindsOf = (plan: Plan) => plan.actions.map((a) => `${a.kind} ${'node' in a ? a.node : ''}`);
const plan = (actual: BuildxBuilder | undefined, state: ContainerState) =>
  planEnsure(SEED, actual, {
    version: versionOf('0.13.1'),
    prune: false,
    recreate: false,
    localContainers: new Map([['mac', state]]),
  });

describe('planEnsure with a local node: container states × builder states', () => {
  const rows = Object.entries(containers).flatMap(([c, container]) =>
    Object.entries(builders).map(([b, builder]) => ({ c, b, container, builder })),
  );
  // Container calls come first: buildx must find the container when it first talks to the node.
  it.each(rows)('container $c, builder $b', ({ container, builder }) => {
    expect(kindsOf(plan(builder.actual, container.state))).toEqual([...container.kinds, ...builder.kinds]);
  });

  it('gives the exact docker commands for a fresh mixed builder', () => {
    expect(
      plan(undefined, { state: 'missing' }).actions.map((a) => [a.kind, a.argv.join(' '), a.reason]),
    ).toEqual([
      ['container-create', CREATE_CONTAINER, 'local node "mac" has no BuildKit container'],
      ['container-start', `container start ${NAME}`, 'start the new BuildKit container for "mac"'],
      [
        'create',
        `buildx create --name fleet --node mac --driver remote --platform linux/arm64 docker-container://${NAME}`,
        'builder "fleet" does not exist: create it with its first node "mac"',
      ],
      [
        'append',
        'buildx create --name fleet --node linux-amd64 --driver remote --append --platform linux/amd64 --driver-opt cacert=/home/dev/.mpb/certs/ca.crt --driver-opt cert=/home/dev/.mpb/certs/client.crt --driver-opt key=/home/dev/.mpb/certs/client.key tcp://127.0.0.1:1234',
        'add node "linux-amd64" to the new builder',
      ],
    ]);
  });

  it('re-creates the container when the flags change, keeping its volume; buildx itself is not touched', () => {
    const flagged = { ...SEED, nodes: [{ ...MAC, buildkitdFlags: '--debug' }, AMD64] };
    const actions = planEnsure(flagged, builderWith([macNode, amd64Node]), {
      version: versionOf('0.13.1'),
      prune: false,
      recreate: false,
      localContainers: new Map([['mac', containers['running as declared']!.state]]),
    }).actions;
    expect(actions.map((a) => [a.kind, a.argv.join(' ')])).toEqual([
      ['container-rm', `container rm --force ${NAME}`],
      ['container-create', `${CREATE_CONTAINER.replace(HASH, '488ed2da92a919bd')} --debug`],
      ['container-start', `container start ${NAME}`],
    ]);
    expect(actions[0]!.reason).toBe(
      `the BuildKit container of "mac" runs other settings (image ${IMAGE}); re-create it, keeping volume ${NAME}-state`,
    );
  });

  it('re-creates a paused or dead container rather than starting it', () => {
    const dead: ContainerState = { state: 'unusable', status: 'dead', image: IMAGE, specHash: HASH };
    expect(kindsOf(plan(builders['converged']!.actual, dead))).toEqual([
      'container-rm mac',
      'container-create mac',
      'container-start mac',
    ]);
  });

  it('hashes registries into the spec only when a node has them: a change re-creates the container', () => {
    const hash = (node: typeof MAC) => containerSpecOf('fleet', node)!.labels['mpb.spec-hash'];
    const withMirror = (mirror: string) =>
      nodeSpec({
        ...MAC,
        buildkitdConfig: '/cfg/mpb-certs/fleet/mac/buildkitd.toml',
        registries: { 'docker.io': { mirrors: [mirror] } },
      });
    expect(hash(MAC)).toBe(HASH);
    expect(hash(withMirror('a.example.com'))).not.toBe(hash(withMirror('b.example.com')));
    expect(hash(withMirror('a.example.com'))).toBe(hash(withMirror('a.example.com')));
  });

  it('hashes the network into the spec only when set: host re-creates the container, none keeps old hashes', () => {
    const onNetwork = (network: string | undefined) =>
      nodeSpec({ ...MAC, local: { image: IMAGE, ...(network === undefined ? {} : { network }) } });
    const spec = (network: string | undefined) => containerSpecOf('fleet', onNetwork(network))!;
    expect(spec(undefined).labels['mpb.spec-hash']).toBe(HASH);
    expect(spec('host').labels['mpb.spec-hash']).not.toBe(HASH);
    expect(spec('host').labels['mpb.spec-hash']).not.toBe(spec('bridge').labels['mpb.spec-hash']);
    expect(spec('host').network).toBe('host');
    expect(containerCreateArgs(spec('host')).join(' ')).toContain(`--network host --volume ${NAME}-state`);
    const running = { state: 'running', status: 'running', image: IMAGE, specHash: HASH } as const;
    const actions = planEnsure(
      { ...SEED, nodes: [onNetwork('host'), AMD64] },
      builderWith([macNode, amd64Node]),
      {
        version: versionOf('0.13.1'),
        prune: false,
        recreate: false,
        localContainers: new Map([['mac', running]]),
      },
    ).actions;
    expect(actions.map((a) => a.kind)).toEqual(['container-rm', 'container-create', 'container-start']);
  });

  it('mounts the registry CA files at their own paths, read-only, so the config finds them in the container', () => {
    const node = nodeSpec({
      ...MAC,
      buildkitdConfig: '/cfg/buildkitd.toml',
      registries: { 'a.io': { ca: ['/certs/b.pem', '/certs/a,1.pem'] }, 'b.io': { ca: ['/certs/b.pem'] } },
    });
    const argv = containerCreateArgs(containerSpecOf('fleet', node)!);
    const mounts = argv.flatMap((a, i) => (argv[i - 1] === '--mount' ? [a] : []));
    expect(mounts).toEqual([
      'type=bind,source=/cfg/buildkitd.toml,target=/etc/buildkit/buildkitd.toml,readonly',
      'type=bind,"source=/certs/a,1.pem","target=/certs/a,1.pem",readonly',
      'type=bind,source=/certs/b.pem,target=/certs/b.pem,readonly',
    ]);
    expect(argv.slice(-2)).toEqual(['--config', '/etc/buildkit/buildkitd.toml']);
  });

  it('names containers after builder and node, in the characters Docker allows', () => {
    expect(containerNameOf('Fleet', 'mac_m1.local')).toBe('mpb-buildkit-fleet-mac_m1.local');
  });
});

describe('planRemove', () => {
  const running = containers['running as declared']!.state;
  it.each([
    {
      case: 'builder, container and volume exist',
      actual: builders['converged']!.actual,
      keepState: false,
      state: running,
      volumes: [`${NAME}-state`],
      expected: ['buildx rm fleet', `container rm --force ${NAME}`, `volume rm ${NAME}-state`],
    },
    {
      case: '--keep-state keeps the volume (and buildx keeps its own state)',
      actual: builders['converged']!.actual,
      keepState: true,
      state: running,
      volumes: [`${NAME}-state`],
      expected: ['buildx rm --keep-state fleet', `container rm --force ${NAME}`],
    },
    {
      case: 'a builder already gone is no action (buildx rm would exit 1: capture rm-missing)',
      actual: undefined,
      keepState: false,
      state: { state: 'missing' } as const,
      volumes: [`${NAME}-state`],
      expected: [`volume rm ${NAME}-state`],
    },
    {
      case: 'nothing left at all',
      actual: undefined,
      keepState: false,
      state: { state: 'missing' } as const,
      volumes: [],
      expected: [],
    },
  ])('$case', ({ actual, keepState, state, volumes, expected }) => {
    const removal = planRemove(SEED, actual, {
      keepState,
      containers: new Map([['mac', state]]),
      volumes: new Set(volumes),
    });
    expect(removal.actions.map((a) => a.argv.join(' '))).toEqual(expected);
  });

  it('removes a builder without local nodes with one buildx call', () => {
    const removal = planRemove(FLEET, builderFromCapture('0.29.1', 'inspect'), { keepState: false });
    expect(removal.actions).toEqual([
      { kind: 'rm', file: 'docker', argv: ['buildx', 'rm', 'builder'], reason: 'remove builder "builder"' },
    ]);
  });
});
