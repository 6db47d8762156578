// Past TLS: the probe asks BuildKit over gRPC. Against in-process servers that complete the mutual-TLS handshake
// and then speak something else, and against a real buildkitd.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authority, createAuthority, validityFor } from '../../src/certs/generate.js';
import type { NodeSpec } from '../../src/config/types.js';
import { activeBuildsOf, busyOfNodes } from '../../src/probe/busy.js';
import { probeNode } from '../../src/probe/node.js';
import { type BuildkitDaemons, type Daemon, startBuildkitDaemons } from '../helpers/buildkit.js';
import { describeUnless, whySkip } from '../helpers/skip.js';
import { leaf, type Running, startTlsServer, type TlsSpeaks, writePems } from '../helpers/tls-server.js';

const TIMEOUT_MS = 5_000;
let ca: Authority;
let client: Record<string, string>;
const servers: Running[] = [];

function nodeAt(port: number, files = client): NodeSpec {
  return {
    name: 'n0',
    endpoint: `tcp://127.0.0.1:${port}`,
    platforms: ['linux/amd64'],
    emulate: [],
    tls: { ca: files.ca!, cert: files.cert!, key: files.key!, servername: undefined },
    driverOpts: {},
    buildkitdFlags: undefined,
    buildkitdConfig: undefined,
    local: undefined,
    pos: { path: 'builders.yaml', line: 1, column: 1 },
  };
}

beforeAll(async () => {
  ca = await createAuthority('grpc CA', validityFor(30));
  const pair = await leaf(ca, 'client');
  client = await writePems({ ca: ca.pem.cert, cert: pair.cert, key: pair.key });
});

afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serve(speaks: TlsSpeaks, workersReply?: Buffer): Promise<number> {
  const server = await startTlsServer({
    ...(await leaf(ca, 'server')),
    ca: ca.pem.cert,
    speaks,
    ...(workersReply ? { workersReply } : {}),
  });
  servers.push(server);
  return server.port;
}

describe('probe past TLS: does BuildKit answer gRPC?', () => {
  it('up when BuildKit answers ListWorkers; the last check says so', async () => {
    const r = await probeNode(nodeAt(await serve('buildkit')), { timeoutMs: TIMEOUT_MS });
    expect(r).toMatchObject({ state: 'up', code: 'ok' });
    expect(r.state === 'up' && r.checks.at(-1)).toMatch(/^BuildKit answers \(gRPC ListWorkers in \d+ ms\)$/);
  });

  it.each([
    [
      'grpc-other',
      'grpc.not-buildkit',
      `a gRPC server without BuildKit's API (gRPC status 12 "unknown service")`,
    ],
    ['h2-http', 'grpc.no-answer', 'HTTP/2 404, content-type text/plain, server nginx'],
    ['http1', 'grpc.no-h2', 'the server does not speak HTTP/2 (no ALPN protocol chosen), which gRPC needs'],
  ] as const)('%s → %s, naming what answered', async (speaks, code, answered) => {
    const port = await serve(speaks);
    const r = await probeNode(nodeAt(port), { timeoutMs: TIMEOUT_MS });
    expect(r).toMatchObject({
      state: 'down',
      code,
      detail: `TLS works, but no BuildKit answers on 127.0.0.1:${port}: ${answered}`,
    });
  });

  it('a server that completes the handshake and then says nothing: grpc.no-answer within the timeout', async () => {
    const port = await serve('silent');
    const r = await probeNode(nodeAt(port), { timeoutMs: 1_000 });
    expect(r).toMatchObject({ state: 'down', code: 'grpc.no-answer' });
    expect(r.state === 'down' && r.detail).toMatch(
      new RegExp(
        `^TLS works, but no BuildKit answers on 127\\.0\\.0\\.1:${port}: no answer to a gRPC call in [\\d.]+ s$`,
      ),
    );
  });
});

// The scheduler's question (probe/busy.ts) goes through the same call routine: the server answers with a real
// ListenBuildHistory reply of two running builds (test/fixtures/captures-local/INDEX.md).
const TWO_ACTIVE = await readFile(
  new URL('../fixtures/captures-local/buildkit-v0.32.2/listenbuildhistory-two-active.bin', import.meta.url),
);

describe('activeBuildsOf: how many builds a TLS node runs, or undefined', () => {
  it('reads the streamed events: 2', async () => {
    expect(await activeBuildsOf(nodeAt(await serve('buildkit', TWO_ACTIVE)), { timeoutMs: TIMEOUT_MS })).toBe(
      2,
    );
  });

  it.each(['grpc-other', 'h2-http', 'http1'] as const)('%s: undefined', async (speaks) => {
    expect(await activeBuildsOf(nodeAt(await serve(speaks)), { timeoutMs: TIMEOUT_MS })).toBeUndefined();
  });

  it('a silent server: undefined once the signal fires, long before the timeout', async () => {
    const node = nodeAt(await serve('silent'));
    const signal = AbortSignal.timeout(100);
    expect(await activeBuildsOf(node, { timeoutMs: 600_000, signal })).toBeUndefined();
  }, 10_000);

  it('busyOfNodes: every node at once, a silent one undefined, never a rejection', async () => {
    const busy = { ...nodeAt(await serve('buildkit', TWO_ACTIVE)), name: 'busy0' };
    const silent = { ...nodeAt(await serve('silent')), name: 'silent0' };
    const plain = { ...nodeAt(await serve('buildkit')), name: 'plain0', tls: undefined };
    expect(await busyOfNodes([busy, silent, plain], { timeoutMs: 500 })).toEqual(
      new Map([
        ['busy0', 2],
        ['silent0', undefined],
        ['plain0', undefined],
      ]),
    );
  });
});

// One real buildkitd (test/helpers/buildkit.ts) with certificates made by `mpb certs create`.
const started = await startBuildkitDaemons([{ name: 'grpc0' }]);
describeUnless(whySkip(started), 'a real buildkitd', () => {
  const kit = started as BuildkitDaemons;
  const daemon = kit.daemons?.[0] as Daemon;
  const own = () => ({ ca: kit.certs.ca, cert: kit.certs.clientCert, key: kit.certs.clientKey });
  afterAll(() => kit.stop());

  it('answers ListWorkers over mutual TLS: up', async () => {
    const r = await probeNode(nodeAt(daemon.port, own()), { timeoutMs: TIMEOUT_MS });
    expect(r).toMatchObject({ state: 'up', code: 'ok' });
  });

  it('refuses a client certificate from another CA: tls.client-rejected', async () => {
    const other = await createAuthority('other CA', validityFor(30));
    const stranger = await leaf(other, 'client');
    const files = await writePems({
      ca: await readFile(kit.certs.ca, 'utf8'),
      cert: stranger.cert,
      key: stranger.key,
    });
    const r = await probeNode(nodeAt(daemon.port, files), { timeoutMs: TIMEOUT_MS });
    expect(r).toMatchObject({ state: 'down', code: 'tls.client-rejected' });
  });

  it('frozen (SIGSTOP): the kernel still accepts TCP, the handshake never ends: tls.timeout', async () => {
    await daemon.freeze();
    try {
      const r = await probeNode(nodeAt(daemon.port, own()), { timeoutMs: 1_000 });
      expect(r).toMatchObject({ state: 'down', code: 'tls.timeout' });
    } finally {
      daemon.thaw();
    }
  });
});
