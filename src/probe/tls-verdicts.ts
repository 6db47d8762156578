// The verdicts of a TLS handshake: which of the failures users hit it is, with the fix for each.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import { opensslReason } from '../tool-noise.js';
import { certFacts, namesOf, validityFault } from './cert-facts.js';
import type { TlsFailure, TlsProbeInput } from './tls-types.js';

// OpenSSL's verdicts that mean "this CA did not sign that certificate".
const CHAIN_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'INVALID_CA',
]);
// What OpenSSL reports when the peer's first bytes are not a TLS record (plain HTTP, gRPC without TLS, SSH...).
const NOT_TLS_CODE =
  /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|UNKNOWN_PROTOCOL|HTTP_REQUEST|RECORD_LAYER_FAILURE/;
// Alerts a server sends about the client's certificate (Go: bad certificate, unknown CA, certificate expired).
const CLIENT_ALERTS =
  /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|ACCESS_DENIED|DECRYPT_ERROR)$/;

export interface HandshakeContext {
  input: TlsProbeInput;
  name: string;
  files: { ca: string; cert: string; key: string };
}

const alertName = (code: string) => /ALERT_([A-Z_]+)$/.exec(code)?.[1]?.toLowerCase().replaceAll('_', ' ');

export function clientRejected(c: HandshakeContext, how: string): TlsFailure {
  const expiredHint = how.includes('certificate expired')
    ? ' It says the client certificate expired: compare the clocks (date -u) here and on the server.'
    : '';
  return {
    ok: false,
    reason: 'tls-client-rejected',
    code: 'tls.client-rejected',
    detail: `${c.input.host}:${c.input.port} rejected the client certificate ${c.files.cert} (${how})`,
    fix: `buildkitd does not accept ${c.files.cert}: issue it from the CA buildkitd trusts (--tlscacert; mpb certs create makes both from one CA) or restart buildkitd with --tlscacert set to the CA that signed it.${expiredHint}`,
  };
}

export function notTls(c: HandshakeContext, how: string): TlsFailure {
  const { host, port } = c.input;
  return {
    ok: false,
    reason: 'tls-not-tls',
    code: 'tls.not-tls',
    detail: `${host}:${port} does not speak TLS (${how})`,
    fix: `Start buildkitd on ${host}:${port} with --tlscacert, --tlscert and --tlskey (mpb certs create prints the command), or check that ${port} is buildkitd's port and not another service.`,
  };
}

/** TLS works (or got as far as ALPN), but what listens is not BuildKit: `answered` says what it is instead. */
export function noBuildkit(
  c: HandshakeContext,
  code: 'grpc.no-h2' | 'grpc.no-answer' | 'grpc.not-buildkit' | 'grpc.error',
  answered: string,
): TlsFailure {
  const { host, port } = c.input;
  return {
    ok: false,
    reason: 'grpc',
    code,
    detail: `TLS works, but no BuildKit answers on ${host}:${port}: ${answered}`,
    fix:
      code === 'grpc.error'
        ? `See buildkitd's log on ${host}; restart it if it is stuck.`
        : `Check that ${port} is buildkitd's port (buildkitd --addr tcp://0.0.0.0:${port}), not a proxy or another TLS service, and that buildkitd is not hung.`,
  };
}

/** Checks the server's certificate the way buildx (Go) would, in the order a user should fix things. */
export function verifyServer(
  c: HandshakeContext,
  socket: TLSSocket,
  peer: X509Certificate,
): TlsFailure | undefined {
  const server = certFacts(peer);
  const code = socket.authorizationError ? String(socket.authorizationError) : undefined;
  const { host, port } = c.input;
  if (code && CHAIN_ERRORS.has(code)) {
    const ca = certFacts(c.input.ca);
    return {
      ok: false,
      reason: 'tls-ca',
      code: 'tls.unknown-ca',
      server,
      detail: `the server certificate of ${host}:${port} (issuer "${server.issuer}") is not signed by the CA in ${c.files.ca} ("${ca.subject}") (${code})`,
      fix: `Set tls.ca to the CA that issued the server certificate ("${server.issuer}"), or re-issue the server certificate from your CA: mpb certs create --host ${host}.`,
    };
  }
  const fault = validityFault(server, `the server certificate of ${host}:${port}`);
  if (fault) {
    return {
      ok: false,
      ...(fault.expired
        ? {
            reason: 'tls-expired',
            code: 'tls.expired',
            fix: `Renew the server certificate (mpb certs create --host ${host} --out DIR), install it on the server and restart buildkitd.`,
          }
        : {
            reason: 'tls-not-yet-valid',
            code: 'tls.not-yet-valid',
            fix: `Compare the clocks (date -u) here and on the server; if the server's clock is right, re-issue the certificate.`,
          }),
      server,
      detail: fault.detail,
    };
  }
  const names = namesOf(server);
  const mismatch =
    names.length === 0
      ? 'it has no subject alternative names (Go ignores the common name)'
      : checkServerIdentity(c.name, peer.toLegacyObject())
        ? `it is valid for ${names.join(', ')}`
        : undefined;
  if (mismatch) {
    const suggestion = names.find((n) => !isIP(n)) ?? names[0];
    return {
      ok: false,
      reason: 'tls-hostname',
      code: 'tls.name-mismatch',
      server,
      detail: `"${c.name}" is not a name of the server certificate of ${host}:${port}: ${mismatch}`,
      fix: suggestion
        ? `Add "servername: ${suggestion}" to the node's tls block, or re-issue the server certificate for this address: mpb certs create --host ${c.name}.`
        : `Re-issue the server certificate with a SAN for this address: mpb certs create --host ${c.name}.`,
    };
  }
  if (code) {
    const caOutOfDate = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
    return {
      ok: false,
      reason: caOutOfDate ? 'tls-ca' : 'tls-handshake',
      code: caOutOfDate ? 'tls.ca-out-of-date' : 'tls.handshake',
      server,
      detail: `the certificate chain of ${host}:${port} does not verify (${code}; the CA certificate itself may be out of date)`,
      fix: `Check ${c.files.ca} with: mpb certs show ${c.files.ca}`,
    };
  }
  return undefined;
}

/** What a handshake error means; `answered`: the server sent bytes before it failed. */
export function classifyTlsError(
  c: HandshakeContext,
  e: { code?: string; message: string },
  stage: { secured: boolean; answered: boolean },
): TlsFailure {
  const code = e.code ?? '';
  if (CLIENT_ALERTS.test(code)) return clientRejected(c, `alert "${alertName(code)}"`);
  // The reason OpenSSL gives, without its internals (`…:error:0A00010B:SSL routines:ssl3_get_record:`).
  if (NOT_TLS_CODE.test(code))
    return notTls(c, `its first bytes are not a TLS record: ${opensslReason(e.message)}`);
  if (code.endsWith('ALERT_NO_APPLICATION_PROTOCOL')) {
    return noBuildkit(c, 'grpc.no-h2', 'the server refused HTTP/2 (ALPN h2), which gRPC needs');
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    if (stage.secured) return clientRejected(c, 'connection reset after the handshake');
    // Nothing came back to our ClientHello: a plain TCP service that hung up. Something came back: a TLS
    // server that hung up after reading our certificate.
    return stage.answered
      ? clientRejected(c, 'connection reset during the handshake')
      : notTls(c, 'closed the connection without answering the TLS ClientHello');
  }
  return {
    ok: false,
    reason: 'tls-handshake',
    code: 'tls.handshake',
    detail: `TLS handshake with ${c.input.host}:${c.input.port} failed: ${code || e.message}`,
    fix: `Inspect it with: openssl s_client -connect ${c.input.host}:${c.input.port} -CAfile ${c.files.ca} -cert ${c.files.cert} -key ${c.files.key}`,
  };
}
