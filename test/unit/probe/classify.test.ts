// Pure classification tables: handshake errors as node reports them, endpoints as the config writes them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../src/probe/endpoint.js';
import { classifyTlsError, type HandshakeContext } from '../../../src/probe/tls-verdicts.js';
import { parseBuildctlWorkers } from '../../../src/probe/workers.js';

const c: HandshakeContext = {
  input: { host: 'build.example.com', port: 1234, ca: '', cert: '', key: '', timeoutMs: 1000 },
  name: 'build.example.com',
  files: { ca: '/c/ca.pem', cert: '/c/client-cert.pem', key: '/c/client-key.pem' },
};

describe('classifyTlsError', () => {
  // Go's crypto/tls server sends these alerts when it refuses a client certificate (verifyClientCertificate).
  it.each([
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', false, false, 'tls-client-rejected', 'alert "bad certificate"'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', false, true, 'tls-client-rejected', 'alert "unknown ca"'],
    [
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      true,
      true,
      'tls-client-rejected',
      'alert "certificate required"',
    ],
    [
      'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
      true,
      true,
      'tls-client-rejected',
      'alert "certificate expired"',
    ],
    ['ECONNRESET', true, true, 'tls-client-rejected', 'connection reset after the handshake'],
    ['ECONNRESET', false, true, 'tls-client-rejected', 'connection reset during the handshake'],
    [
      'ECONNRESET',
      false,
      false,
      'tls-not-tls',
      'closed the connection without answering the TLS ClientHello',
    ],
    [
      'ERR_SSL_WRONG_VERSION_NUMBER',
      false,
      true,
      'tls-not-tls',
      'its first bytes are not a TLS record: wrong version number',
    ],
    [
      'ERR_SSL_PACKET_LENGTH_TOO_LONG',
      false,
      true,
      'tls-not-tls',
      'its first bytes are not a TLS record: packet length too long',
    ],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', false, true, 'tls-handshake', undefined],
    // A TLS server that offers no HTTP/2 refuses our ALPN h2 outright: not gRPC, so not BuildKit.
    ['ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', false, true, 'grpc', undefined],
  ] as const)('%s (secured %s, answered %s) → %s', (code, secured, answered, reason, how) => {
    const message = code.startsWith('ERR_SSL_') ? code.slice(8).toLowerCase().replaceAll('_', ' ') : code;
    const r = classifyTlsError(c, { code, message }, { secured, answered });
    expect(r.reason).toBe(reason);
    if (how) expect(r.detail).toContain(`(${how})`);
  });

  it('names the expired-client alert in the fix: the server clock may be off', () => {
    const r = classifyTlsError(
      c,
      { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', message: '' },
      { secured: true, answered: true },
    );
    expect(r.fix).toBe(
      'buildkitd does not accept /c/client-cert.pem: issue it from the CA buildkitd trusts (--tlscacert; mpb certs create makes both from one CA) or restart buildkitd with --tlscacert set to the CA that signed it. It says the client certificate expired: compare the clocks (date -u) here and on the server.',
    );
  });

  it('gives the openssl command for anything else', () => {
    const r = classifyTlsError(
      c,
      { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', message: '' },
      { secured: false, answered: true },
    );
    expect(r).toMatchObject({
      detail: 'TLS handshake with build.example.com:1234 failed: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      fix: 'Inspect it with: openssl s_client -connect build.example.com:1234 -CAfile /c/ca.pem -cert /c/client-cert.pem -key /c/client-key.pem',
    });
  });
});

describe('parseEndpoint', () => {
  const local = undefined;
  it.each([
    [
      { endpoint: 'tcp://build.example.com:1234', local },
      'remote',
      { kind: 'tcp', host: 'build.example.com', port: 1234 },
    ],
    [{ endpoint: 'tcp://[::1]:1234', local }, 'remote', { kind: 'tcp', host: '::1', port: 1234 }],
    [
      { endpoint: 'tcp://10.0.0.5', local },
      'remote',
      { kind: 'invalid', why: '"tcp://10.0.0.5" has no port (buildkitd usually listens on 1234)' },
    ],
    [
      { endpoint: 'ssh://root@10.0.0.5:2222', local },
      'docker-container',
      { kind: 'ssh', user: 'root', host: '10.0.0.5', port: 2222 },
    ],
    [
      { endpoint: 'ssh://box', local },
      'docker-container',
      { kind: 'ssh', user: undefined, host: 'box', port: undefined },
    ],
    [
      { endpoint: 'docker-container://mpb-fleet-mac', local },
      'remote',
      { kind: 'docker-container', container: 'mpb-fleet-mac' },
    ],
    [
      { endpoint: 'unix:///run/buildkit/buildkitd.sock', local },
      'remote',
      { kind: 'unix', path: '/run/buildkit/buildkitd.sock' },
    ],
    [
      { endpoint: 'kube-pod://buildkitd-0', local },
      'remote',
      { kind: 'skip', why: 'kube-pod:// endpoints are reached through kubectl' },
    ],
    [
      { endpoint: 'desktop-linux', local },
      'docker-container',
      { kind: 'docker-context', context: 'desktop-linux' },
    ],
    [{ endpoint: undefined, local }, 'docker-container', { kind: 'local-docker' }],
    [{ endpoint: undefined, local }, 'kubernetes', { kind: 'kubectl' }],
    [
      { endpoint: undefined, local: { image: 'moby/buildkit:buildx-stable-1' } },
      'remote',
      { kind: 'local-container' },
    ],
  ] as const)('%j with %s', (node, driver, expected) => {
    expect(parseEndpoint(node, driver)).toEqual(expected);
  });
});

describe('parseBuildctlWorkers', () => {
  it('reads the platforms column of buildctl debug workers', () => {
    const text =
      'ID\t\t\t\tPLATFORMS\nq2k1mrc1wj0xpqy9ub1y0vb3t\tlinux/arm64,linux/amd64,linux/amd64/v2,linux/arm/v7\n';
    expect(parseBuildctlWorkers(text)).toEqual([
      'linux/arm64',
      'linux/amd64',
      'linux/amd64/v2',
      'linux/arm/v7',
    ]);
  });
  it('is empty without workers', () => {
    expect(parseBuildctlWorkers('ID\tPLATFORMS\n')).toEqual([]);
  });
  it('reads a real daemon with every QEMU emulator registered; buildctl already prints arm as linux/arm/v7', () => {
    const table = readFileSync(
      new URL('../../fixtures/captures-local/buildkit-v0.32.2/workers-amd64-all-qemu.txt', import.meta.url),
      'utf8',
    );
    expect(parseBuildctlWorkers(table).slice(-5)).toEqual([
      'linux/ppc64le',
      'linux/s390x',
      'linux/loong64',
      'linux/arm/v7',
      'linux/arm/v6',
    ]);
  });
  it('puts what it reads in mpb’s form (a buildctl of another containerd)', () => {
    expect(parseBuildctlWorkers('w1\tlinux/arm,linux/arm64/v8,linux/arm/v7,linux/mystery\n')).toEqual([
      'linux/arm/v7',
      'linux/arm64',
      'linux/mystery',
    ]);
  });
});
