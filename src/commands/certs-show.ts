// mpb certs show FILE: what a certificate says, and whether it is in date.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import type { NoOptions } from '../options.js';
import {
  type CertFacts,
  certFacts,
  shortDate,
  splitPemCertificates,
  validityAt,
} from '../probe/cert-facts.js';
import type { CommandResult } from '../run-command.js';
import type { Output } from '../ui/output.js';

const DAY_MS = 86_400_000;

async function readCertificates(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fsError(e, path, 'read');
  }
  const blocks = splitPemCertificates(text);
  if (blocks.length > 0) return blocks;
  throw new UsageError(`${path} holds no PEM certificate`, {
    hint: /PRIVATE KEY-----/.test(text)
      ? 'That is a private key: pass the certificate made with it (e.g. client-cert.pem).'
      : 'Expected -----BEGIN CERTIFICATE----- blocks (PEM).',
  });
}

/** `valid, 820 days left` / `EXPIRED 3 days ago` / `NOT YET VALID (starts in 2 days)`. */
export function describeValidity(facts: CertFacts, now: Date = new Date()): string {
  const state = validityAt(facts, now);
  const days = (iso: string) => Math.abs(Math.round((Date.parse(iso) - now.getTime()) / DAY_MS));
  if (state.valid) return `valid, ${days(facts.notAfter)} days left`;
  return state.why === 'expired'
    ? `EXPIRED ${days(state.at)} days ago`
    : `NOT YET VALID (starts in ${days(state.at)} days)`;
}

function render(out: Output, facts: CertFacts, now: Date): void {
  const sans = [
    ...facts.sans.dns.map((d) => `DNS:${d}`),
    ...facts.sans.ip.map((i) => `IP:${i}`),
    ...facts.sans.other,
  ];
  const rows: [string, string][] = [
    ['subject', facts.subject],
    ['issuer', `${facts.issuer}${facts.selfSigned ? ' (self-signed)' : ''}`],
    ['serial', facts.serial],
    [
      'valid',
      `${shortDate(facts.notBefore)} → ${shortDate(facts.notAfter)} (${describeValidity(facts, now)})`,
    ],
    ['SANs', sans.join(', ') || 'none'],
    ['usage', facts.extKeyUsage.join(', ') || 'any (no extended key usage)'],
    ['CA', facts.isCA ? 'yes' : 'no'],
    ['sha256', facts.fingerprint256],
  ];
  for (const [label, value] of rows) out.result(`  ${`${label}:`.padEnd(9)} ${value}`);
}

/** Prints every certificate in FILE; exits 3 when one is expired or not yet valid. */
export async function runCertsShow(deps: Deps, file: string, _options: NoOptions): Promise<CommandResult> {
  const path = resolve(deps.cwd, file);
  const now = deps.now();
  const certificates = (await readCertificates(path)).map((pem) => certFacts(pem));
  const outcome = certificates.every((c) => validityAt(c, now).valid) ? 'ok' : 'unhealthy';
  if (deps.json) return { outcome, data: { file: path, certificates } };
  certificates.forEach((facts, i) => {
    deps.out.result(
      certificates.length > 1 ? `${path} (certificate ${i + 1} of ${certificates.length})` : path,
    );
    render(deps.out, facts, now);
  });
  return { outcome };
}
