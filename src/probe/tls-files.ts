// Local checks of a node's TLS files, before any connection: present, PEM, the key fits, the client cert in date.
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TlsSpec } from '../config/types.js';
import { certFacts, keyMatchesCert, shortDate, splitPemCertificates, validityFault } from './cert-facts.js';
import type { FaultCode } from './codes.js';
import type { ProbeWarning, TlsReason } from './types.js';

export interface TlsPems {
  ca: string;
  cert: string;
  key: string;
}

export type TlsFilesOutcome =
  | { ok: true; pems: TlsPems; checks: string[]; warnings: ProbeWarning[] }
  | {
      ok: false;
      reason: TlsReason;
      code: FaultCode;
      detail: string;
      fix: string;
      warnings: ProbeWarning[];
    };

/** A warning when a private key can be read by group or others (what ssh refuses for its own keys). */
export async function checkKeyPermissions(path: string): Promise<ProbeWarning | undefined> {
  if (process.platform === 'win32') return undefined;
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return {
    reason: 'key-permissions',
    code: 'tls.key-permissions',
    detail: `${path} is readable by ${mode & 0o007 ? 'other users' : 'its group'} (mode ${mode.toString(8).padStart(4, '0')})`,
    fix: `chmod 600 ${path}`,
  };
}

async function readPem(path: string, what: string): Promise<string | { detail: string; fix: string }> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return {
      detail: `cannot read the ${what} ${path} (${code})`,
      fix: `Fix the ${what} path in the node's tls block, or create the files with: mpb certs create --host HOST --out ${dirname(path)}`,
    };
  }
}

// Nodes probed at once usually share one set of files: one check serves them all while it runs (a later
// probe, the watchdog's every few seconds, reads the files again).
const inFlight = new Map<string, Promise<TlsFilesOutcome>>();

/** Reads tls.ca/cert/key and checks them locally; the handshake can then only fail for remote reasons. */
export function checkTlsFiles(tls: TlsSpec): Promise<TlsFilesOutcome> {
  const key = JSON.stringify([tls.ca, tls.cert, tls.key]);
  const running = inFlight.get(key);
  if (running) return running;
  const checking = checkFiles(tls).finally(() => inFlight.delete(key));
  inFlight.set(key, checking);
  return checking;
}

async function checkFiles(tls: TlsSpec): Promise<TlsFilesOutcome> {
  const warnings: ProbeWarning[] = [];
  const [keyWarning, ca, cert, key] = await Promise.all([
    checkKeyPermissions(tls.key).catch(() => undefined),
    readPem(tls.ca, 'CA file'),
    readPem(tls.cert, 'client certificate'),
    readPem(tls.key, 'client key'),
  ]);
  if (keyWarning) warnings.push(keyWarning);
  const read = { ca, cert, key };
  for (const value of Object.values(read)) {
    if (typeof value !== 'string') {
      return { ok: false, reason: 'tls-files', code: 'tls.files-unreadable', ...value, warnings };
    }
  }
  const pems = read as TlsPems;
  for (const [what, path, text] of [
    ['CA file', tls.ca, pems.ca],
    ['client certificate', tls.cert, pems.cert],
  ] as const) {
    if (splitPemCertificates(text).length === 0) {
      return {
        ok: false,
        reason: 'tls-files',
        code: 'tls.files-invalid',
        detail: `the ${what} ${path} holds no PEM certificate`,
        // A tls value given as PEM text is in this file too (state/pem-files.ts): the same fix covers both.
        fix: `Give the node's tls block a PEM certificate (-----BEGIN CERTIFICATE-----), as a path or as the text itself; check it with: mpb certs show ${path}`,
        warnings,
      };
    }
  }
  let matches: boolean;
  try {
    matches = keyMatchesCert(pems.key, pems.cert);
  } catch (e) {
    return {
      ok: false,
      reason: 'tls-files',
      code: 'tls.files-invalid',
      detail: `the client key ${tls.key} is not a readable private key (${(e as Error).message})`,
      fix: `Point tls.key at the PEM private key made with ${tls.cert} (unencrypted: buildx cannot ask for a passphrase).`,
      warnings,
    };
  }
  if (!matches) {
    return {
      ok: false,
      reason: 'tls-key-mismatch',
      code: 'tls.key-mismatch',
      detail: `the client key ${tls.key} does not belong to the client certificate ${tls.cert}`,
      fix: `Point tls.key at the key generated together with ${tls.cert} (mpb certs create writes client-key.pem next to client-cert.pem).`,
      warnings,
    };
  }
  const client = certFacts(pems.cert);
  const fault = validityFault(client, `the client certificate ${tls.cert}`);
  if (fault) {
    return {
      ok: false,
      ...(fault.expired
        ? {
            reason: 'tls-client-expired',
            code: 'tls.client-expired',
            fix: `Issue a new client certificate from the server's CA (mpb certs create --host HOST --out DIR makes a new set) and point tls.cert/tls.key at it.`,
          }
        : {
            reason: 'tls-client-not-yet-valid',
            code: 'tls.client-not-yet-valid',
            fix: `Check this machine's clock (date -u); if it is right, re-issue the client certificate.`,
          }),
      detail: fault.detail,
      warnings,
    };
  }
  const checks = [
    `client certificate "${client.subject}" matches its key, valid until ${shortDate(client.notAfter)}`,
  ];
  return { ok: true, pems, checks, warnings };
}
