// normalizeConfig is pure: it resolves the paths a config names and leaves checking them on disk to load.ts.
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../../src/config/normalize.js';
import { configSchema } from '../../../src/config/schema.js';

const CERTS_DIR = '/nowhere/buildx/mpb-certs';
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
    const { config, findings, files } = normalizeConfig(raw, {
      env,
      baseDir: '/nowhere/conf',
      certsDir: CERTS_DIR,
    });
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
    const { findings, files } = normalizeConfig(raw, {
      env: { HOME: '/h' },
      baseDir: '/c',
      certsDir: CERTS_DIR,
    });
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

describe('normalizeConfig with tls values given as PEM text', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
  const withTls = (tls: Record<string, string>) =>
    configSchema.parse({
      version: 1,
      builders: { fleet: { driver: 'remote', nodes: [{ name: 'n0', endpoint: 'tcp://h:1234', tls }] } },
    });
  const context = (env: NodeJS.ProcessEnv) => ({ env, baseDir: '/c', certsDir: CERTS_DIR });
  const at = ['builders', 'fleet', 'nodes', 0, 'tls'];

  it('maps text from ${VAR} or a block to one file per builder, node and key; a path stays a path', () => {
    const tls = { ca: '${BUILDKIT_CA}', cert: PEM, key: '${BUILDKIT_KEY}' };
    const { config, findings, files, pems } = normalizeConfig(
      withTls(tls),
      context({ BUILDKIT_CA: PEM, BUILDKIT_KEY: KEY }),
    );
    expect(findings).toEqual([]);
    expect(files).toEqual([]);
    expect(config.builders['fleet']!.nodes[0]!.tls).toEqual({
      ca: `${CERTS_DIR}/fleet/n0/ca.pem`,
      cert: `${CERTS_DIR}/fleet/n0/cert.pem`,
      key: `${CERTS_DIR}/fleet/n0/key.pem`,
      servername: undefined,
    });
    expect(pems).toEqual([
      { at: [...at, 'ca'], path: `${CERTS_DIR}/fleet/n0/ca.pem`, pem: PEM },
      { at: [...at, 'cert'], path: `${CERTS_DIR}/fleet/n0/cert.pem`, pem: PEM },
      { at: [...at, 'key'], path: `${CERTS_DIR}/fleet/n0/key.pem`, pem: KEY },
    ]);
  });

  it('text that is neither PEM nor a path is a finding that does not quote the text', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQ';
    const tls = { ca: '${BUILDKIT_CA}', cert: '${CERT}/x', key: '${EMPTY}' };
    const { findings, pems, files } = normalizeConfig(
      withTls(tls),
      context({ BUILDKIT_CA: secret, CERT: secret, EMPTY: '' }),
    );
    expect(pems).toEqual([]);
    expect(files).toEqual([]);
    expect(findings.map((f) => [f.at.at(-1), f.message])).toEqual([
      ['ca', '"${BUILDKIT_CA}" is neither PEM text (no -----BEGIN line) nor a file path'],
      ['cert', '"${CERT}/x" is neither PEM text (no -----BEGIN line) nor a file path'],
      ['key', '"${EMPTY}" is empty'],
    ]);
    expect(JSON.stringify(findings)).not.toContain('MIIE');
    expect(findings[0]!.hint).toBe(
      'Write the path of a PEM file, or the PEM text itself: ca: ${BUILDKIT_CA} with the whole PEM block in that variable, or ca: | and the -----BEGIN ... lines indented below it.',
    );
  });
});
