// Endpoints each driver takes, read strictly: a value that is not a well-formed endpoint never reaches buildx.
import { describe, expect, it } from 'vitest';
import { readEndpoint } from '../../../src/drivers/endpoint.js';
import { loadText, TLS } from './load-helper.js';

describe('readEndpoint', () => {
  it.each([
    ['tcp://build-amd64.example.com:1234', { scheme: 'tcp', host: 'build-amd64.example.com', port: 1234 }],
    ['tcp://10.0.0.5:1234/', { scheme: 'tcp', host: '10.0.0.5', port: 1234 }],
    ['tcp://[::1]:1234', { scheme: 'tcp', host: '::1', port: 1234 }],
    ['tcp://docker-host', { scheme: 'tcp', host: 'docker-host', port: undefined }],
    [
      'ssh://builder@build-arm64.example.com',
      { scheme: 'ssh', user: 'builder', host: 'build-arm64.example.com', port: undefined },
    ],
    ['ssh://root@127.0.0.1:2222', { scheme: 'ssh', user: 'root', host: '127.0.0.1', port: 2222 }],
    ['ssh://box', { scheme: 'ssh', user: undefined, host: 'box', port: undefined }],
    ['unix:///run/buildkit/buildkitd.sock', { scheme: 'unix', path: '/run/buildkit/buildkitd.sock' }],
    ['docker-container://buildkitd', { scheme: 'docker-container', container: 'buildkitd' }],
    ['kube-pod://buildkitd-0?namespace=ci', { scheme: 'kube-pod', pod: 'buildkitd-0?namespace=ci' }],
    ['desktop-linux', { scheme: 'context', context: 'desktop-linux' }],
  ])('%s is %j', (raw, endpoint) => {
    expect(readEndpoint(raw)).toEqual({ ok: true, endpoint: { raw, ...endpoint } });
  });

  it.each([
    ['tcp://h:99999', '"tcp://h:99999" is not a valid tcp:// endpoint'],
    ['tcp://h:1234;reboot', '"tcp://h:1234;reboot" is not a valid tcp:// endpoint'],
    ['ssh://a b@h', '"ssh://a b@h" is not a valid ssh:// endpoint'],
    ['unix://relative.sock', '"unix://relative.sock" is not a valid unix:// endpoint'],
    ['docker-container://$(id)', '"docker-container://$(id)" is not a valid docker-container:// endpoint'],
    ['unix:///run/b.sock\t--debug', '"unix:///run/b.sock\\t--debug" is not a valid unix:// endpoint'],
    ['http://h:1234', '"http://" is not an endpoint buildx understands'],
    ['-H evil', '"-H evil" is neither a URL nor a docker context name'],
  ])('%s is refused', (endpoint, why) => {
    expect(readEndpoint(endpoint)).toMatchObject({ ok: false, why });
  });
});

const one = (driver: string, node: string) =>
  `version: 1\nbuilders:\n  b:\n    driver: ${driver}\n    nodes:\n      - ${node}\n`;

describe('configs that are valid as they are', () => {
  it.each([
    [
      'docker-container on a Docker host over tcp://',
      one('docker-container', '{ name: n0, endpoint: "tcp://docker-host:2376" }'),
    ],
    [
      'docker-container on a docker context',
      one('docker-container', '{ name: n0, endpoint: desktop-linux }'),
    ],
    ['remote over unix://', one('remote', '{ name: n0, endpoint: "unix:///run/buildkit/buildkitd.sock" }')],
    ['remote on a container', one('remote', '{ name: n0, endpoint: "docker-container://buildkitd" }')],
    ['remote on a kube pod', one('remote', '{ name: n0, endpoint: "kube-pod://buildkitd-0" }')],
    ['remote over TLS on IPv6', one('remote', `{ name: n0, endpoint: "tcp://[::1]:1234", ${TLS} }`)],
    ['local node with buildkitd flags', one('remote', '{ name: n0, local: true, buildkitdFlags: --debug }')],
    ['kubernetes without endpoint', one('kubernetes', '{ name: n0, driverOpts: { replicas: 2 } }')],
    [
      'one tls block shared through an anchor',
      `version: 1\nbuilders:\n  b:\n    driver: remote\n    nodes:\n      - name: a\n        endpoint: tcp://a:1234\n        ${TLS.replace('tls: ', 'tls: &tls ')}\n      - name: c\n        endpoint: tcp://c:1234\n        tls: *tls\n`,
    ],
  ])('%s', async (_what, text) => {
    const { result } = await loadText(text);
    expect(result.ok ? result.warnings : result.errors).toEqual([]);
  });
});

it('an endpoint whose ${VAR} holds a newline is refused after expansion', async () => {
  const text =
    'version: 1\nbuilders:\n  b:\n    driver: remote\n    nodes:\n      - name: n0\n        endpoint: ssh://${HOST}\n';
  const { result } = await loadText(text, { HOST: 'h\n-oProxyCommand=reboot' });
  expect(result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
    '7:19 builders.b.nodes[0].endpoint: "ssh://h\\n-oProxyCommand=reboot" is not a valid ssh:// endpoint',
  ]);
});
