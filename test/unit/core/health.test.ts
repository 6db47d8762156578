import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { healthOutcome, verifyBuilder } from '../../../src/core/health.js';
import { exitCodeOf } from '../../../src/errors.js';
import type { NativeTruth } from '../../../src/probe/types.js';
import {
  builderFromCapture,
  builderSpec,
  entries,
  FLEET,
  MIXED,
  mixedPinned,
  nodeSpec,
  TLS,
} from './fixtures.js';

const fleet = builderFromCapture('0.13.1', 'inspect');
const mixed = mixedPinned();
const stop = (b: BuildxBuilder, name: string): BuildxBuilder => ({
  ...b,
  nodes: b.nodes.map((n) =>
    n.name === name ? { ...n, status: 'inactive', platforms: n.platforms.filter((e) => e.pinned) } : n,
  ),
});
const exits = (spec = FLEET, actual = fleet) => {
  const report = verifyBuilder(spec, actual);
  return [
    report.state,
    exitCodeOf(healthOutcome(report, { allowDegraded: false })),
    exitCodeOf(healthOutcome(report, { allowDegraded: true })),
  ];
};

describe('verifyBuilder', () => {
  it('reports every node of a healthy builder: status, version, native/emulated, pins', () => {
    expect(verifyBuilder(FLEET, fleet)).toEqual({
      builder: 'builder',
      state: 'healthy',
      uncovered: [],
      nodes: [
        {
          node: 'linux-amd64',
          endpoint: 'tcp://127.0.0.1:1234',
          status: 'running',
          buildkitVersion: 'v0.11.6',
          native: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
          emulated: [],
          declared: ['linux/amd64'],
          pinned: ['linux/amd64'],
          nativeSource: 'declared',
          mismatches: [],
          verdict: { result: 'ok', code: 'ok' },
        },
        {
          // The capture's "arm64" daemon is an amd64 machine; asked nothing, the declaration stands.
          node: 'linux-arm64',
          endpoint: 'tcp://127.0.0.1:1235',
          status: 'running',
          buildkitVersion: 'v0.11.6',
          native: ['linux/arm64'],
          emulated: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
          declared: ['linux/arm64'],
          pinned: ['linux/arm64'],
          nativeSource: 'declared',
          mismatches: [],
          verdict: { result: 'ok', code: 'ok' },
        },
      ],
    });
  });

  it("takes the node's word over the declaration: the amd64 daemon declared arm64 emulates it, and says so", () => {
    const worker: NativeTruth = { platforms: ['linux/amd64'], source: 'worker' };
    const h = verifyBuilder(FLEET, fleet, new Map([['linux-arm64', worker]]));
    const arm64 = h.nodes.find((n) => n.node === 'linux-arm64')!;
    expect(arm64).toMatchObject({
      nativeSource: 'worker',
      native: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
      emulated: ['linux/arm64'],
      verdict: { result: 'ok' },
    });
    expect(arm64.mismatches).toEqual([
      'node "linux-arm64" declares linux/arm64 native, but it runs linux/amd64 (its BuildKit worker\'s native platform): linux/arm64 is emulated there; write it under emulate: (or declare platforms: [linux/amd64])',
    ]);
    expect(h.state).toBe('healthy');
  });

  it.each([
    // Every declared platform still has a running node: what --allow-degraded accepts.
    {
      case: 'a node down, its platform served by another running node → degraded',
      spec: MIXED,
      actual: stop(mixed, 'qemu0'),
      want: ['degraded', 3, 0],
    },
    {
      case: 'a node down, its platform served nowhere else → unhealthy',
      spec: FLEET,
      actual: stop(fleet, 'linux-arm64'),
      want: ['unhealthy', 3, 3],
    },
    {
      case: 'a declared node buildx does not have → unhealthy',
      spec: FLEET,
      actual: { ...fleet, nodes: [fleet.nodes[0]!] },
      want: ['unhealthy', 3, 3],
    },
    {
      case: 'pins not as declared → unhealthy (routing would not follow the config)',
      spec: FLEET,
      actual: {
        ...fleet,
        nodes: [fleet.nodes[0]!, { ...fleet.nodes[1]!, platforms: entries('linux/arm64, linux/amd64') }],
      },
      want: ['unhealthy', 3, 3],
    },
    {
      case: 'a builder buildx cannot load → unhealthy',
      spec: FLEET,
      actual: { ...fleet, error: 'unexpected EOF', nodes: [] },
      want: ['unhealthy', 3, 3],
    },
    { case: 'healthy', spec: MIXED, actual: mixed, want: ['healthy', 0, 0] },
    {
      case: 'an emulated platform declared but not pinned in buildx (capture as taken: qemu0 unpinned) → unhealthy',
      spec: MIXED,
      actual: builderFromCapture('0.13.1', 'qemu-inspect-bootstrap'),
      want: ['unhealthy', 3, 3],
    },
  ])('$case', ({ spec, actual, want }) => {
    expect(exits(spec, actual)).toEqual(want);
  });

  it('says why a node is down and what to do (capture inspect-dead)', () => {
    const spec = builderSpec('deadb', 'remote', [
      nodeSpec({ name: 'dead0', endpoint: 'tcp://127.0.0.1:1299', platforms: ['linux/s390x'], tls: TLS }),
      nodeSpec({
        name: 'badcert',
        endpoint: 'tcp://127.0.0.1:1234',
        tls: { ...TLS, key: '/nonexistent/client.key' },
      }),
    ]);
    const report = verifyBuilder(spec, builderFromCapture('0.13.1', 'inspect-dead'));
    const fix = (ep: string) =>
      `check that buildkitd listens on ${ep} and that the TLS files are valid; run: mpb doctor`;
    expect(report.state).toBe('unhealthy');
    expect(report.uncovered).toEqual(['linux/s390x']);
    expect(report.nodes.map((n) => n.verdict)).toEqual([
      { result: 'down', code: 'node.inactive', why: 'status inactive', fix: fix('tcp://127.0.0.1:1299') },
      { result: 'down', code: 'node.inactive', why: 'status inactive', fix: fix('tcp://127.0.0.1:1234') },
    ]);
  });

  it('names the emulators to install when a node lacks a platform it should emulate', () => {
    const spec = {
      ...MIXED,
      nodes: [MIXED.nodes[0]!, { ...MIXED.nodes[1]!, emulate: ['linux/arm64', 'linux/mips64le'] }],
    };
    const report = verifyBuilder(spec, mixed);
    expect(report.nodes[1]!.verdict).toEqual({
      result: 'missing-platform',
      code: 'platform.not-served',
      platforms: ['linux/mips64le'],
      fix: 'install QEMU emulators on the host of tcp://127.0.0.1:1237: docker run --privileged --rm tonistiigi/binfmt --install mips64le',
    });
    expect(report.uncovered).toEqual(['linux/mips64le']);
  });

  it('points a local node that is down at its container', () => {
    const spec = builderSpec('fleet', 'remote', [
      nodeSpec({
        name: 'mac',
        local: { image: 'moby/buildkit:buildx-stable-1' },
        platforms: ['linux/arm64'],
      }),
    ]);
    const actual: BuildxBuilder = {
      ...fleet,
      name: 'fleet',
      nodes: [
        {
          ...fleet.nodes[1]!,
          name: 'mac',
          endpoint: 'docker-container://mpb-buildkit-fleet-mac',
          status: 'inactive',
          driverOpts: {},
        },
      ],
    };
    expect(verifyBuilder(spec, actual).nodes[0]!.verdict).toEqual({
      result: 'down',
      code: 'node.inactive',
      why: 'status inactive',
      fix: 'the BuildKit container mpb-buildkit-fleet-mac is not answering; run: mpb ensure-builder, then mpb doctor',
    });
  });
});
