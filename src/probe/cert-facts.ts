// What a certificate says, read with node:crypto: who it names, who signed it, when it is valid, what for.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

export interface CertFacts {
  subject: string;
  issuer: string;
  serial: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  sans: { dns: string[]; ip: string[]; other: string[] };
  /** Extended key usages by name (serverAuth, clientAuth) or OID. */
  extKeyUsage: string[];
  isCA: boolean;
  selfSigned: boolean;
  fingerprint256: string;
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'ocspSigning',
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every PEM certificate block in a text (a chain file holds several). */
export function splitPemCertificates(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

// node prints `DNS:a, IP Address:127.0.0.1` (quoting entries that contain a comma).
function parseSans(text: string | undefined): CertFacts['sans'] {
  const sans: CertFacts['sans'] = { dns: [], ip: [], other: [] };
  for (const entry of text?.split(/, (?=[A-Za-z ]+:)/) ?? []) {
    if (entry.startsWith('DNS:')) sans.dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) sans.ip.push(entry.slice(11));
    else if (entry !== '') sans.other.push(entry);
  }
  return sans;
}

/** Facts of a certificate given as PEM text (the first block) or an X509Certificate. */
export function certFacts(cert: string | X509Certificate): CertFacts {
  const x = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  return {
    subject: x.subject.replaceAll('\n', ', '),
    issuer: x.issuer.replaceAll('\n', ', '),
    serial: x.serialNumber,
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    sans: parseSans(x.subjectAltName),
    extKeyUsage: (x.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    isCA: x.ca,
    selfSigned: x.checkIssued(x),
    fingerprint256: x.fingerprint256,
  };
}

/** Every SAN as `servername` would need to spell it. */
export function namesOf(facts: CertFacts): string[] {
  return [...facts.sans.dns, ...facts.sans.ip];
}

export type Validness = { valid: true } | { valid: false; why: 'expired' | 'not-yet-valid'; at: string };

/** Whether `now` falls inside the certificate's validity window. */
export function validityAt(facts: CertFacts, now: Date = new Date()): Validness {
  if (now.getTime() > Date.parse(facts.notAfter)) return { valid: false, why: 'expired', at: facts.notAfter };
  if (now.getTime() < Date.parse(facts.notBefore)) {
    return { valid: false, why: 'not-yet-valid', at: facts.notBefore };
  }
  return { valid: true };
}

/** Why a certificate is outside its validity window, in a verdict's words; undefined inside it. */
export function validityFault(
  facts: CertFacts,
  subject: string,
): { expired: boolean; detail: string } | undefined {
  const when = validityAt(facts);
  if (when.valid) return undefined;
  const expired = when.why === 'expired';
  return {
    expired,
    detail: `${subject} ${expired ? 'expired on' : 'is not valid before'} ${shortDate(when.at)}`,
  };
}

/** True when the private key (PEM) is the one whose public half the certificate carries. */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return fromKey.equals(fromCert);
}

/** A date as people read it in a message: `2026-01-02 10:00 UTC`. */
export function shortDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
