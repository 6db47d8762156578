import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { BuilderSpec } from '../../../src/config/types.js';
import { planEnsure } from '../../../src/core/plan.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../../helpers/versions.js';
import {
  AMD64,
  ARM64,
  actualNode,
  builderFromCapture,
  builderSpec,
  CERTS,
  entries,
  FLEET,
  MAC,
  nodeSpec,
} from './fixtures.js';

const V13 = versionOf('0.13.1');
const ensure = (
  desired: BuilderSpec,
  actual: BuildxBuilder | undefined,
  flags: { prune?: boolean; recreate?: boolean } = {},
) => planEnsure(desired, actual, { version: V13, prune: false, recreate: false, ...flags });
/** kind, node, argv, reason of every action: what the tables assert. */
const steps = (desired: BuilderSpec, actual: BuildxBuilder | undefined, flags = {}) =>
  ensure(desired, actual, flags).actions.map(({ kind, argv, reason, ...rest }) => ({
    kind,
    node: 'node' in rest ? rest.node : undefined,
    argv: argv.join(' '),
    reason,
  }));

const TLS_OPTS = `--driver-opt cacert=${CERTS}/ca.crt --driver-opt cert=${CERTS}/client.crt --driver-opt key=${CERTS}/client.key`;
const CREATE_AMD64 = `buildx create --name builder --node linux-amd64 --driver remote --platform linux/amd64 ${TLS_OPTS} tcp://127.0.0.1:1234`;
const APPEND_AMD64 = `buildx create --name builder --node linux-amd64 --driver remote --append --platform linux/amd64 ${TLS_OPTS} tcp://127.0.0.1:1234`;
const APPEND_ARM64 = `buildx create --name builder --node linux-arm64 --driver remote --append --platform linux/arm64 ${TLS_OPTS} tcp://127.0.0.1:1235`;
const LEAVE = (node: string) => `buildx create --leave --name builder --node ${node}`;

// Capture `inspect` (after create-amd64, create-exists, append-arm64): the declared FLEET, converged.
const converged = builderFromCapture('0.13.1', 'inspect');
const withNodes = (b: BuildxBuilder, names: string[]) => ({
  ...b,
  nodes: names.map((n) => b.nodes.find((x) => x.name === n)!),
});

describe('planEnsure: remote builder transitions', () => {
  it.each(VERSIONS)('plans nothing for a converged builder (%s capture)', (v) => {
    const plan = planEnsure(FLEET, builderFromCapture(v, 'inspect'), {
      version: versionOf(v),
      prune: false,
      recreate: false,
    });
    expect(plan).toEqual({ version: 1, builder: 'builder', actions: [], extraNodes: [] });
  });

  it.each([
    {
      case: 'nothing → create the first node, then append the rest (never --append first: 0.13 refuses it)',
      desired: FLEET,
      actual: undefined,
      expected: [
        {
          kind: 'create',
          node: 'linux-amd64',
          argv: CREATE_AMD64,
          reason: 'builder "builder" does not exist: create it with its first node "linux-amd64"',
        },
        {
          kind: 'append',
          node: 'linux-arm64',
          argv: APPEND_ARM64,
          reason: 'add node "linux-arm64" to the new builder',
        },
      ],
    },
    {
      case: 'missing node (also: a run killed between create and append, capture ls-after-leave) → append',
      desired: FLEET,
      actual: withNodes(converged, ['linux-amd64']),
      expected: [
        { kind: 'append', node: 'linux-arm64', argv: APPEND_ARM64, reason: 'node "linux-arm64" is missing' },
      ],
    },
    {
      case: 'extra node without --prune → reported, kept',
      desired: builderSpec('builder', 'remote', [AMD64]),
      actual: converged,
      expected: [],
    },
    {
      case: 'changed endpoint → in-place update keeps the node where it is (capture append-same-node)',
      desired: builderSpec('builder', 'remote', [AMD64, { ...ARM64, endpoint: 'tcp://127.0.0.1:1236' }]),
      actual: converged,
      expected: [
        {
          kind: 'update',
          node: 'linux-arm64',
          argv: APPEND_ARM64.replace('1235', '1236'),
          reason: 'node "linux-arm64" differs: endpoint tcp://127.0.0.1:1235 → tcp://127.0.0.1:1236',
        },
      ],
    },
    {
      case: 'changed platforms → in-place update of the first node (capture create-exists re-pinned it)',
      desired: builderSpec('builder', 'remote', [
        { ...AMD64, platforms: ['linux/amd64', 'linux/386'] },
        ARM64,
      ]),
      actual: converged,
      expected: [
        {
          kind: 'update',
          node: 'linux-amd64',
          argv: APPEND_AMD64.replace('linux/amd64 ', 'linux/amd64,linux/386 '),
          reason: 'node "linux-amd64" differs: pinned platforms linux/amd64 → linux/amd64,linux/386',
        },
      ],
    },
    {
      case: 'changed TLS file → update (buildx shows TLS files as cacert/cert/key driver options)',
      desired: builderSpec('builder', 'remote', [
        AMD64,
        { ...ARM64, tls: { ...ARM64.tls!, key: `${CERTS}/new.key` } },
      ]),
      actual: converged,
      expected: [
        {
          kind: 'update',
          node: 'linux-arm64',
          argv: APPEND_ARM64.replace('client.key', 'new.key'),
          reason: 'node "linux-arm64" differs: driver options',
        },
      ],
    },
    {
      case: 'changed driver option → update',
      desired: builderSpec('builder', 'remote', [
        { ...AMD64, driverOpts: { 'default-load': 'true' } },
        ARM64,
      ]),
      actual: converged,
      expected: [
        {
          kind: 'update',
          node: 'linux-amd64',
          argv: APPEND_AMD64.replace('--driver-opt key=', '--driver-opt default-load=true --driver-opt key='),
          reason: 'node "linux-amd64" differs: driver options',
        },
      ],
    },
    {
      case: 'pins removed from the last node → leave + append (create without --platform keeps old pins)',
      desired: builderSpec('builder', 'remote', [AMD64, { ...ARM64, platforms: [] }]),
      actual: converged,
      expected: [
        {
          kind: 'leave',
          node: 'linux-arm64',
          argv: LEAVE('linux-arm64'),
          reason:
            'node "linux-arm64" differs: pinned platforms linux/arm64 → (none) (buildx cannot clear pins in place)',
        },
        {
          kind: 'append',
          node: 'linux-arm64',
          argv: APPEND_ARM64.replace(' --platform linux/arm64', ''),
          reason: 'append "linux-arm64" again, as declared',
        },
      ],
    },
    {
      case: 'pins removed from the first node → re-append it and the nodes after it, so the order stays',
      desired: builderSpec('builder', 'remote', [{ ...AMD64, platforms: [] }, ARM64]),
      actual: converged,
      expected: [
        {
          kind: 'leave',
          node: 'linux-amd64',
          argv: LEAVE('linux-amd64'),
          reason:
            'node "linux-amd64" differs: pinned platforms linux/amd64 → (none) (buildx cannot clear pins in place)',
        },
        {
          kind: 'append',
          node: 'linux-amd64',
          argv: APPEND_AMD64.replace(' --platform linux/amd64', ''),
          reason: 'append "linux-amd64" again, as declared',
        },
        {
          kind: 'leave',
          node: 'linux-arm64',
          argv: LEAVE('linux-arm64'),
          reason: 'node "linux-arm64" is out of the declared order',
        },
        {
          kind: 'append',
          node: 'linux-arm64',
          argv: APPEND_ARM64,
          reason: 'append "linux-arm64" again, as declared',
        },
      ],
    },
    {
      case: 'the only node must be re-created → rm (keeping state) + create: buildx cannot leave a last node',
      desired: builderSpec('builder', 'remote', [{ ...AMD64, platforms: [] }]),
      actual: withNodes(converged, ['linux-amd64']),
      expected: [
        {
          kind: 'rm',
          node: undefined,
          argv: 'buildx rm --keep-state builder',
          reason: 'buildx cannot leave the last node of "builder"',
        },
        {
          kind: 'create',
          node: 'linux-amd64',
          argv: CREATE_AMD64.replace(' --platform linux/amd64', ''),
          reason: 'the builder was removed: create it with its first node "linux-amd64"',
        },
      ],
    },
    {
      case: 'the same platform on two nodes: the last pin wins, so a converged builder plans nothing',
      desired: builderSpec('builder', 'remote', [
        { ...AMD64, platforms: ['linux/amd64', 'linux/arm64'] },
        ARM64,
      ]),
      actual: converged,
      expected: [],
    },
    {
      case: 'a node half-applied by a killed run (old endpoint stored) → update it',
      desired: FLEET,
      actual: {
        ...converged,
        nodes: [converged.nodes[0]!, { ...converged.nodes[1]!, endpoint: 'tcp://127.0.0.1:1299' }],
      },
      expected: [
        {
          kind: 'update',
          node: 'linux-arm64',
          argv: APPEND_ARM64,
          reason: 'node "linux-arm64" differs: endpoint tcp://127.0.0.1:1299 → tcp://127.0.0.1:1235',
        },
      ],
    },
    {
      case: 'pins unknown (ls abbreviated them) → re-pin in place, it is harmless',
      desired: FLEET,
      actual: {
        ...converged,
        nodes: [{ ...converged.nodes[0]!, platformsComplete: false }, converged.nodes[1]!],
      },
      expected: [
        {
          kind: 'update',
          node: 'linux-amd64',
          argv: APPEND_AMD64,
          reason: 'node "linux-amd64" differs: pinned platforms unknown → linux/amd64',
        },
      ],
    },
    {
      case: 'nodes in the wrong order → re-append from the first one out of place',
      desired: FLEET,
      actual: withNodes(converged, ['linux-arm64', 'linux-amd64']),
      expected: [
        {
          kind: 'leave',
          node: 'linux-amd64',
          argv: LEAVE('linux-amd64'),
          reason: 'node "linux-amd64" is out of the declared order',
        },
        {
          kind: 'append',
          node: 'linux-amd64',
          argv: APPEND_AMD64,
          reason: 'append "linux-amd64" again, as declared',
        },
        {
          kind: 'leave',
          node: 'linux-arm64',
          argv: LEAVE('linux-arm64'),
          reason: 'node "linux-arm64" is out of the declared order',
        },
        {
          kind: 'append',
          node: 'linux-arm64',
          argv: APPEND_ARM64,
          reason: 'append "linux-arm64" again, as declared',
        },
      ],
    },
  ])('$case', ({ desired, actual, expected }) => {
    expect(steps(desired, actual)).toEqual(expected);
  });

  it('reports an extra node without --prune and leaves it with --prune', () => {
    const desired = builderSpec('builder', 'remote', [AMD64]);
    expect(ensure(desired, converged).extraNodes).toEqual(['linux-arm64']);
    expect(steps(desired, converged, { prune: true })).toEqual([
      {
        kind: 'leave',
        node: 'linux-arm64',
        argv: LEAVE('linux-arm64'),
        reason: 'node "linux-arm64" is not declared (--prune)',
      },
    ]);
    expect(ensure(desired, converged, { prune: true }).extraNodes).toEqual([]);
  });

  it('with --prune and every node undeclared, appends the new nodes before leaving the old ones', () => {
    // Capture qemu-inspect-bootstrap: builder "mixed" has native-amd64 (:1234) and qemu0 (:1237).
    const mixed = builderFromCapture('0.13.1', 'qemu-inspect-bootstrap');
    const desired = builderSpec('mixed', 'remote', [
      nodeSpec({ name: 'amd64', endpoint: 'tcp://127.0.0.1:1234', platforms: ['linux/amd64'] }),
      nodeSpec({ name: 'arm64', endpoint: 'tcp://127.0.0.1:1235', platforms: ['linux/arm64'] }),
    ]);
    const kinds = ensure(desired, mixed, { prune: true }).actions.map(
      (a) => `${a.kind} ${'node' in a ? a.node : ''}`,
    );
    // native-amd64 holds the endpoint "amd64" declares: buildx refuses duplicates, so it goes first.
    expect(kinds).toEqual(['leave native-amd64', 'append amd64', 'append arm64', 'leave qemu0']);
    expect(ensure(desired, mixed).blocked).toEqual({
      reason:
        'builder "mixed" has undeclared node "native-amd64" (tcp://127.0.0.1:1234) on an endpoint the config gives another node; buildx refuses duplicate endpoints',
      hint: 'run again with --prune to remove the undeclared node, or rename the node back in the config',
    });
  });

  it('blocks a driver change without --recreate, and re-creates with it', () => {
    const desired = { ...FLEET, driver: 'docker-container' as const, nodes: [nodeSpec({ name: 'local0' })] };
    const reason =
      'builder "builder" uses driver "remote" but the config says "docker-container"; buildx cannot change the driver of a builder';
    expect(ensure(desired, converged)).toEqual({
      version: 1,
      builder: 'builder',
      actions: [],
      extraNodes: [],
      blocked: { reason, hint: 'run again with --recreate to remove "builder" and create it as declared' },
    });
    expect(steps(desired, converged, { recreate: true })).toEqual([
      { kind: 'rm', node: undefined, argv: 'buildx rm builder', reason: `${reason} (--recreate)` },
      {
        kind: 'create',
        node: 'local0',
        argv: 'buildx create --name builder --node local0 --driver docker-container',
        reason: 'the builder was removed: create it with its first node "local0"',
      },
    ]);
  });

  it('blocks a builder buildx cannot load, unless --recreate', () => {
    const broken = { ...converged, error: 'invalid character', nodes: [] };
    expect(ensure(FLEET, broken).blocked?.reason).toBe(
      'buildx cannot load builder "builder": invalid character',
    );
    expect(steps(FLEET, broken, { recreate: true }).map((s) => s.kind)).toEqual(['rm', 'create', 'append']);
  });

  it('uses the builder when the config says so and it is not current', () => {
    const useFleet = { ...FLEET, use: true };
    const use = {
      kind: 'use',
      node: undefined,
      argv: 'buildx use builder',
      reason: 'the config says use: true and "builder" is not the current builder',
    };
    expect(steps(useFleet, converged)).toEqual([use]);
    expect(steps(useFleet, { ...converged, current: true })).toEqual([]);
    expect(steps(useFleet, undefined).map((s) => s.kind)).toEqual(['create', 'append', 'use']);
  });
});

describe('planEnsure: docker-container builder (captures dc-*)', () => {
  it('plans nothing for the converged 0.29.1 builder: the flag buildx adds by itself is not drift', () => {
    const plan = planEnsure(MAC, builderFromCapture('0.29.1', 'dc-inspect'), {
      version: versionOf('0.29.1'),
      prune: false,
      recreate: false,
    });
    expect(plan.actions).toEqual([]);
  });

  it('on 0.10.5, where only amd64-box was created, appends mac-arm64 and re-appends amd64-box after it', () => {
    // dc-create-local failed on 0.10.5 (no default-load there); dc-append-ssh then created the builder.
    const actual = builderFromCapture('0.10.5', 'dc-inspect');
    const desired = { ...MAC, nodes: [{ ...MAC.nodes[0]!, driverOpts: { network: 'host' } }, MAC.nodes[1]!] };
    const plan = planEnsure(desired, actual, { version: versionOf('0.10.5'), prune: false, recreate: false });
    expect(plan.actions.map((a) => a.argv.join(' '))).toEqual([
      'buildx create --name mac --node mac-arm64 --driver docker-container --append --platform linux/arm64 --driver-opt network=host',
      'buildx create --leave --name mac --node amd64-box',
      'buildx create --name mac --node amd64-box --driver docker-container --append --platform linux/amd64,linux/386 --driver-opt network=host ssh://root@127.0.0.1:2222',
    ]);
  });

  it('updates changed buildkitd flags in place, and passes the config file with the flag of the version', () => {
    const actual = builderFromCapture('0.29.1', 'dc-inspect');
    const desired = {
      ...MAC,
      nodes: [
        { ...MAC.nodes[0]!, buildkitdFlags: '--debug', buildkitdConfig: '/etc/bk.toml' },
        MAC.nodes[1]!,
      ],
    };
    expect(steps(desired, actual)).toEqual([
      {
        kind: 'update',
        node: 'mac-arm64',
        argv: 'buildx create --name mac --node mac-arm64 --driver docker-container --append --platform linux/arm64 --driver-opt default-load=true --driver-opt network=host --buildkitd-flags --debug --buildkitd-config /etc/bk.toml',
        reason:
          'node "mac-arm64" differs: buildkitd flags "" → "--debug" (the running BuildKit keeps its old settings until the builder is removed and ensured again)',
      },
    ]);
  });

  it('re-appends a node moved from ssh back to the local Docker (create without an endpoint keeps the old one)', () => {
    const actual = {
      ...builderFromCapture('0.29.1', 'dc-inspect'),
      nodes: [
        actualNode({
          name: 'mac-arm64',
          endpoint: 'ssh://me@old-host',
          platforms: entries('linux/arm64*'),
          driverOpts: { network: 'host', 'default-load': 'true' },
        }),
      ],
    };
    const desired = { ...MAC, nodes: [MAC.nodes[0]!] };
    expect(steps(desired, actual).map((s) => [s.kind, s.reason])).toEqual([
      ['rm', 'buildx cannot leave the last node of "mac"'],
      ['create', 'the builder was removed: create it with its first node "mac-arm64"'],
    ]);
  });
});
