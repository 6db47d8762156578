// buildx's own record of a builder, and the builder made from it plus each node's ListWorkers answer, on the
// real bytes: the records and `inspect` text buildx 0.29.1 and 0.13.1 wrote, the answers two real BuildKit
// v0.32.2 daemons gave (test/fixtures/captures-local/INDEX.md, "buildx's record and BuildKit's own answer").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  inspectFromRecord,
  type NodeAnswer,
  withRecordPins,
} from '../../../src/buildx/inspect-from-record.js';
import { buildxConfigDir, parseRecord, recordKnownFor } from '../../../src/buildx/instances.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseListWorkers } from '../../../src/buildx/parse/list-workers.js';
import { parseLsJson } from '../../../src/buildx/parse/ls-json.js';
import { parseBuildxVersion } from '../../../src/buildx/version.js';

const LOCAL = new URL('../../fixtures/captures-local/', import.meta.url);
const bytes = (path: string) => readFileSync(new URL(path, LOCAL));
const text = (path: string) => readFileSync(new URL(path, LOCAL), 'utf8');

// The two daemons of the capture: a (amd64 worker) and b (arm64 worker, QEMU for the rest).
const DAEMON = { a: 'tcp://127.0.0.1:45571', b: 'tcp://127.0.0.1:39469' } as const;
const REPLY = {
  a: bytes('buildkit-v0.32.2/listworkers-a.bin'),
  b: bytes('buildkit-v0.32.2/listworkers-b.bin'),
};
const CERTS = '/tmp/mpb-bench-kit-K8OKoH/certs';
const TLS = { cacert: `${CERTS}/ca.pem`, cert: `${CERTS}/client-cert.pem`, key: `${CERTS}/client-key.pem` };

const answers = (over: Partial<Record<'a' | 'b', Partial<NodeAnswer>>> = {}) =>
  new Map(
    (['a', 'b'] as const).map((n) => [
      n,
      { endpoint: DAEMON[n], driverOpts: TLS, reply: REPLY[n], ...over[n] } satisfies NodeAnswer,
    ]),
  );

function recordOf(version: string, builder: string) {
  const read = parseRecord(
    text(`${version}/record-buildx-instances-${builder}.json`),
    text(`${version}/record-buildx-activity-${builder}`),
  );
  if (!read.ok) throw new Error(read.why);
  return read.record;
}

const version = (raw: string) => {
  const v = parseBuildxVersion(`github.com/docker/buildx ${raw} abc`);
  if (!v.ok) throw new Error(raw);
  return v.value;
};

describe('parseListWorkers: a real daemon answer', () => {
  it('reads one worker with its platforms in BuildKit order, its labels and version', () => {
    const read = parseListWorkers(REPLY.b);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.workers).toHaveLength(1);
    const [w] = read.workers;
    expect(w?.buildkitVersion).toBe('v0.32.2');
    expect(w?.platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))).toEqual([
      'linux/arm64',
      'linux/amd64',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/amd64/v4',
      'linux/riscv64',
    ]);
    expect(w?.labels['org.mobyproject.buildkit.worker.snapshotter']).toBe('native');
  });

  it.each([
    ['an empty body', Buffer.alloc(0)],
    ['an empty response (no worker)', Buffer.alloc(5)],
    ['a cut frame', REPLY.a.subarray(0, 40)],
    ['a compressed frame', Buffer.concat([Buffer.from([1]), REPLY.a.subarray(1)])],
    ['two frames', Buffer.concat([REPLY.a, REPLY.a])],
    // field 9 (length-delimited, empty) appended inside the frame: a field this reader does not know
    ['an unknown field', frameWith(REPLY.a, [0x4a, 0x00])],
  ])('%s is not one understood worker', (_, body) => {
    const read = parseListWorkers(body);
    expect(read.ok && read.workers.length === 1).toBe(false);
  });
});

/** The message of a one-frame body with `extra` bytes appended, the frame length fixed. */
function frameWith(body: Buffer, extra: number[]): Buffer {
  const message = Buffer.concat([body.subarray(5), Buffer.from(extra)]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

describe.each(['v0.29.1', 'v0.13.1'])('buildx %s: the record', (v) => {
  it('duo: two pinned remote nodes with their TLS options and the last activity', () => {
    expect(recordOf(v, 'duo')).toEqual({
      name: 'duo',
      driver: 'remote',
      lastActivity: text(`${v}/record-buildx-activity-duo`),
      nodes: [
        { name: 'a', endpoint: DAEMON.a, pins: ['linux/amd64'], driverOpts: TLS },
        { name: 'b', endpoint: DAEMON.b, pins: ['linux/arm64'], driverOpts: TLS },
      ],
    });
  });

  it('cross: a node pinned to an emulated platform and an unpinned one (`Platforms: null`)', () => {
    expect(recordOf(v, 'cross').nodes.map((n) => [n.name, n.pins])).toEqual([
      ['b', ['linux/riscv64']],
      ['a', []],
    ]);
  });

  it.each(['duo', 'cross'])(
    '%s with both daemons answers is the builder `inspect` printed, field for field',
    (builder) => {
      const inspected = parseInspect(text(`${v}/record-${builder}-inspect.stdout`));
      expect(inspected.ok).toBe(true);
      if (!inspected.ok) return;
      expect(inspectFromRecord(recordOf(v, builder), answers())).toEqual({
        ok: true,
        builder: inspected.value,
      });
    },
  );
});

// Daemon c: BuildKit v0.32.2 started with `--oci-worker-platform linux/amd64` on a machine with every Debian QEMU
// emulator registered (captures-local INDEX, "every QEMU emulator registered"). It lists 32-bit Arm as
// `{arm, linux}`, without a variant, before `{arm, linux, v6}`; buildx prints it `linux/arm/v7`.
const ALL_QEMU = {
  endpoint: 'tcp://127.0.0.1:38019',
  reply: bytes('buildkit-v0.32.2/listworkers-amd64-all-qemu.bin'),
  certs: '/tmp/mpb-capture-allqemu/certs',
};
const ALL_QEMU_SENT = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64',
  'linux/ppc64le',
  'linux/s390x',
  'linux/loong64',
  'linux/arm',
  'linux/arm/v6',
];

describe('a daemon with every QEMU emulator registered: arm without a variant, ppc64, loong64', () => {
  const joined = (p: { os: string; architecture: string; variant?: string }) =>
    [p.os, p.architecture, p.variant].filter(Boolean).join('/');

  it('ListWorkers lists them as BuildKit sent them, as buildctl printed its JSON', () => {
    const read = parseListWorkers(ALL_QEMU.reply);
    expect(read.ok && read.workers.length).toBe(1);
    if (!read.ok) return;
    expect(read.workers[0]!.platforms.map(joined)).toEqual(ALL_QEMU_SENT);
    const json = JSON.parse(text('buildkit-v0.32.2/workers-amd64-all-qemu.json')) as {
      platforms: { os: string; architecture: string; variant?: string }[];
    }[];
    expect(json[0]!.platforms.map(joined)).toEqual(ALL_QEMU_SENT);
  });

  describe.each(['v0.29.1', 'v0.13.1'])('buildx %s', (v) => {
    const record = () => recordOf(v, 'allqemu');
    const tls = {
      cacert: `${ALL_QEMU.certs}/ca.pem`,
      cert: `${ALL_QEMU.certs}/client-cert.pem`,
      key: `${ALL_QEMU.certs}/client-key.pem`,
    };
    const inspected = () => {
      const read = parseInspect(text(`${v}/record-allqemu-inspect.stdout`));
      if (!read.ok) throw new Error(read.error.message);
      return read.value;
    };

    it('printed linux/arm/v7 for it, in the daemon’s order', () => {
      expect(inspected().nodes[0]!.platforms.map((e) => e.platform)).toEqual(
        ALL_QEMU_SENT.map((p) => (p === 'linux/arm' ? 'linux/arm/v7' : p)),
      );
    });

    it('the record with the answer is the builder `inspect` printed, field for field', () => {
      const answer = { endpoint: ALL_QEMU.endpoint, driverOpts: tls, reply: ALL_QEMU.reply };
      expect(inspectFromRecord(record(), new Map([['a', answer]]))).toEqual({
        ok: true,
        builder: inspected(),
      });
    });

    it('`ls --format json` with the record is that builder too', () => {
      const listed = parseLsJson(text(`${v}/record-allqemu-ls-json.stdout`));
      const allqemu = listed.ok ? listed.value.find((b) => b.name === 'allqemu') : undefined;
      expect(allqemu).toBeTruthy();
      expect(withRecordPins(allqemu!, record())).toEqual({ ok: true, builder: inspected() });
    });
  });
});

describe('what the record reader does not take', () => {
  const duo = text('v0.29.1/record-buildx-instances-duo.json');
  const edit = (fn: (j: { Nodes: Record<string, unknown>[] } & Record<string, unknown>) => void) => {
    const j = JSON.parse(duo);
    fn(j);
    return JSON.stringify(j);
  };
  it.each([
    ['not JSON', '{"Name":'],
    ['an unknown builder key', edit((j) => Object.assign(j, { Extra: 1 }))],
    ['keys in lower case (Go would read them)', duo.replace('"Driver"', '"driver"')],
    ['a dynamic (kubernetes) record', edit((j) => Object.assign(j, { Dynamic: true }))],
    ['no nodes', edit((j) => Object.assign(j, { Nodes: [] }))],
    ['an unknown node key', edit((j) => Object.assign(j.Nodes[0]!, { Extra: null }))],
    ['buildkitd flags', edit((j) => Object.assign(j.Nodes[0]!, { Flags: ['--debug'] }))],
    ['buildkitd files', edit((j) => Object.assign(j.Nodes[0]!, { Files: { 'buildkitd.toml': 'eA==' } }))],
    [
      'a pin with os.version',
      edit((j) =>
        Object.assign(j.Nodes[0]!, {
          Platforms: [{ architecture: 'amd64', os: 'windows', 'os.version': '10' }],
        }),
      ),
    ],
    [
      'a pin that buildx 0.13 … 0.19 and 0.20 … 0.29 print apart (arm64/v9.0)',
      edit((j) =>
        Object.assign(j.Nodes[0]!, { Platforms: [{ architecture: 'arm64', os: 'linux', variant: 'v9.0' }] }),
      ),
    ],
    [
      'a pin whose variant has no v (amd64/2: buildx prints linux/amd64/2, mpb linux/amd64/v2)',
      edit((j) =>
        Object.assign(j.Nodes[0]!, { Platforms: [{ architecture: 'amd64', os: 'linux', variant: '2' }] }),
      ),
    ],
    [
      'a driver option that is not a string',
      edit((j) => Object.assign(j.Nodes[0]!, { DriverOpts: { cacert: 1 } })),
    ],
  ])('%s', (_, instance) => {
    expect(parseRecord(instance, undefined).ok).toBe(false);
  });

  it('a pin not in normal form is read as buildx prints it (containerd Normalize), once', () => {
    const pins = [
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
      { architecture: 'arm', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ];
    const read = parseRecord(
      edit((j) => Object.assign(j.Nodes[0]!, { Platforms: pins })),
      undefined,
    );
    expect(read.ok && read.record.nodes[0]!.pins).toEqual(['linux/arm64', 'linux/arm/v7']);
  });

  it('an activity file that is not buildx RFC 3339 UTC', () => {
    expect(parseRecord(duo, '2026-12-02 00:15:31').ok).toBe(false);
    expect(parseRecord(duo, undefined)).toMatchObject({ ok: true, record: { lastActivity: undefined } });
  });

  it.each([
    ['0.12.1', false],
    ['0.13.1', true],
    ['0.29.1+ds1', true],
    ['0.30.0', false],
  ])('buildx %s: record known %s', (raw, known) => {
    expect(recordKnownFor(version(raw))).toBe(known);
  });

  it('finds the config dir as buildx does: $BUILDX_CONFIG, $DOCKER_CONFIG/buildx, ~/.docker/buildx', () => {
    expect(buildxConfigDir({ BUILDX_CONFIG: 'bx', DOCKER_CONFIG: '/d', HOME: '/h' }, '/cwd')).toBe('/cwd/bx');
    expect(buildxConfigDir({ DOCKER_CONFIG: '/d', HOME: '/h' }, '/cwd')).toBe('/d/buildx');
    expect(buildxConfigDir({ HOME: '/h' }, '/cwd')).toBe('/h/.docker/buildx');
    expect(buildxConfigDir({}, '/cwd')).toBeUndefined();
  });
});

describe('inspectFromRecord: when the answers do not fit the record', () => {
  const duo = () => recordOf('v0.29.1', 'duo');
  it.each([
    ['a node not asked', () => new Map([...answers()].filter(([n]) => n === 'a'))],
    ['a node asked at another endpoint', () => answers({ b: { endpoint: 'tcp://127.0.0.1:1' } })],
    ['a node asked with other TLS files', () => answers({ a: { driverOpts: { ...TLS, cacert: '/x.pem' } } })],
    ['an answer with no worker', () => answers({ a: { reply: Buffer.alloc(5) } })],
  ])('%s: not usable', (_, make) => {
    expect(inspectFromRecord(duo(), make()).ok).toBe(false);
  });

  it('a record of another driver: not usable', () => {
    expect(inspectFromRecord({ ...duo(), driver: 'docker-container' }, answers()).ok).toBe(false);
  });
});

describe.each(['v0.29.1', 'v0.13.1'])('buildx %s: `ls --format json` with the record', (v) => {
  const listed = parseLsJson(text(`${v}/record-ls-json.stdout`));
  const byName = (name: string) => (listed.ok ? listed.value.find((b) => b.name === name) : undefined);

  it.each(['duo', 'cross'])('%s is the builder `inspect` printed, field for field', (builder) => {
    const inspected = parseInspect(text(`${v}/record-${builder}-inspect.stdout`));
    expect(inspected.ok && byName(builder)).toBeTruthy();
    if (!inspected.ok) return;
    expect(withRecordPins(byName(builder)!, recordOf(v, builder))).toEqual({
      ok: true,
      builder: inspected.value,
    });
  });

  it.each([
    ['the record of another builder', () => withRecordPins(byName('duo')!, recordOf(v, 'cross'))],
    [
      'a node not running',
      () => {
        const duo = byName('duo')!;
        return withRecordPins(
          { ...duo, nodes: duo.nodes.map((n, i) => (i === 1 ? { ...n, status: 'inactive' } : n)) },
          recordOf(v, 'duo'),
        );
      },
    ],
    [
      'pins the list does not start with',
      () => {
        const duo = byName('duo')!;
        const [a, b] = duo.nodes;
        const swapped = { ...b!, platforms: [...b!.platforms].reverse() };
        return withRecordPins({ ...duo, nodes: [a!, swapped] }, recordOf(v, 'duo'));
      },
    ],
    [
      'an activity other than the record’s',
      () => withRecordPins({ ...byName('duo')!, lastActivity: '2020-01-01T00:00:00Z' }, recordOf(v, 'duo')),
    ],
  ])('%s: not usable', (_, made) => {
    expect(made().ok).toBe(false);
  });
});
