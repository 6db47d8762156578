// Writes a config into a fresh temp folder and loads it the way every command does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadResult, loadConfig } from '../../../src/config/load.js';

/** Throwaway PEM files: readable, so TLS blocks pass the file check. */
export const CERTS = fileURLToPath(new URL('../../fixtures/config/certs', import.meta.url));
// Quoted: inside { } a bare ${ would start a flow mapping.
export const TLS =
  'tls: { ca: "${CERTS}/ca.pem", cert: "${CERTS}/client-cert.pem", key: "${CERTS}/client-key.pem" }';
export const HOME = '/home/tester';

export async function loadText(
  text: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ dir: string; result: LoadResult }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-config-'));
  writeFileSync(join(dir, 'builders.yaml'), text);
  const result = await loadConfig({ configPath: undefined, env: { HOME, CERTS, ...env }, cwd: dir });
  return { dir, result };
}
