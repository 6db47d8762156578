import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { BuilderSpec } from '../../../src/config/types.js';
import { type Route, routePlatforms, routingNodesOf } from '../../../src/core/routing.js';
import {
  AMD64,
  ARM64,
  actualNode,
  builderFromCapture,
  builderSpec,
  entries,
  FLEET,
  MAC,
  MIXED,
  mixedPinned,
  nodeSpec,
} from './fixtures.js';

const V10 = versionOf('0.10.5');
const V13 = versionOf('0.13.1');
const V29 = versionOf('0.29.1');

const fleet = builderFromCapture('0.13.1', 'inspect'); // linux-amd64 (amd64*), linux-arm64 (arm64*)
const mixed = builderFromCapture('0.13.1', 'qemu-inspect-bootstrap'); // native-amd64 (amd64*, arm64 by QEMU), qemu0 (no pin)
const pinned = mixedPinned();
const down = (b: BuildxBuilder, name: string): BuildxBuilder => ({
  ...b,
  nodes: b.nodes.map((n) =>
    n.name === name
      ? {
          ...n,
          status: 'inactive',
          buildkitVersion: undefined,
          platforms: n.platforms.filter((e) => e.pinned),
        }
      : n,
  ),
});
const SEED = builderSpec('fleet', 'remote', [
  nodeSpec({ name: 'mac', local: { image: 'moby/buildkit:buildx-stable-1' }, platforms: ['linux/arm64'] }),
  AMD64,
]);
const seedActual: BuildxBuilder = {
  ...fleet,
  name: 'fleet',
  nodes: [
    actualNode({
      name: 'mac',
      endpoint: 'docker-container://mpb-buildkit-fleet-mac',
      platforms: entries('linux/arm64*, linux/amd64, linux/amd64/v2, linux/riscv64'),
    }),
    fleet.nodes[0]!,
  ],
};

type Row = [
  platform: string,
  node: string | undefined,
  verdict: Route['verdict'],
  nodeDown?: boolean,
  warning?: string,
];
const route = (
  requested: string[],
  spec: BuilderSpec | undefined,
  actual: BuildxBuilder | undefined,
  version = V13,
): Row[] =>
  routePlatforms(requested, routingNodesOf(spec, actual), version).map((r) => {
    const row: Row = [r.platform, r.node, r.verdict];
    if (r.nodeDown || r.warning) row.push(r.nodeDown);
    if (r.warning) row.push(r.warning);
    return row;
  });

describe('routePlatforms', () => {
  it.each([
    {
      // Every requested platform is pinned: pass 1 sends each to its node and boots only those.
      case: 'all native (two remote TLS nodes, seed fleet)',
      got: route(['linux/amd64', 'linux/arm64'], FLEET, fleet),
      want: [
        ['linux/amd64', 'linux-amd64', 'native'],
        ['linux/arm64', 'linux-arm64', 'native'],
      ],
    },
    {
      // `emulate` platforms are pinned too, so they route like native ones; only the verdict differs.
      case: 'native + emulated',
      got: route(
        ['linux/amd64', 'linux/riscv64'],
        builderSpec('b', 'remote', [{ ...ARM64, emulate: ['linux/riscv64'] }, AMD64]),
        {
          ...fleet,
          nodes: [
            { ...fleet.nodes[1]!, platforms: entries('linux/arm64*, linux/riscv64*, linux/amd64') },
            fleet.nodes[0]!,
          ],
        },
      ),
      want: [
        ['linux/amd64', 'linux-amd64', 'native'],
        ['linux/riscv64', 'linux-arm64', 'emulated'],
      ],
    },
    {
      // Pinning arm64 on the later node took the pin away from the earlier one (validateDuplicates):
      // buildx sends arm64 to the last node that declared it. Before ensure, the same follows from the config.
      case: 'same platform declared on two nodes: the last pin wins',
      got: [
        ...route(
          ['linux/arm64'],
          builderSpec('builder', 'remote', [{ ...AMD64, platforms: ['linux/amd64', 'linux/arm64'] }, ARM64]),
          fleet,
        ),
        ...route(
          ['linux/arm64'],
          builderSpec('builder', 'remote', [{ ...AMD64, platforms: ['linux/amd64', 'linux/arm64'] }, ARM64]),
          undefined,
        ),
      ],
      want: [
        ['linux/arm64', 'linux-arm64', 'native'],
        ['linux/arm64', 'linux-arm64', 'native'],
      ],
    },
    {
      // riscv64 is pinned nowhere, so 0.13+ boots every node and re-matches ALL platforms against pins +
      // workers; native-amd64 lists arm64 (QEMU) and comes first, so the tie goes to it: arm64 leaves qemu0.
      case: 'one unpinned platform in a request, 0.13+: a pinned platform moves to an earlier emulating node',
      got: route(['linux/amd64', 'linux/arm64', 'linux/riscv64'], MIXED, pinned, V29),
      want: [
        ['linux/amd64', 'native-amd64', 'native'],
        [
          'linux/arm64',
          'native-amd64',
          'emulated',
          false,
          'linux/arm64 is pinned on "qemu0", but linux/riscv64 is pinned on no node, so buildx 0.29.1 matches every platform against all nodes and "native-amd64" comes first; pin linux/riscv64 on a node to keep linux/arm64 on "qemu0"',
        ],
        [
          'linux/riscv64',
          'native-amd64',
          'emulated',
          false,
          'linux/riscv64 is pinned on no node: buildx gives it to the first node that lists it',
        ],
      ],
    },
    {
      // 0.10–0.12 (resolveDriversBase) keep pinned platforms on their node and match only the rest.
      case: 'the same request before 0.13: arm64 stays where it is pinned',
      got: route(['linux/amd64', 'linux/arm64', 'linux/riscv64'], MIXED, pinned, V10),
      want: [
        ['linux/amd64', 'native-amd64', 'native'],
        ['linux/arm64', 'qemu0', 'emulated'],
        [
          'linux/riscv64',
          'native-amd64',
          'emulated',
          false,
          'linux/riscv64 is pinned on no node: buildx gives it to the first node that lists it',
        ],
      ],
    },
    {
      // Capture qemu-build-arm64-unpinned: arm64 pinned nowhere → both platforms built on native-amd64
      // (checked on the daemons), qemu0 did nothing.
      case: 'unpinned platform with an unpinned node later (capture qemu-build-arm64-unpinned)',
      got: route(['linux/amd64', 'linux/arm64'], undefined, mixed),
      want: [
        ['linux/amd64', 'native-amd64', 'native'],
        [
          'linux/arm64',
          'native-amd64',
          'emulated',
          false,
          'linux/arm64 is pinned on no node: buildx gives it to the first node that lists it',
        ],
      ],
    },
    {
      // A native arm64 node that does not pin arm64 loses it to an earlier node that lists it by QEMU.
      case: 'unpinned native node',
      got: route(['linux/arm64'], undefined, {
        ...fleet,
        nodes: [
          actualNode({
            name: 'amd',
            endpoint: 'tcp://a:1234',
            platforms: entries('linux/amd64*, linux/arm64'),
          }),
          actualNode({
            name: 'arm',
            endpoint: 'tcp://b:1234',
            platforms: entries('linux/arm64, linux/arm/v7'),
          }),
        ],
      }),
      want: [
        [
          'linux/arm64',
          'amd',
          'emulated',
          false,
          'linux/arm64 is pinned on no node: buildx gives it to the first node that lists it',
        ],
      ],
    },
    {
      // Capture build-noplatform-node: nothing lists riscv64; buildx still "builds" it on node 0.
      case: 'unserved platform',
      got: route(['linux/riscv64'], FLEET, fleet),
      want: [
        [
          'linux/riscv64',
          'linux-amd64',
          'not-served',
          false,
          'no node serves linux/riscv64; buildx sends it to the first node ("linux-amd64") anyway',
        ],
      ],
    },
    {
      // Pinned routes do not look at other nodes: a down node matters only to the platform pinned on it.
      case: 'a down node',
      got: route(['linux/amd64', 'linux/arm64'], FLEET, down(fleet, 'linux-arm64')),
      want: [
        ['linux/amd64', 'linux-amd64', 'native'],
        ['linux/arm64', 'linux-arm64', 'native', true],
      ],
    },
    {
      // An unpinned platform makes buildx boot every node (build/driver.go Resolve): a down one fails the build.
      case: 'a down node while a platform is unpinned',
      got: route(['linux/386'], FLEET, down(fleet, 'linux-arm64')),
      want: [
        [
          'linux/386',
          'linux-amd64',
          'native',
          false,
          'linux/386 is pinned on no node: buildx gives it to the first node that lists it; buildx boots every node for this build, and "linux-arm64" is down',
        ],
      ],
    },
    {
      // Issue 8's setup: the Mac's BuildKit container (pinned arm64) + a remote amd64 node (pinned amd64).
      case: 'seed fleet: Mac arm64 local node + remote amd64',
      got: route(['linux/amd64', 'linux/arm64'], SEED, seedActual),
      want: [
        ['linux/amd64', 'linux-amd64', 'native'],
        ['linux/arm64', 'mac', 'native'],
      ],
    },
    {
      // Captures dc-*: the same fleet with docker-container nodes (local + ssh); amd64-box pins amd64 and 386.
      case: 'seed fleet: docker-container local node + node over ssh',
      got: route(
        ['linux/amd64', 'linux/arm64', 'linux/386'],
        MAC,
        builderFromCapture('0.29.1', 'dc-inspect'),
        V29,
      ),
      want: [
        ['linux/amd64', 'amd64-box', 'native'],
        ['linux/arm64', 'mac-arm64', 'native'],
        ['linux/386', 'amd64-box', 'native'],
      ],
    },
    {
      // A local node is like any other: its own platform native, what it emulates emulated (one node → node 0).
      case: 'a local: true node that also emulates amd64',
      got: route(
        ['linux/amd64', 'linux/arm64'],
        builderSpec('fleet', 'remote', [{ ...SEED.nodes[0]!, emulate: ['linux/amd64'] }]),
        {
          ...seedActual,
          nodes: [
            { ...seedActual.nodes[0]!, platforms: entries('linux/arm64*, linux/amd64*, linux/riscv64') },
          ],
        },
      ),
      want: [
        ['linux/amd64', 'mac', 'emulated'],
        ['linux/arm64', 'mac', 'native'],
      ],
    },
    {
      // No nodes at all: nothing to route to.
      case: 'a builder without nodes',
      got: route(['linux/amd64'], undefined, { ...fleet, nodes: [] }),
      want: [['linux/amd64', undefined, 'not-served', false, 'the builder has no nodes']],
    },
  ])('$case', ({ got, want }) => {
    expect(got).toEqual(want);
  });
});
