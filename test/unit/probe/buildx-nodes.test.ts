// An undeclared builder is probed from buildx's own state: endpoints and TLS driver options from real captures.
import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseLsJson } from '../../../src/buildx/parse/ls-json.js';
import { probeActual, probeSpecsOf } from '../../../src/probe/buildx-nodes.js';
import { parseEndpoint } from '../../../src/probe/endpoint.js';
import { platformsByNodeOf } from '../../../src/probe/watch.js';
import { capture, fakeRun } from '../../helpers/fake-run.js';

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

/** `default` as `ls --format json` shows it without a Docker daemon: no driver, no node, an error. */
function unloadedDefault() {
  const parsed = parseLsJson(capture('0.29.1', 'ls-mixed-json').stdout);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value.find((b) => b.name === 'default')!;
}

describe('probeSpecsOf: a docker context builder buildx cannot load', () => {
  it('stands for its one node: the context, named after it (ls-mixed-json, default)', () => {
    const builder = unloadedDefault();
    expect([builder.driver, builder.nodes, builder.error]).toEqual(['', [], expect.any(String)]);
    const specs = probeSpecsOf(builder);
    expect(specs.map((s) => [s.name, s.endpoint])).toEqual([['default', 'default']]);
    expect(parseEndpoint(specs[0]!, 'docker')).toEqual({ kind: 'docker-context', context: 'default' });
  });
});

describe('probeActual', () => {
  // fakeRun throws on any call it has no row for: these prove what is, and is not, run.
  it('takes a node buildx reports running at its word: up, nothing run (0.29.1 inspect)', async () => {
    const results = await probeActual(builderOf('0.29.1', 'inspect'), 1000, { run: fakeRun([]) });
    expect(results.map((r) => [r.node, r.state, r.code, r.state === 'up' && r.checks])).toEqual([
      ['linux-amd64', 'up', 'ok', ['buildx reports it running (not probed again)']],
      ['linux-arm64', 'up', 'ok', ['buildx reports it running (not probed again)']],
    ]);
  });

  it('probes the others for the reason, and running ones too when asked (inspect-dead, inspect)', async () => {
    // The captures' TLS files are not on this machine: the probe stops at them, before any socket.
    const dead = await probeActual(builderOf('0.29.1', 'inspect-dead'), 1000, { run: fakeRun([]) });
    expect(dead.map((r) => [r.builder, r.node, r.code])).toEqual([
      ['deadb', 'dead0', 'tls.files-unreadable'],
      ['deadb', 'badcert', 'tls.files-unreadable'],
    ]);
    const rechecked = await probeActual(builderOf('0.29.1', 'inspect'), 1000, {
      run: fakeRun([]),
      recheckRunning: true,
    });
    expect(rechecked.map((r) => r.code)).toEqual(['tls.files-unreadable', 'tls.files-unreadable']);
  });

  it("takes buildx's word that an unloaded context builder's Docker does not answer: docker.down, nothing run", async () => {
    const run = fakeRun([]);
    const [result] = await probeActual(unloadedDefault(), 1000, { run });
    expect(result).toMatchObject({
      builder: 'default',
      node: 'default',
      state: 'down',
      code: 'docker.down',
      detail:
        'context default: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      fix: "Check that the Docker daemon behind it answers: docker --context default version --format '{{.Server.Version}} {{.Server.Os}}/{{.Server.Arch}}'",
    });
    expect(run.calls).toEqual([]);
  });

  it('asks the Docker of an unloaded context builder that failed for another reason why (docker version)', async () => {
    const run = fakeRun([
      [
        ['docker', '--context', 'default', 'version'],
        {
          exitCode: 1,
          stderr: 'error during connect: Get "https://10.0.0.1:2376/v1.51/version": tls: bad certificate\n',
        },
      ],
    ]);
    const builder = { ...unloadedDefault(), error: 'error during connect: tls: bad certificate' };
    const [result] = await probeActual(builder, 1000, { run });
    expect(result).toMatchObject({
      state: 'down',
      code: 'docker.down',
      detail: expect.stringContaining('tls: bad certificate'),
    });
    expect(run.calls).toHaveLength(1);
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
