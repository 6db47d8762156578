// Certificates for mutual TLS between buildx (client) and a remote buildkitd (server): one CA, one
// server certificate, one client certificate. X.509 is built by @peculiar/x509 on node's WebCrypto,
// never by hand-written ASN.1 or by shelling out to openssl.
import 'reflect-metadata'; // @peculiar/x509 resolves its encoders through tsyringe, which needs Reflect metadata
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

// ECDSA P-256: accepted by Go's crypto/tls (buildkitd, buildx) and by OpenSSL; small keys, fast to make.
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
// Tolerate a few minutes of clock difference between this machine and the server.
const BACKDATE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

export interface PemPair {
  cert: string;
  key: string;
}

export interface CertSet {
  ca: PemPair;
  server: PemPair;
  client: PemPair;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** A CA that can sign: its certificate and key pair, plus both as PEM. */
export interface Authority {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: PemPair;
}

export interface LeafSpec {
  role: 'server' | 'client';
  commonName: string;
  /** Server certificates: the DNS names and IP addresses that become its SANs. */
  hosts?: readonly string[];
  validity: Validity;
}

/** `days` of validity starting (a little before) `now`. */
export function validityFor(days: number, now: Date = new Date()): Validity {
  return {
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
  };
}

// Positive 128-bit serial (RFC 5280 allows up to 20 octets; the top bit clear keeps it positive).
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A self-signed CA allowed to sign leaf certificates only (path length 0). */
export async function createAuthority(commonName: string, validity: Validity): Promise<Authority> {
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: newSerial(),
      name: [{ CN: [commonName] }],
      keys,
      signingAlgorithm: ALGORITHM,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return {
    certificate,
    keys,
    pem: { cert: certificate.toString('pem'), key: await exportKey(keys.privateKey) },
  };
}

/** A server (serverAuth, SANs from hosts) or client (clientAuth) certificate signed by `ca`. */
export async function issueCertificate(ca: Authority, spec: LeafSpec): Promise<PemPair> {
  const keys = await newKeys();
  const sans = (spec.hosts ?? []).map((host) => ({
    type: isIP(host) ? ('ip' as const) : ('dns' as const),
    value: host,
  }));
  const usage = spec.role === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: newSerial(),
      subject: [{ CN: [spec.commonName] }],
      issuer: ca.certificate.subjectName,
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: ALGORITHM,
      ...spec.validity,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage], false),
        ...(sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans, false)] : []),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return { cert: certificate.toString('pem'), key: await exportKey(keys.privateKey) };
}

/** The three certificates `mpb certs create` writes: the first host is the server's common name. */
export async function createCertSet(options: {
  hosts: readonly string[];
  days: number;
  now?: Date;
}): Promise<CertSet> {
  const validity = validityFor(options.days, options.now);
  const ca = await createAuthority('mpb buildkit CA', validity);
  const server = await issueCertificate(ca, {
    role: 'server',
    commonName: options.hosts[0] ?? 'buildkitd',
    hosts: options.hosts,
    validity,
  });
  const client = await issueCertificate(ca, { role: 'client', commonName: 'mpb client', validity });
  return { ca: ca.pem, server, client };
}
