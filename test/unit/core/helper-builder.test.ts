import { describe, expect, it } from 'vitest';
import type { BuildxBuilder, BuildxNode } from '../../../src/buildx/model.js';
import {
  type HelperPlan,
  helperNameOf,
  helperNamesOf,
  helperOwnerOf,
  helperTargetOf,
  isHelperName,
  planHelper,
} from '../../../src/core/helper-builder.js';
import { actualNode, builderFromCapture, CERTS } from './fixtures.js';
import { cap, inspectFixture, mixed } from './split-fixtures.js';

const nodeOf = (b: BuildxBuilder, name: string) => b.nodes.find((n) => n.name === name) as BuildxNode;
const TLS_OPTS = [
  '--driver-opt',
  `cacert=${CERTS}/ca.crt`,
  '--driver-opt',
  `cert=${CERTS}/client.crt`,
  '--driver-opt',
  `key=${CERTS}/client.key`,
];

describe('helperTargetOf', () => {
  it.each<[string, string, BuildxNode, ReturnType<typeof helperTargetOf>]>([
    [
      'a remote node: the same endpoint and TLS options (qemu-inspect-bootstrap qemu0)',
      'remote',
      nodeOf(mixed(), 'qemu0'),
      {
        ok: true,
        endpoint: 'tcp://127.0.0.1:1237',
        driverOpts: { cacert: `${CERTS}/ca.crt`, cert: `${CERTS}/client.crt`, key: `${CERTS}/client.key` },
        warnings: [],
      },
    ],
    [
      'a docker-container node on the local engine: its container (dc-inspect-bootstrap mac-arm64)',
      'docker-container',
      nodeOf(builderFromCapture('0.29.1', 'dc-inspect-bootstrap'), 'mac-arm64'),
      { ok: true, endpoint: 'docker-container://buildx_buildkit_mac-arm64', driverOpts: {}, warnings: [] },
    ],
    [
      'a docker-container node on a docker context: the container through that context',
      'docker-container',
      actualNode({ name: 'box0', endpoint: 'box' }),
      {
        ok: true,
        endpoint: 'docker-container://buildx_buildkit_box0?context=box',
        driverOpts: {},
        warnings: [],
      },
    ],
    [
      'a kubernetes node: the pod its worker reports, in its namespace (kubernetes inspect-after-bootstrap-replicas2)',
      'kubernetes',
      nodeOf(inspectFixture('captures/kubernetes/v0.29.1/inspect-after-bootstrap-replicas2'), 'k8r0'),
      {
        ok: true,
        endpoint: 'kube-pod://k8r0-f484dfd7d-scsgf?namespace=buildkit',
        driverOpts: {},
        warnings: [
          'the helper for "k8r0" runs kubectl, which reads $KUBECONFIG, not the builder\'s /home/dev/.kube/config',
        ],
      },
    ],
  ])('%s', (_, driver, node, expected) => {
    expect(helperTargetOf(driver, node)).toEqual(expected);
  });

  it.each<[string, string, BuildxNode, RegExp]>([
    [
      'a docker-container node over ssh (dc-inspect-bootstrap amd64-box)',
      'docker-container',
      nodeOf(builderFromCapture('0.29.1', 'dc-inspect-bootstrap'), 'amd64-box'),
      /ssh:\/\/root@127\.0\.0\.1:2222.*docker context create NAME --docker host=ssh/,
    ],
    [
      'a kubernetes node that is not running',
      'kubernetes',
      actualNode({ name: 'k0', endpoint: 'kubernetes:///k?deployment=k0', status: 'inactive' }),
      /reports no pod/,
    ],
    [
      'the docker driver',
      'docker',
      actualNode({ name: 'default', endpoint: 'default' }),
      /docker node cannot/,
    ],
  ])('unreachable: %s', (_, driver, node, reason) => {
    const target = helperTargetOf(driver, node);
    expect(target.ok).toBe(false);
    if (!target.ok) expect(target.reason).toMatch(reason);
  });
});

describe('planHelper', () => {
  const qemu0 = nodeOf(mixed(), 'qemu0');
  const name = 'mpb-via-mixed-qemu0';
  const create = [
    'buildx',
    'create',
    '--name',
    name,
    '--node',
    'qemu0',
    '--driver',
    'remote',
    ...TLS_OPTS,
    'tcp://127.0.0.1:1237',
  ];
  const helper = (nodes: BuildxNode[], driver = 'remote'): BuildxBuilder => ({
    name,
    driver,
    current: false,
    error: undefined,
    lastActivity: undefined,
    nodes,
  });

  it.each<[string, BuildxBuilder | undefined, HelperPlan]>([
    ['none yet: create it', undefined, { kind: 'ready', name, reuse: false, argv: [create], warnings: [] }],
    [
      'one that matches: reuse it',
      helper([qemu0]),
      { kind: 'ready', name, reuse: true, argv: [], warnings: [] },
    ],
    [
      'one with another endpoint: create updates its node in place',
      helper([{ ...qemu0, endpoint: 'tcp://127.0.0.1:9999' }]),
      { kind: 'ready', name, reuse: false, argv: [create], warnings: [] },
    ],
    [
      'one with other TLS files: updated in place',
      helper([{ ...qemu0, driverOpts: { ...qemu0.driverOpts, key: '/old/key.pem' } }]),
      { kind: 'ready', name, reuse: false, argv: [create], warnings: [] },
    ],
    [
      'one with another driver: removed, then created',
      helper([qemu0], 'docker-container'),
      { kind: 'ready', name, reuse: false, argv: [['buildx', 'rm', name], create], warnings: [] },
    ],
    [
      'one with an extra node: removed, then created',
      helper([qemu0, nodeOf(mixed(), 'native-amd64')]),
      { kind: 'ready', name, reuse: false, argv: [['buildx', 'rm', name], create], warnings: [] },
    ],
  ])('%s', (_, existing, expected) => {
    expect(planHelper('mixed', 'remote', qemu0, existing)).toEqual(expected);
  });

  it('an unreachable node has no helper, and says why', () => {
    const box = nodeOf(builderFromCapture('0.29.1', 'dc-inspect-bootstrap'), 'amd64-box');
    expect(planHelper('mac', 'docker-container', box, undefined)).toMatchObject({
      kind: 'unreachable',
      name: 'mpb-via-mac-amd64-box',
    });
  });
});

describe('helper names', () => {
  it('are mpb-via-BUILDER-NODE, and only the builder’s own nodes count as its helpers', () => {
    expect(helperNameOf('cap', 'b')).toBe('mpb-via-cap-b');
    expect(isHelperName('mpb-via-cap-b')).toBe(true);
    expect(isHelperName('cap')).toBe(false);
    const nodes = cap().nodes.map((n) => n.name);
    expect(
      helperNamesOf('cap', nodes, ['cap', 'mpb-via-cap-a', 'mpb-via-cap-b-x', 'mpb-via-other-a']),
    ).toEqual(['mpb-via-cap-a']);
  });
});

describe('helperOwnerOf', () => {
  it('names the builder a helper was made for, the longest matching name winning', () => {
    expect(helperOwnerOf('mpb-via-hand-b', ['hand', 'mpb-via-hand-b'])).toBe('hand');
    expect(helperOwnerOf('mpb-via-my-fleet-a', ['my', 'my-fleet'])).toBe('my-fleet');
    expect(helperOwnerOf('hand', ['hand'])).toBeUndefined();
    expect(helperOwnerOf('mpb-via-gone-a', ['hand'])).toBeUndefined();
  });
});
