// tls values given as PEM text (issue 13): loading writes each to a 0600 file under buildx's config folder and
// names that file in the config; the text is nowhere else — not in errors, not in the config cache.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigCached } from '../../../src/config/config-cache.js';
import { loadConfig } from '../../../src/config/load.js';
import { removeBuilderPemFiles } from '../../../src/state/pem-files.js';
import { CERTS } from './load-helper.js';

const read = (name: string) => readFileSync(join(CERTS, name), 'utf8');
const [CA, CERT, KEY] = [read('ca.pem'), read('client-cert.pem'), read('client-key.pem')];
const indented = (pem: string) =>
  pem
    .trimEnd()
    .split('\n')
    .map((l) => `            ${l}`)
    .join('\n');
// ca and key from variables, cert as a YAML block scalar.
const CONFIG = `version: 1
builders:
  fleet:
    driver: remote
    nodes:
      - name: n0
        endpoint: tcp://127.0.0.1:1234
        tls:
          ca: \${BUILDKIT_CA}
          key: \${BUILDKIT_KEY}
          cert: |
${indented(CERT)}
`;

let dir: string;
let buildx: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpb-pem-'));
  buildx = join(dir, 'buildx');
  writeFileSync(join(dir, 'builders.yaml'), CONFIG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = (more: NodeJS.ProcessEnv = {}) => ({
  HOME: join(dir, 'home'),
  BUILDX_CONFIG: buildx,
  BUILDKIT_CA: CA,
  BUILDKIT_KEY: KEY,
  ...more,
});
const load = (e = env()) => loadConfig({ configPath: undefined, env: e, cwd: dir });
const certs = () => join(buildx, 'mpb-certs', 'fleet', 'n0');
const mode = (path: string) => statSync(path).mode & 0o777;

describe('tls values given as PEM text', () => {
  it('are written to 0600 files in 0700 folders under $BUILDX_CONFIG/mpb-certs, whose paths the node gets', async () => {
    const result = await load();
    if (!result.ok) expect(result.errors).toEqual([]);
    const tls = result.ok ? result.config.builders[0]?.nodes[0]?.tls : undefined;
    expect(tls).toEqual({
      ca: join(certs(), 'ca.pem'),
      cert: join(certs(), 'cert.pem'),
      key: join(certs(), 'key.pem'),
      servername: undefined,
    });
    expect(readFileSync(join(certs(), 'ca.pem'), 'utf8')).toBe(CA);
    expect(readFileSync(join(certs(), 'cert.pem'), 'utf8')).toBe(CERT);
    expect(readFileSync(join(certs(), 'key.pem'), 'utf8')).toBe(KEY);
    expect(['ca.pem', 'cert.pem', 'key.pem'].map((f) => mode(join(certs(), f)))).toEqual([
      0o600, 0o600, 0o600,
    ]);
    for (const folder of [join(buildx, 'mpb-certs'), join(buildx, 'mpb-certs', 'fleet'), certs()]) {
      expect(mode(folder)).toBe(0o700);
    }
  });

  it('are rewritten only when the text changes', async () => {
    await load();
    const inode = (f: string) => statSync(join(certs(), f)).ino;
    const before = { ca: inode('ca.pem'), key: inode('key.pem') };
    await load();
    expect({ ca: inode('ca.pem'), key: inode('key.pem') }).toEqual(before);
    await load(env({ BUILDKIT_CA: CERT }));
    expect(inode('ca.pem')).not.toBe(before.ca);
    expect(inode('key.pem')).toBe(before.key);
    expect(readFileSync(join(certs(), 'ca.pem'), 'utf8')).toBe(CERT);
  });

  it('an invalid config writes none; a value that is neither PEM nor a file says what to write instead', async () => {
    const result = await load(env({ BUILDKIT_KEY: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSj' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: 'builders.yaml',
        line: 10,
        column: 16,
        message:
          'builders.fleet.nodes[0].tls.key: "${BUILDKIT_KEY}" is neither PEM text (no -----BEGIN line) nor a file path',
        hint: 'Write the path of a PEM file, or the PEM text itself: key: ${BUILDKIT_KEY} with the whole PEM block in that variable, or key: | and the -----BEGIN ... lines indented below it.',
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('MIIE');
    expect(() => readdirSync(buildx)).toThrow();
  });

  it('a folder that cannot be written is an error naming the file, not the text', async () => {
    writeFileSync(buildx, 'a file where the folder should be');
    const result = await load();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.message])).toEqual([
      [
        9,
        `builders.fleet.nodes[0].tls.ca: cannot write this PEM text to ${join(certs(), 'ca.pem')}, where buildx would read it: ${buildx} is a file, not a folder (ENOTDIR)`,
      ],
      [
        10,
        `builders.fleet.nodes[0].tls.key: cannot write this PEM text to ${join(certs(), 'key.pem')}, where buildx would read it: ${buildx} is a file, not a folder (ENOTDIR)`,
      ],
      [
        11,
        `builders.fleet.nodes[0].tls.cert: cannot write this PEM text to ${join(certs(), 'cert.pem')}, where buildx would read it: ${buildx} is a file, not a folder (ENOTDIR)`,
      ],
    ]);
    expect(JSON.stringify(result)).not.toContain('BEGIN');
  });

  it('the config cache keeps no PEM text, and validates again (writing the file again) when a file is gone', async () => {
    const cache = join(dir, 'cache');
    const options = { configPath: undefined, env: env(), cwd: dir };
    const first = await loadConfigCached(options, cache);
    expect(first.ok).toBe(true);
    const entries = readdirSync(cache).map((f) => readFileSync(join(cache, f), 'utf8'));
    expect(entries).toHaveLength(1);
    for (const pem of [CA, CERT, KEY]) {
      for (const line of pem.split('\n').filter((l) => l.length > 20)) expect(entries[0]).not.toContain(line);
    }
    rmSync(join(certs(), 'key.pem'));
    expect(await loadConfigCached(options, cache)).toEqual(first);
    expect(readFileSync(join(certs(), 'key.pem'), 'utf8')).toBe(KEY);
  });

  it('removeBuilderPemFiles removes the builder folder, and says when there was none', async () => {
    await load();
    expect(removeBuilderPemFiles(env(), 'fleet')).toBe(join(buildx, 'mpb-certs', 'fleet'));
    expect(() => statSync(join(buildx, 'mpb-certs', 'fleet'))).toThrow();
    expect(removeBuilderPemFiles(env(), 'fleet')).toBeUndefined();
  });
});
