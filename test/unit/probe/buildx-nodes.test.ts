// An undeclared builder is probed from buildx's own state: endpoints and TLS driver options from real captures.
import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { probeSpecsOf } from '../../../src/probe/buildx-nodes.js';
import { parseEndpoint } from '../../../src/probe/endpoint.js';
import { platformsByNodeOf } from '../../../src/probe/watch.js';
import { capture } from '../../helpers/fake-run.js';

function builderOf(version: '0.13.1' | '0.29.1', name: string) {
  const parsed = parseInspect(capture(version, name).stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('probeSpecsOf', () => {
  it.each(['0.13.1', '0.29.1'] as const)(
    'remote nodes keep their endpoint and TLS files (%s, inspect-dead)',
    (v) => {
      const specs = probeSpecsOf(builderOf(v, 'inspect-dead'));
      expect(specs.map((s) => [s.name, s.endpoint, s.tls?.key])).toEqual([
        ['dead0', 'tcp://127.0.0.1:1299', '/home/dev/.mpb/certs/client.key'],
        ['badcert', 'tcp://127.0.0.1:1234', '/nonexistent/client.key'],
      ]);
      expect(specs[0]?.tls).toEqual({
        ca: '/home/dev/.mpb/certs/ca.crt',
        cert: '/home/dev/.mpb/certs/client.crt',
        key: '/home/dev/.mpb/certs/client.key',
        servername: undefined,
      });
    },
  );

  it('a docker-container node on the Docker socket is probed as that Docker (dc-inspect)', () => {
    const builder = builderOf('0.29.1', 'dc-inspect');
    const [spec] = probeSpecsOf(builder);
    expect(spec?.tls).toBeUndefined();
    expect(parseEndpoint(spec!, 'docker-container')).toEqual({
      kind: 'docker-host',
      host: 'unix:///var/run/docker.sock',
    });
  });

  it("the engine's default builder is probed through its context (default-inspect)", () => {
    const [spec] = probeSpecsOf(builderOf('0.29.1', 'default-inspect'));
    expect(parseEndpoint(spec!, 'docker')).toEqual({ kind: 'docker-context', context: 'default' });
  });
});

describe('platformsByNodeOf', () => {
  it('groups the routed platforms by node and leaves unrouted ones out', () => {
    const byNode = platformsByNodeOf([
      { platform: 'linux/amd64', node: 'a' },
      { platform: 'linux/arm64', node: 'b' },
      { platform: 'linux/386', node: 'a' },
      { platform: 'linux/riscv64', node: undefined },
    ]);
    expect([...byNode]).toEqual([
      ['a', ['linux/amd64', 'linux/386']],
      ['b', ['linux/arm64']],
    ]);
  });
});
