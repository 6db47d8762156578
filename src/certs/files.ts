// Where `mpb certs create` puts each file, and how: private keys 0600, nothing overwritten without --force.
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import type { CertSet } from './generate.js';

/** File names, docker-style: the server files go to the buildkitd host, the client files stay with buildx. */
export const CERT_FILES = {
  ca: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
  clientCert: 'client-cert.pem',
  clientKey: 'client-key.pem',
} as const;

export type CertFileId = keyof typeof CERT_FILES;
export type CertPaths = Record<CertFileId, string>;

export function certPathsIn(dir: string): CertPaths {
  const entries = Object.entries(CERT_FILES).map(([id, name]) => [id, join(dir, name)]);
  return Object.fromEntries(entries) as CertPaths;
}

const PRIVATE: readonly CertFileId[] = ['caKey', 'serverKey', 'clientKey'];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes the set into `dir` (created 0700 if missing); refuses to replace files unless `force`. */
export async function writeCertSet(
  dir: string,
  set: CertSet,
  options: { force: boolean },
): Promise<CertPaths> {
  const paths = certPathsIn(dir);
  if (!options.force) {
    const present = [];
    for (const path of Object.values(paths)) if (await exists(path)) present.push(path);
    if (present.length > 0) {
      throw new UsageError(`refusing to overwrite ${present.join(', ')}`, {
        hint: 'Pass --force to replace them (the old CA stops being trusted), or choose another --out.',
      });
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
    throw fsError(e, dir, 'create the certificate folder', '--out names the folder.');
  });
  const contents: Record<CertFileId, string> = {
    ca: set.ca.cert,
    caKey: set.ca.key,
    serverCert: set.server.cert,
    serverKey: set.server.key,
    clientCert: set.client.cert,
    clientKey: set.client.key,
  };
  for (const [id, path] of Object.entries(paths) as [CertFileId, string][]) {
    const mode = PRIVATE.includes(id) ? 0o600 : 0o644;
    try {
      await writeFile(path, contents[id], { mode, flag: options.force ? 'w' : 'wx' });
      // writeFile's mode applies only to new files; a --force rewrite must tighten an old 0644 key too.
      await chmod(path, mode);
    } catch (e) {
      throw fsError(e, path, 'write', '--out names the folder.');
    }
  }
  return paths;
}
