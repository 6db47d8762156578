// Every TLS failure class, reproduced against real in-process servers with certificates from mpb's generator.
import { chmod } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authority, createAuthority, validityFor } from '../../../src/certs/generate.js';
import type { NodeSpec, TlsSpec } from '../../../src/config/types.js';
import { probeNode } from '../../../src/probe/node.js';
import type { ProbeResult } from '../../../src/probe/types.js';
import { closedPort } from '../../helpers/listeners.js';
import { leaf, type Running, startPlainServer, startTlsServer, writePems } from '../../helpers/tls-server.js';

const TIMEOUT_MS = 5_000;

function nodeAt(endpoint: string, tls?: Partial<TlsSpec>): NodeSpec {
  return {
    name: 'n0',
    endpoint,
    platforms: ['linux/amd64'],
    emulate: [],
    tls: tls ? { ...(tls as TlsSpec), servername: tls.servername } : undefined,
    driverOpts: {},
    buildkitdFlags: undefined,
    buildkitdConfig: undefined,
    local: undefined,
    pos: { path: 'builders.yaml', line: 1, column: 1 },
  };
}

const down = (r: ProbeResult) => (r.state === 'down' ? { code: r.code, detail: r.detail, fix: r.fix } : r);

let ca: Authority;
let otherCa: Authority;
const servers: Running[] = [];
/** Client files signed by `ca`, shared by the server-side cases. */
let good: Record<string, string>;

async function serve(server: { cert: string; key: string }, trusted = ca): Promise<number> {
  const running = await startTlsServer({ ...server, ca: trusted.pem.cert });
  servers.push(running);
  return running.port;
}

beforeAll(async () => {
  ca = await createAuthority('test CA', validityFor(30));
  otherCa = await createAuthority('other CA', validityFor(30));
  const client = await leaf(ca, 'client');
  good = await writePems({ ca: ca.pem.cert, cert: client.cert, key: client.key });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('probeNode over mutual TLS', () => {
  it('is up when both sides trust each other', async () => {
    const port = await serve(await leaf(ca, 'server'));
    const r = await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, good), { timeoutMs: TIMEOUT_MS });
    expect(r.state).toBe('up');
    expect(r.state === 'up' && r.checks.at(-1)).toMatch(/^BuildKit answers \(gRPC ListWorkers in \d+ ms\)$/);
    expect(r.state === 'up' && r.checks.at(-2)).toMatch(
      /^TLSv1\.3 with "CN=127\.0\.0\.1" \(valid until \d{4}-\d\d-\d\d\); client certificate accepted$/,
    );
  });

  it('tls.unknown-ca: the configured CA did not sign the server certificate', async () => {
    const port = await serve(await leaf(otherCa, 'server'));
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, good), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'tls.unknown-ca',
      detail: `the server certificate of 127.0.0.1:${port} (issuer "CN=other CA") is not signed by the CA in ${good.ca} ("CN=test CA") (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
      fix: 'Set tls.ca to the CA that issued the server certificate ("CN=other CA"), or re-issue the server certificate from your CA: mpb certs create --host 127.0.0.1.',
    });
  });

  it('tls.name-mismatch: the address is not a SAN; suggests servername, which then works', async () => {
    const port = await serve(await leaf(ca, 'server', { hosts: ['buildkitd', '10.9.9.9'] }));
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, good), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'tls.name-mismatch',
      detail: `"127.0.0.1" is not a name of the server certificate of 127.0.0.1:${port}: it is valid for buildkitd, 10.9.9.9`,
      fix: 'Add "servername: buildkitd" to the node\'s tls block, or re-issue the server certificate for this address: mpb certs create --host 127.0.0.1.',
    });
    const fixed = await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, { ...good, servername: 'buildkitd' }), {
      timeoutMs: TIMEOUT_MS,
    });
    expect(fixed.state).toBe('up');
  });

  it.each([
    [
      'tls.expired',
      { fromDays: -30, toDays: -2 },
      /expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
      'Renew the server certificate (mpb certs create --host 127.0.0.1 --out DIR), install it on the server and restart buildkitd.',
    ],
    [
      'tls.not-yet-valid',
      { fromDays: 2, toDays: 30 },
      /is not valid before \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
      "Compare the clocks (date -u) here and on the server; if the server's clock is right, re-issue the certificate.",
    ],
  ] as const)('%s: the server certificate is out of date', async (code, dates, detail, fix) => {
    const port = await serve(await leaf(ca, 'server', dates));
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, good), { timeoutMs: TIMEOUT_MS }));
    expect(r).toMatchObject({ code, fix });
    expect(r).toHaveProperty('detail', expect.stringMatching(detail));
  });

  it('tls.client-rejected: the server does not trust the client certificate', async () => {
    const port = await serve(await leaf(ca, 'server'));
    const stranger = await leaf(otherCa, 'client');
    const files = await writePems({ ca: ca.pem.cert, cert: stranger.cert, key: stranger.key });
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, files), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'tls.client-rejected',
      detail: `127.0.0.1:${port} rejected the client certificate ${files.cert} (closed the connection right after the handshake)`,
      fix: `buildkitd does not accept ${files.cert}: issue it from the CA buildkitd trusts (--tlscacert; mpb certs create makes both from one CA) or restart buildkitd with --tlscacert set to the CA that signed it.`,
    });
  });

  it.each([
    [
      'garbage',
      /^127\.0\.0\.1:\d+ does not speak TLS \(its first bytes are not a TLS record: (wrong version number|packet length too long)\)$/,
    ],
    [
      'close',
      /^127\.0\.0\.1:\d+ does not speak TLS \(closed the connection without answering the TLS ClientHello\)$/,
    ],
  ] as const)('tls.not-tls: a plain TCP service that answers with %s', async (mode, detail) => {
    const plain = await startPlainServer(mode);
    servers.push(plain);
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${plain.port}`, good), { timeoutMs: TIMEOUT_MS }));
    expect(r).toMatchObject({
      code: 'tls.not-tls',
      fix: `Start buildkitd on 127.0.0.1:${plain.port} with --tlscacert, --tlscert and --tlskey (mpb certs create prints the command), or check that ${plain.port} is buildkitd's port and not another service.`,
    });
    expect(r).toHaveProperty('detail', expect.stringMatching(detail));
  });
});

describe('probeNode local TLS file checks (no connection needed)', () => {
  it('tls.key-mismatch: the key belongs to another certificate', async () => {
    const a = await leaf(ca, 'client');
    const b = await leaf(ca, 'client');
    const files = await writePems({ ca: ca.pem.cert, cert: a.cert, key: b.key });
    const r = down(await probeNode(nodeAt('tcp://127.0.0.1:1', files), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'tls.key-mismatch',
      detail: `the client key ${files.key} does not belong to the client certificate ${files.cert}`,
      fix: `Point tls.key at the key generated together with ${files.cert} (mpb certs create writes client-key.pem next to client-cert.pem).`,
    });
  });

  it.each([
    [
      'tls.client-expired',
      { fromDays: -30, toDays: -1 },
      'expired on',
      "Issue a new client certificate from the server's CA (mpb certs create --host HOST --out DIR makes a new set) and point tls.cert/tls.key at it.",
    ],
    [
      'tls.client-not-yet-valid',
      { fromDays: 3, toDays: 30 },
      'is not valid before',
      "Check this machine's clock (date -u); if it is right, re-issue the client certificate.",
    ],
  ] as const)(
    '%s: checked from the file, since the server may just hang up',
    async (code, dates, words, fix) => {
      const client = await leaf(ca, 'client', dates);
      const files = await writePems({ ca: ca.pem.cert, cert: client.cert, key: client.key });
      const r = down(await probeNode(nodeAt('tcp://127.0.0.1:1', files), { timeoutMs: TIMEOUT_MS }));
      expect(r).toMatchObject({ code, fix });
      expect(r).toHaveProperty(
        'detail',
        expect.stringContaining(`the client certificate ${files.cert} ${words} `),
      );
    },
  );

  it('tls.files-unreadable: a missing key file', async () => {
    const r = down(
      await probeNode(nodeAt('tcp://127.0.0.1:1', { ...good, key: '/nonexistent/client.key' }), {
        timeoutMs: TIMEOUT_MS,
      }),
    );
    expect(r).toEqual({
      code: 'tls.files-unreadable',
      detail: 'cannot read the client key /nonexistent/client.key (ENOENT)',
      fix: "Fix the client key path in the node's tls block, or create the files with: mpb certs create --host HOST --out /nonexistent",
    });
  });

  it('warns about a key readable by others, with the chmod that fixes it', async () => {
    const port = await serve(await leaf(ca, 'server'));
    const client = await leaf(ca, 'client');
    const files = await writePems({ ca: ca.pem.cert, cert: client.cert, key: client.key });
    await chmod(files.key!, 0o644);
    const r = await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, files), { timeoutMs: TIMEOUT_MS });
    expect(r.state).toBe('up');
    expect(r.state === 'up' && r.warnings).toEqual([
      {
        reason: 'key-permissions',
        code: 'tls.key-permissions',
        detail: `${files.key} is readable by other users (mode 0644)`,
        fix: `chmod 600 ${files.key}`,
      },
    ]);
  });
});

describe('probeNode over plain TCP', () => {
  it('tcp.refused: a closed port', async () => {
    const port = await closedPort();
    const r = down(await probeNode(nodeAt(`tcp://127.0.0.1:${port}`, good), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'tcp.refused',
      detail: `connection to 127.0.0.1:${port} refused`,
      fix: `Nothing listens on 127.0.0.1:${port}: start buildkitd there (mpb certs create prints the docker run command) or correct the port.`,
    });
  });

  it('dns.not-found: a host that cannot resolve', async () => {
    const r = down(await probeNode(nodeAt('tcp://buildkitd.invalid:1234'), { timeoutMs: TIMEOUT_MS }));
    expect(r).toEqual({
      code: 'dns.not-found',
      detail: 'buildkitd.invalid does not resolve (ENOTFOUND)',
      fix: 'Fix the host name "buildkitd.invalid" in the endpoint, or use its IP address (check: getent hosts buildkitd.invalid).',
    });
  });

  it('up: a node without tls only needs TCP', async () => {
    const plain = await startPlainServer('garbage');
    servers.push(plain);
    const r = await probeNode(nodeAt(`tcp://127.0.0.1:${plain.port}`), { timeoutMs: TIMEOUT_MS });
    expect(r).toMatchObject({ state: 'up', checks: [`127.0.0.1:${plain.port} accepts TCP`] });
  });
});
