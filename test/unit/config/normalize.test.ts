// normalizeConfig is pure: it resolves the paths a config names and leaves checking them on disk to load.ts.
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../../src/config/normalize.js';
import { configSchema } from '../../../src/config/schema.js';

const raw = configSchema.parse({
  version: 1,
  builders: {
    fleet: {
      driver: 'remote',
      nodes: [
        {
          name: 'n0',
          endpoint: 'tcp://127.0.0.1:1234',
          tls: { ca: './certs/ca.pem', cert: '~/c.pem', key: '${KEYS}/k.pem' },
        },
      ],
    },
  },
});

describe('normalizeConfig', () => {
  it('resolves file paths without looking at the disk, and lists them for the load-time check', () => {
    const env = { HOME: '/home/tester', KEYS: '/nowhere/keys' };
    const { config, findings, files } = normalizeConfig(raw, { env, baseDir: '/nowhere/conf' });
    expect(findings).toEqual([]);
    expect(config.builders['fleet']!.nodes[0]!.tls).toEqual({
      ca: '/nowhere/conf/certs/ca.pem',
      cert: '/home/tester/c.pem',
      key: '/nowhere/keys/k.pem',
      servername: undefined,
    });
    const at = ['builders', 'fleet', 'nodes', 0, 'tls'];
    expect(files).toEqual([
      { at: [...at, 'ca'], text: './certs/ca.pem', path: '/nowhere/conf/certs/ca.pem' },
      { at: [...at, 'cert'], text: '~/c.pem', path: '/home/tester/c.pem' },
      { at: [...at, 'key'], text: '${KEYS}/k.pem', path: '/nowhere/keys/k.pem' },
    ]);
  });

  it('a path that does not expand is a finding and names no file', () => {
    const { findings, files } = normalizeConfig(raw, { env: { HOME: '/h' }, baseDir: '/c' });
    expect(findings).toEqual([
      {
        at: ['builders', 'fleet', 'nodes', 0, 'tls', 'key'],
        message: 'environment variable KEYS is not set',
        hint: 'Set it (export KEYS=...) or give a default: ${KEYS:-default}',
      },
    ]);
    expect(files.map((f) => f.text)).toEqual(['./certs/ca.pem', '~/c.pem']);
  });
});
