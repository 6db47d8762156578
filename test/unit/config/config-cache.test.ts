// The remembered config: served only while the file's bytes, the variables it expands and the files it names
// are as they were; the answer is always the one a fresh validation gives.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigCached, MAX_ENTRIES } from '../../../src/config/config-cache.js';
import { loadConfig } from '../../../src/config/load.js';

let dir: string;
let cache: string;
const yaml = (endpoint: string) =>
  `version: 1\nbuilders:\n  fleet:\n    driver: remote\n    nodes:\n      - name: n0\n        endpoint: ${endpoint}\n        platforms: [linux/amd64]\n        tls: { ca: "\${CERTS}/ca.pem", cert: certs/cert.pem, key: certs/key.pem }\n`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpb-config-cache-'));
  cache = join(dir, 'cache');
  mkdirSync(join(dir, 'certs'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, 'certs', f), 'x');
  writeFileSync(join(dir, 'builders.yaml'), yaml('tcp://127.0.0.1:1234'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = (env: NodeJS.ProcessEnv = { CERTS: join(dir, 'certs') }) => ({
  configPath: undefined,
  env,
  cwd: dir,
});

describe('loadConfigCached', () => {
  it('answers as loadConfig does, and from its cache the second time', async () => {
    const fresh = await loadConfig(options());
    expect(fresh.ok).toBe(true);
    expect(await loadConfigCached(options(), cache)).toEqual(fresh);
    const [entry] = readdirSync(cache);
    expect(statSync(join(cache, entry!)).mode & 0o777).toBe(0o600);
    expect(await loadConfigCached(options(), cache)).toEqual(fresh);
  });

  it('keeps one entry per config file, and at most MAX_ENTRIES in all', async () => {
    for (const port of [1234, 1235, 1236]) {
      writeFileSync(join(dir, 'builders.yaml'), yaml(`tcp://127.0.0.1:${port}`));
      expect((await loadConfigCached(options(), cache)).ok).toBe(true);
    }
    expect(readdirSync(cache)).toHaveLength(1);
    for (let i = 0; i < MAX_ENTRIES + 4; i++) {
      const file = join(dir, `b${i}.yaml`);
      writeFileSync(file, yaml('tcp://127.0.0.1:1234'));
      expect((await loadConfigCached({ ...options(), configPath: file }, cache)).ok).toBe(true);
    }
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(MAX_ENTRIES);
  });

  it('validates again when the file, a variable it reads or a file it names changed', async () => {
    await loadConfigCached(options(), cache);
    writeFileSync(join(dir, 'builders.yaml'), yaml('tcp://127.0.0.1:5678'));
    const edited = await loadConfigCached(options(), cache);
    expect(edited.ok && edited.config.builders[0]?.nodes[0]?.endpoint).toBe('tcp://127.0.0.1:5678');

    const unset = await loadConfigCached(options({}), cache);
    expect(unset.ok).toBe(false);
    expect(!unset.ok && unset.errors[0]?.message).toContain('CERTS is not set');

    rmSync(join(dir, 'certs', 'key.pem'));
    const gone = await loadConfigCached(options(), cache);
    expect(gone.ok && gone.warnings[0]?.message).toContain('key.pem does not exist yet');
  });

  it('does not remember an invalid config, and ignores a damaged entry', async () => {
    rmSync(join(dir, 'certs', 'ca.pem'));
    mkdirSync(join(dir, 'certs', 'ca.pem'));
    expect((await loadConfigCached(options(), cache)).ok).toBe(false);
    rmSync(join(dir, 'certs', 'ca.pem'), { recursive: true });
    writeFileSync(join(dir, 'certs', 'ca.pem'), 'x');
    expect((await loadConfigCached(options(), cache)).ok).toBe(true);
    const [entry] = readdirSync(cache);
    writeFileSync(join(cache, entry!), '{"env": 1');
    expect(await loadConfigCached(options(), cache)).toEqual(await loadConfig(options()));
  });
});
