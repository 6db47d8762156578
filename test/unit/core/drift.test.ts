import { describe, expect, it } from 'vitest';
import type { ContainerState } from '../../../src/buildx/container-args.js';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseLsJson } from '../../../src/buildx/parse/ls-json.js';
import { versionOf } from '../../../src/buildx/version.js';
import { type Drift, describeDeclared, describeUndeclared } from '../../../src/core/drift.js';
import { containerSpecOf } from '../../../src/core/local-container.js';
import type { ProbeResult } from '../../../src/probe/types.js';
import { capture } from '../../helpers/fake-run.js';
import { CAPTURED_VERSIONS as VERSIONS, type CapturedVersion as Version } from '../../helpers/versions.js';
import { AMD64, ARM64, builderSpec, FLEET, MAC, nodeSpec, TLS } from './fixtures.js';

function inspected(version: Version, name: string): BuildxBuilder {
  const parsed = parseInspect(capture(version, name).stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
const input = (version: Version, containers?: Map<string, ContainerState>) => ({
  version: versionOf(version),
  containers,
});
const drift = (spec = FLEET, version: Version = '0.13.1', name = 'inspect') =>
  describeDeclared(spec, inspected(version, name), input(version)).drift;

const AMD64_ALL = ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'];
const ENSURE = 'run: mpb ensure-builder builder';

describe('describeDeclared', () => {
  it.each(VERSIONS)('%s: the converged fleet is in sync; nodes show pins, native and emulated', (version) => {
    expect(describeDeclared(FLEET, inspected(version, 'inspect'), input(version))).toEqual({
      name: 'builder',
      declared: true,
      state: 'in-sync',
      driver: 'remote',
      current: false,
      error: undefined,
      drift: [],
      nodes: [
        {
          name: 'linux-amd64',
          declared: true,
          endpoint: 'tcp://127.0.0.1:1234',
          driverOpts: { cacert: TLS.ca, cert: TLS.cert, key: TLS.key },
          status: 'running',
          buildkitVersion: 'v0.11.6',
          pinned: ['linux/amd64'],
          native: AMD64_ALL,
          emulated: [],
          nativeSource: 'declared',
        },
        {
          // The capture's "arm64" daemon is an amd64 machine; ls asks no node, so the declaration stands and the
          // view says it is only the declaration (`mpb doctor` and ensure ask the node).
          name: 'linux-arm64',
          declared: true,
          endpoint: 'tcp://127.0.0.1:1235',
          driverOpts: { cacert: TLS.ca, cert: TLS.cert, key: TLS.key },
          status: 'running',
          buildkitVersion: 'v0.11.6',
          pinned: ['linux/arm64'],
          native: ['linux/arm64'],
          emulated: AMD64_ALL,
          nativeSource: 'declared',
        },
      ],
    });
  });

  it.each<{ case: string; spec: typeof FLEET; want: Drift[] }>([
    {
      case: 'a declared node buildx lacks → missing',
      spec: builderSpec('builder', 'remote', [
        AMD64,
        ARM64,
        nodeSpec({ name: 'riscv', endpoint: 'tcp://10.0.0.9:1234', platforms: ['linux/riscv64'], tls: TLS }),
      ]),
      want: [{ kind: 'missing', node: 'riscv', detail: `buildx has no node "riscv"; ${ENSURE}` }],
    },
    {
      case: 'a node the config does not declare → extra',
      spec: builderSpec('builder', 'remote', [AMD64]),
      want: [
        {
          kind: 'extra',
          node: 'linux-arm64',
          detail: 'not in the config; run: mpb ensure-builder builder --prune to remove it',
        },
      ],
    },
    {
      case: 'endpoint and pins changed → what changed',
      spec: builderSpec('builder', 'remote', [
        { ...AMD64, endpoint: 'tcp://10.0.0.5:1234', platforms: ['linux/amd64', 'linux/386'] },
        ARM64,
      ]),
      want: [
        {
          kind: 'changed',
          node: 'linux-amd64',
          detail:
            'endpoint tcp://127.0.0.1:1234 → tcp://10.0.0.5:1234; pinned platforms linux/amd64 → linux/amd64,linux/386',
        },
      ],
    },
    {
      case: 'a TLS file changed → driver options',
      spec: builderSpec('builder', 'remote', [{ ...AMD64, tls: { ...TLS, key: '/etc/mpb/new.key' } }, ARM64]),
      want: [{ kind: 'changed', node: 'linux-amd64', detail: 'driver options' }],
    },
    {
      case: 'nodes declared in the other order → both out of order',
      spec: builderSpec('builder', 'remote', [ARM64, AMD64]),
      want: [
        { kind: 'changed', node: 'linux-arm64', detail: 'out of the declared order' },
        { kind: 'changed', node: 'linux-amd64', detail: 'out of the declared order' },
      ],
    },
    {
      case: 'another driver → builder-level change needing --recreate',
      spec: builderSpec('builder', 'docker-container', [
        nodeSpec({ name: 'linux-amd64', endpoint: 'tcp://127.0.0.1:1234', platforms: ['linux/amd64'] }),
        nodeSpec({ name: 'linux-arm64', endpoint: 'tcp://127.0.0.1:1235', platforms: ['linux/arm64'] }),
      ]),
      want: [
        {
          kind: 'changed',
          detail: 'driver remote → docker-container; run: mpb ensure-builder builder --recreate',
        },
        { kind: 'changed', node: 'linux-amd64', detail: 'driver options' },
        { kind: 'changed', node: 'linux-arm64', detail: 'driver options' },
      ],
    },
    {
      case: 'a running node that lacks a declared platform → unserved',
      spec: builderSpec('builder', 'remote', [AMD64, { ...ARM64, emulate: ['linux/s390x'] }]),
      want: [
        {
          kind: 'changed',
          node: 'linux-arm64',
          detail: 'pinned platforms linux/arm64 → linux/arm64,linux/s390x',
        },
        { kind: 'unserved', node: 'linux-arm64', detail: 'does not serve linux/s390x' },
      ],
    },
  ])('$case', ({ spec, want }) => {
    for (const version of VERSIONS) expect(drift(spec, version)).toEqual(want);
  });

  it.each(VERSIONS)('%s: remote nodes that do not answer are down (capture inspect-dead)', (version) => {
    const deadb = builderSpec('deadb', 'remote', [
      nodeSpec({ name: 'dead0', endpoint: 'tcp://127.0.0.1:1299', platforms: ['linux/s390x'], tls: TLS }),
      nodeSpec({
        name: 'badcert',
        endpoint: 'tcp://127.0.0.1:1234',
        tls: { ...TLS, key: '/nonexistent/client.key' },
      }),
    ]);
    const view = describeDeclared(deadb, inspected(version, 'inspect-dead'), input(version));
    expect(view.state).toBe('drifted');
    // Not probed (ls probes them, probes below): buildx's status, its code and the fix by endpoint.
    const fix = (endpoint: string) =>
      `check that buildkitd listens on ${endpoint} and that the TLS files are valid; run: mpb doctor`;
    expect(view.drift).toEqual([
      {
        kind: 'down',
        node: 'dead0',
        detail: 'status inactive',
        code: 'node.inactive',
        fix: fix('tcp://127.0.0.1:1299'),
      },
      {
        kind: 'down',
        node: 'badcert',
        detail: 'status inactive',
        code: 'node.inactive',
        fix: fix('tcp://127.0.0.1:1234'),
      },
    ]);
  });

  it.each(VERSIONS)(
    '%s: a declared node down is explained by its probe, as an undeclared one is (inspect-dead)',
    (version) => {
      const deadb = builderSpec('deadb', 'remote', [
        nodeSpec({ name: 'dead0', endpoint: 'tcp://127.0.0.1:1299', platforms: ['linux/s390x'], tls: TLS }),
        nodeSpec({ name: 'badcert', endpoint: 'tcp://127.0.0.1:1234', tls: TLS }),
      ]);
      const probes: ProbeResult[] = [
        {
          builder: 'deadb',
          node: 'dead0',
          endpoint: 'tcp://127.0.0.1:1299',
          state: 'down',
          code: 'tcp.refused',
          detail: 'connection to 127.0.0.1:1299 refused',
          fix: 'Start it.',
          checks: [],
          warnings: [],
        },
      ];
      const view = describeDeclared(deadb, inspected(version, 'inspect-dead'), { ...input(version), probes });
      expect(view.nodes.map((n) => n.probe?.code)).toEqual(['tcp.refused', undefined]);
      expect(view.drift.filter((d) => d.kind === 'down')).toEqual([
        {
          kind: 'down',
          node: 'dead0',
          detail: 'connection to 127.0.0.1:1299 refused',
          code: 'tcp.refused',
          fix: 'Start it.',
        },
        {
          kind: 'down',
          node: 'badcert',
          detail: 'status inactive',
          code: 'node.inactive',
          fix: 'check that buildkitd listens on tcp://127.0.0.1:1234 and that the TLS files are valid; run: mpb doctor',
        },
      ]);
    },
  );

  it.each<[Version, string]>([
    ['0.29.1', 'dc-inspect-before-bootstrap'],
    ['0.29.1', 'dc-inspect-stopped'],
  ])('%s %s: a docker-container node not started yet is not down', (version, name) => {
    const spec =
      name === 'dc-inspect-stopped' ? MAC : builderSpec('mac', 'docker-container', [MAC.nodes[0]!]);
    const view = describeDeclared(spec, inspected(version, name), input(version));
    expect(view.drift).toEqual([]);
    expect(view.nodes.map((n) => [n.name, n.status, n.pinned])).toEqual(
      name === 'dc-inspect-stopped'
        ? [
            ['mac-arm64', 'stopped', ['linux/arm64']],
            ['amd64-box', 'stopped', ['linux/amd64', 'linux/386']],
          ]
        : [['mac-arm64', 'inactive', ['linux/arm64']]],
    );
  });

  it('a builder buildx does not have: one missing line, declared nodes listed empty', () => {
    const view = describeDeclared(FLEET, undefined, input('0.29.1'));
    expect(view.state).toBe('missing');
    expect(view.drift).toEqual([{ kind: 'missing', detail: `buildx has no builder "builder"; ${ENSURE}` }]);
    expect(view.nodes.map((n) => [n.name, n.endpoint, n.status])).toEqual([
      ['linux-amd64', 'tcp://127.0.0.1:1234', undefined],
      ['linux-arm64', 'tcp://127.0.0.1:1235', undefined],
    ]);
  });
});

describe('describeDeclared: a local node and its BuildKit container', () => {
  const LOCAL = nodeSpec({
    name: 'mac',
    platforms: ['linux/arm64'],
    local: { image: 'moby/buildkit:v0.11.6' },
  });
  const MIXED = builderSpec('builder', 'remote', [AMD64, LOCAL]);
  const NAME = 'mpb-buildkit-builder-mac';
  const hash = containerSpecOf('builder', LOCAL)!.labels['mpb.spec-hash'];
  // Capture `inspect` with linux-arm64 standing in for the local node: renamed, reached through docker exec.
  const actual = (): BuildxBuilder => {
    const b = inspected('0.29.1', 'inspect');
    const local = { ...b.nodes[1]!, name: 'mac', endpoint: `docker-container://${NAME}`, driverOpts: {} };
    return { ...b, nodes: [b.nodes[0]!, local] };
  };
  const run = (state: ContainerState) =>
    describeDeclared(MIXED, actual(), input('0.29.1', new Map([['mac', state]])));

  it.each<{ case: string; state: ContainerState; container: object; drift: Drift[] }>([
    {
      case: 'running as declared → in sync',
      state: { state: 'running', status: 'running', image: 'moby/buildkit:v0.11.6', specHash: hash },
      container: { name: NAME, state: 'running', status: 'running', image: 'moby/buildkit:v0.11.6' },
      drift: [],
    },
    {
      case: 'stopped → changed, with the status',
      state: { state: 'stopped', status: 'exited', image: 'moby/buildkit:v0.11.6', specHash: hash },
      container: { name: NAME, state: 'stopped', status: 'exited', image: 'moby/buildkit:v0.11.6' },
      drift: [{ kind: 'changed', node: 'mac', detail: `BuildKit container ${NAME} is exited; ${ENSURE}` }],
    },
    {
      case: 'another image → changed, with the image',
      state: { state: 'running', status: 'running', image: 'moby/buildkit:old', specHash: 'other' },
      container: { name: NAME, state: 'running', status: 'running', image: 'moby/buildkit:old' },
      drift: [
        {
          kind: 'changed',
          node: 'mac',
          detail: `BuildKit container ${NAME} runs other settings (image moby/buildkit:old); ${ENSURE}`,
        },
      ],
    },
    {
      case: 'missing → changed',
      state: { state: 'missing' },
      container: { name: NAME, state: 'missing' },
      drift: [
        { kind: 'changed', node: 'mac', detail: `BuildKit container ${NAME} does not exist; ${ENSURE}` },
      ],
    },
  ])('$case', ({ state, container, drift: want }) => {
    const view = run(state);
    expect(view.nodes[1]).toMatchObject({ name: 'mac', endpoint: `docker-container://${NAME}`, container });
    expect(view.drift).toEqual(want);
  });
});

describe('describeUndeclared', () => {
  it.each<Version>(['0.13.1', '0.29.1'])('%s: ls --format json builders are shown as they are', (version) => {
    const parsed = parseLsJson(capture(version, 'ls-mixed-json').stdout);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const views = parsed.value.map((b) => describeUndeclared(b));
    expect(views.map((v) => [v.name, v.state, v.driver, v.nodes.map((n) => [n.name, n.status])])).toEqual([
      [
        'builder',
        'undeclared',
        'remote',
        [
          ['linux-amd64', 'running'],
          ['linux-arm64', 'running'],
        ],
      ],
      [
        'deadb',
        'undeclared',
        'remote',
        [
          ['dead0', 'inactive'],
          ['badcert', 'inactive'],
        ],
      ],
      ['notls', 'undeclared', 'remote', [['notls0', 'inactive']]],
      ['default', 'undeclared', '', []],
    ]);
    expect(views.every((v) => v.drift.length === 0)).toBe(true);
    // No pins in JSON: the first platform listed is taken as the machine's own.
    expect(views[0]!.nodes[1]).toMatchObject({ pinned: [], native: ['linux/arm64'], emulated: AMD64_ALL });
  });
});

describe('describeUndeclared with its preflight', () => {
  const down = (node: string, code: 'tcp.refused' | 'docker.down', detail: string): ProbeResult => ({
    builder: 'deadb',
    node,
    endpoint: 'tcp://127.0.0.1:1299',
    state: 'down',
    code,
    detail,
    fix: 'Start it.',
    checks: [],
    warnings: [],
  });
  const up = (node: string): ProbeResult => ({
    builder: 'deadb',
    node,
    endpoint: 'tcp://127.0.0.1:1234',
    state: 'up',
    code: 'ok',
    checks: ['127.0.0.1:1234 accepts TCP'],
    warnings: [],
  });

  it.each(VERSIONS)(
    '%s: a node is down by its probe (with its code) or by buildx status (inspect-dead)',
    (version) => {
      const probes = [down('dead0', 'tcp.refused', 'connection to 127.0.0.1:1299 refused'), up('badcert')];
      const view = describeUndeclared(inspected(version, 'inspect-dead'), probes);
      expect(view.state).toBe('undeclared');
      expect(view.nodes.map((n) => n.probe?.code)).toEqual(['tcp.refused', 'ok']);
      // buildx could not reach badcert although its port accepts TCP: buildx's `inactive` stands (nodeStateOf).
      expect(view.drift).toEqual([
        {
          kind: 'down',
          node: 'dead0',
          detail: 'connection to 127.0.0.1:1299 refused',
          code: 'tcp.refused',
          fix: 'Start it.',
        },
        {
          kind: 'down',
          node: 'badcert',
          detail: 'status inactive',
          code: 'node.inactive',
          fix: 'check that buildkitd listens on tcp://127.0.0.1:1234 and that the TLS files are valid; run: mpb doctor',
        },
      ]);
    },
  );

  it('running nodes are not down; a builder buildx cannot load is, named by its context probe', () => {
    expect(
      describeUndeclared(inspected('0.29.1', 'inspect'), [up('linux-amd64'), up('linux-arm64')]).drift,
    ).toEqual([]);
    const parsed = parseLsJson(capture('0.29.1', 'ls-mixed-json').stdout);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const unloaded = parsed.value.find((b) => b.name === 'default')!;
    const probe = {
      ...down('default', 'docker.down', 'context default: Cannot connect'),
      builder: 'default',
    };
    expect(describeUndeclared(unloaded, [probe]).drift).toEqual([
      {
        kind: 'down',
        detail: 'buildx cannot load it: context default: Cannot connect',
        code: 'docker.down',
        fix: 'Start it.',
      },
    ]);
    // Its Docker answers, yet buildx cannot load it: buildx's own words, with the inspect code.
    expect(describeUndeclared(unloaded, []).drift).toEqual([
      {
        kind: 'down',
        detail: `buildx cannot load it: ${unloaded.error}`,
        code: 'builder.bootstrap-failed',
        fix: 'See: docker buildx inspect default',
      },
    ]);
  });
});
