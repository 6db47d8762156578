// mpb init --from BUILDER: real `docker buildx inspect` captures become a builders.yaml that loads as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { collapseReplicas } from '../../../src/buildx/replicas.js';
import { configFromBuilder, yamlScalar } from '../../../src/config/from-builder.js';
import { UsageError } from '../../../src/errors.js';
import { CAPTURES, capture } from '../../helpers/fake-run.js';
import { loadText } from './load-helper.js';

// The captures name cert files of the capture machine; the test's own PEM files stand in for them.
const withTestCerts = (text: string) =>
  text
    .replaceAll('/home/dev/.mpb/certs/ca.crt', '${CERTS}/ca.pem')
    .replaceAll('/home/dev/.mpb/certs/client.crt', '${CERTS}/client-cert.pem')
    .replaceAll('/home/dev/.mpb/certs/client.key', '${CERTS}/client-key.pem');

function builderOf(stdout: string) {
  const parsed = parseInspect(stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return collapseReplicas(parsed.value);
}

async function loads(text: string) {
  const { result } = await loadText(withTestCerts(text));
  if (!result.ok) throw new Error(JSON.stringify(result, null, 2));
  return result.config;
}

describe('configFromBuilder', () => {
  it.each(['0.13.1', '0.29.1'] as const)(
    'a remote TLS builder: endpoints, pins and the TLS files (%s inspect)',
    async (v) => {
      const text = configFromBuilder(builderOf(capture(v, 'inspect').stdout));
      expect(text).toContain('defaultBuilder: builder');
      expect(text).toContain('    driver: remote');
      expect(text).toContain('        endpoint: tcp://127.0.0.1:1234');
      expect(text).toContain('        platforms: [linux/amd64]');
      expect(text).toContain('          ca: /home/dev/.mpb/certs/ca.crt');
      expect(text).not.toContain('cacert');
      const config = await loads(text);
      expect(config.defaultBuilder).toBe('builder');
      const [b] = config.builders;
      expect(b?.driver).toBe('remote');
      expect(b?.nodes.map((n) => [n.name, n.endpoint, n.platforms])).toEqual([
        ['linux-amd64', 'tcp://127.0.0.1:1234', ['linux/amd64']],
        ['linux-arm64', 'tcp://127.0.0.1:1235', ['linux/arm64']],
      ]);
      expect(b?.nodes[0]?.tls?.ca).toMatch(/ca\.pem$/);
    },
  );

  it('a docker-container builder: the local node without endpoint, ssh kept, default flags left out', async () => {
    const text = configFromBuilder(builderOf(capture('0.29.1', 'dc-inspect').stdout));
    expect(text).not.toContain('unix://');
    expect(text).not.toContain('buildkitdFlags');
    const config = await loads(text);
    const nodes = config.builders[0]!.nodes;
    expect(nodes.map((n) => [n.name, n.endpoint, n.platforms])).toEqual([
      ['mac-arm64', undefined, ['linux/arm64']],
      ['amd64-box', 'ssh://root@127.0.0.1:2222', ['linux/amd64', 'linux/386']],
    ]);
    expect(nodes[0]!.driverOpts).toEqual({ 'default-load': 'true', network: 'host' });
  });

  it('a kubernetes builder: no endpoint, its driver options (kubernetes inspect-bootstrap)', async () => {
    const stdout = readFileSync(`${CAPTURES}kubernetes/v0.29.1/inspect-bootstrap.stdout`, 'utf8');
    const config = await loads(configFromBuilder(builderOf(stdout)));
    const node = config.builders[0]!.nodes[0]!;
    expect(node.endpoint).toBeUndefined();
    expect(node.driverOpts['namespace']).toBe('buildkit');
    expect(node.platforms).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it("refuses the engine's own default builder: builders.yaml cannot declare the docker driver", () => {
    const builder = builderOf(capture('0.29.1', 'default-inspect').stdout);
    expect(() => configFromBuilder(builder)).toThrow(UsageError);
    expect(() => configFromBuilder(builder)).toThrow(/docker driver/);
  });

  it.each([
    ['tcp://h:1234', 'tcp://h:1234'],
    ['true', '"true"'],
    ['1.5', '"1.5"'],
    ['a b', '"a b"'],
    ['', '""'],
    ['#x', '"#x"'],
  ])('yamlScalar(%j) is %s', (value, expected) => {
    expect(yamlScalar(value)).toBe(expected);
  });
});
