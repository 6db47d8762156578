import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { capture } from '../../helpers/fake-run.js';
import { INSPECT_CASES } from './inspect-cases.js';
import { builder, ENTITLEMENT, node, plats } from './world.js';

const reference = (name: string) =>
  readFileSync(new URL(`../../fixtures/reference/${name}`, import.meta.url), 'utf8');

describe('parseInspect on every captured `docker buildx inspect` that printed a builder', () => {
  it.each(INSPECT_CASES)('%s %s', (version, name, expected) => {
    expect(parseInspect(capture(version, name).stdout)).toStrictEqual({
      ok: true,
      value: expected,
      unparsed: [],
    });
  });
});

// The composed reference outputs (docs/buildx.md#inspect-text) and the docs' examples.
const SOCK = 'unix:///var/run/docker.sock';
const AMD64 = plats('linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386');
const IMAGE_OPTS = { image: 'moby/buildkit:buildx-stable-1', network: 'host' };
const REMOTE_OPTS = {
  cacert: '/home/me/.certs/ca.pem',
  cert: '/home/me/.certs/cert.pem',
  key: '/home/me/.certs/key.pem',
  servername: 'buildkitd.example.com',
};
const labels = (hostname: string) => ({
  'org.mobyproject.buildkit.worker.executor': 'oci',
  'org.mobyproject.buildkit.worker.hostname': hostname,
  'org.mobyproject.buildkit.worker.network': 'host',
  'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
  'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
  'org.mobyproject.buildkit.worker.snapshotter': 'overlayfs',
});
const mybuilder = (nodes: BuildxBuilder['nodes']) =>
  builder({ name: 'mybuilder', driver: 'docker-container', lastActivity: '2024-03-08T09:24:51Z', nodes });
const container = (bk: string, more: Partial<BuildxBuilder['nodes'][number]> = {}) =>
  mybuilder([
    node({
      name: 'mybuilder0',
      endpoint: SOCK,
      driverOpts: IMAGE_OPTS,
      status: 'running',
      buildkitVersion: bk,
      platforms: AMD64,
      ...more,
    }),
  ]);
const remoteBk = (more: Partial<BuildxBuilder['nodes'][number]>) =>
  builder({
    name: 'remote-bk',
    driver: 'remote',
    lastActivity: '2024-03-07T17:02:13Z',
    nodes: [
      node({
        name: 'remote-bk0',
        endpoint: 'tcp://buildkitd.example.com:1234',
        driverOpts: REMOTE_OPTS,
        ...more,
      }),
    ],
  });
const modern = (bk: string) => container(bk, { buildkitdFlags: ENTITLEMENT, labels: labels('3c1d2f8e7a45') });
const TESLA1 = plats('linux/arm64*', 'linux/arm/v7', 'linux/arm/v6');

describe('parseInspect on the reference outputs', () => {
  it.each<[string, BuildxBuilder]>([
    ['inspect-v0.10-docker-container.txt', container('v0.11.6')],
    ['inspect-v0.10-remote-inactive.txt', remoteBk({ status: 'inactive' })],
    ['inspect-v0.10-remote-running-old-buildkitd.txt', remoteBk({ status: 'running', platforms: AMD64 })],
    ['inspect-v0.11-docker-container.txt', container('v0.11.6', { labels: labels('3c1d2f8e7a45') })],
    ['inspect-v0.13-docker-container.txt', modern('v0.13.0')],
    ['inspect-v0.13-remote-inactive.txt', remoteBk({ status: 'inactive' })],
    [
      'inspect-v0.13-remote-running.txt',
      remoteBk({
        status: 'running',
        buildkitVersion: 'v0.13.0',
        platforms: AMD64,
        labels: labels('buildkitd-0'),
      }),
    ],
    [
      'inspect-v0.13-default-docker.txt',
      builder({
        name: 'default',
        driver: 'docker',
        nodes: [
          node({
            name: 'default',
            endpoint: 'default',
            status: 'running',
            buildkitVersion: 'v0.12.5',
            platforms: AMD64,
          }),
        ],
      }),
    ],
    [
      'inspect-v0.13-node-error.txt',
      builder({
        name: 'broken',
        driver: 'docker-container',
        nodes: [
          node({
            name: 'broken0',
            endpoint: 'unix:///run/user/1000/docker.sock',
            status: 'error',
            platformsComplete: false,
            error:
              'Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon running?',
          }),
        ],
      }),
    ],
    [
      'inspect-v0.13-two-nodes-no-bootstrap-data.txt',
      mybuilder([
        node({
          name: 'mybuilder0',
          endpoint: SOCK,
          status: 'running',
          buildkitdFlags: ENTITLEMENT,
          buildkitVersion: 'v0.13.0',
          platforms: AMD64,
        }),
        node({
          name: 'mybuilder1',
          endpoint: 'ssh://ubuntu@192.0.2.10',
          status: 'running',
          buildkitdFlags: ENTITLEMENT,
          buildkitVersion: 'v0.13.0',
          platforms: TESLA1,
        }),
      ]),
    ],
    ['inspect-v0.18-docker-container.txt', modern('v0.17.2')],
    // The `File#buildkitd.toml:` block (`\t> line`, one per line of the file) is the node's file.
    [
      'inspect-v0.18-with-config-file.txt',
      container('v0.17.2', {
        buildkitdFlags: ENTITLEMENT,
        labels: labels('3c1d2f8e7a45'),
        files: { 'buildkitd.toml': 'debug = true\n[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]\n' },
      }),
    ],
  ])('%s', (file, expected) => {
    expect(parseInspect(reference(file))).toStrictEqual({ ok: true, value: expected, unparsed: [] });
  });

  it('reads the 0.10 docs example (`Buildkit:`, no driver options)', () => {
    const parsed = parseInspect(reference('inspect-v0.10.0-docs.console.txt').replace(/^\$ .*\n/, ''));
    const tesla = (name: string, endpoint: string, platforms: ReturnType<typeof plats>) =>
      node({ name, endpoint, status: 'running', buildkitVersion: 'v0.10.3', platforms });
    expect(parsed).toStrictEqual({
      ok: true,
      value: builder({
        name: 'elated_tesla',
        driver: 'docker-container',
        nodes: [
          tesla('elated_tesla0', SOCK, plats('linux/amd64')),
          tesla('elated_tesla1', 'ssh://ubuntu@1.2.3.4', TESLA1),
        ],
      }),
      unparsed: [],
    });
  });

  it('reads the 0.11 docs example (`BuildKit:`, `Flags:`, dotted option keys, a CET time kept as printed)', () => {
    const parsed = parseInspect(reference('inspect-v0.11.0-docs.console.txt').replace(/^\$ .*\n/, ''));
    expect(parsed).toStrictEqual({
      ok: true,
      value: builder({
        name: 'elated_tesla',
        driver: 'docker-container',
        lastActivity: '2022-11-30 12:42:47 +0100 CET',
        nodes: [
          node({
            name: 'elated_tesla0',
            endpoint: SOCK,
            driverOpts: {
              'env.BUILDKIT_STEP_LOG_MAX_SPEED': '10485760',
              'env.JAEGER_TRACE': 'localhost:6831',
              image: 'moby/buildkit:latest',
              network: 'host',
              'env.BUILDKIT_STEP_LOG_MAX_SIZE': '10485760',
            },
            status: 'running',
            buildkitdFlags:
              '--debug --allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host',
            buildkitVersion: 'v0.10.6',
            platforms: TESLA1,
            labels: labels('docker-desktop'),
          }),
        ],
      }),
      unparsed: [],
    });
  });
});

describe('parseInspect on what it does not know', () => {
  it('keeps unknown labels and blocks in unparsed, in order', () => {
    const text = [
      'Name:   b',
      'Driver: remote',
      'Shiny:  yes',
      '',
      'Nodes:',
      'Name:     n',
      'Endpoint: tcp://h:1234',
      'GPU:      none',
      'Devices:',
      ' Name:           nvidia.com/gpu=all',
      '  Annotations:',
      '   foo: bar',
      'Weird:',
      ' odd line',
      'Builder Error: x',
    ].join('\n');
    const parsed = parseInspect(text);
    expect(parsed).toStrictEqual({
      ok: true,
      value: builder({ name: 'b', driver: 'remote', nodes: [node({ name: 'n', endpoint: 'tcp://h:1234' })] }),
      unparsed: ['Shiny:  yes', 'GPU:      none', 'Weird:', ' odd line', 'Builder Error: x'],
    });
  });

  it('reads a builder that failed to load (`Error:` before any node)', () => {
    const parsed = parseInspect('Name:   gone\nDriver: foo\nError:  failed to find driver "foo"\n');
    expect(parsed).toStrictEqual({
      ok: true,
      value: builder({ name: 'gone', driver: 'foo', error: 'failed to find driver "foo"' }),
      unparsed: [],
    });
  });

  it.each([
    ['', 1, '', 'Name:'],
    ['ERROR: no builder "x" found\n', 1, 'ERROR: no builder "x" found', 'Name:'],
    ['Name: b\nDriver: remote\n\nNodes:\nEndpoint: tcp://h:1\n', 5, 'Endpoint: tcp://h:1', "node's `Name:`"],
    ['Name: b\nNodes:\nName: n\nPlatforms: linux/amd64, ???\n', 4, 'Platforms: linux/amd64, ???', '"???"'],
    ['Name: b\nNodes:\nName: n\nDriver Options: key=bare\n', 4, 'Driver Options: key=bare', 'driver options'],
    ['Name: b\njust words\n', 2, 'just words', 'Label: value'],
  ])('%j → a parse error at line %i', (text, line, quoted, message) => {
    const parsed = parseInspect(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ kind: 'parse-error', format: 'buildx inspect', line, text: quoted });
    expect(parsed.error.message).toContain(message);
  });
});

// Real captures of a builder created with --buildkitd-config (test/fixtures/captures-local/buildkitd-config).
const configCapture = (version: string, name: string) =>
  readFileSync(
    new URL(`../../fixtures/captures-local/buildkitd-config/v${version}/${name}.stdout`, import.meta.url),
    'utf8',
  );
const CA = readFileSync(
  new URL('../../fixtures/captures-local/buildkitd-config/input/ca.pem', import.meta.url),
  'utf8',
);

describe('parseInspect reads the files buildx keeps for a node', () => {
  const inactive = (name: string, files?: Record<string, string>) =>
    node({
      name,
      endpoint: 'unix:///tmp/mpb-dockerd-cap-eCpr/docker.sock',
      status: 'inactive',
      buildkitdFlags: ENTITLEMENT,
      ...(files ? { files } : {}),
    });
  const parsed = (version: string, name: string) => {
    const r = parseInspect(configCapture(version, name));
    expect(r.ok && r.unparsed).toEqual([]);
    return r.ok ? r.value.nodes : [];
  };

  it.each([
    ['inspect-mirror', '\n[registry]\n\n  [registry."docker.io"]\n    mirrors = ["mirror.gcr.io"]\n'],
    [
      'inspect-mirror-changed',
      '\n[registry]\n\n  [registry."docker.io"]\n    mirrors = ["hub.example.com"]\n',
    ],
  ])('0.29.1 %s: the buildkitd.toml as buildx re-encoded it', (name, toml) => {
    expect(parsed('0.29.1', name)).toEqual([inactive('mirror0', { 'buildkitd.toml': toml })]);
  });

  it('0.29.1 inspect-registries: the CA file beside it, the TOML pointing at its place in the container', () => {
    const [n] = parsed('0.29.1', 'inspect-registries');
    expect(Object.keys(n?.files ?? {})).toEqual(['buildkitd.toml', 'certs/registry.example.com/ca.pem']);
    expect(n?.files?.['buildkitd.toml']).toContain(
      '  [registry."registry.example.com"]\n    ca = ["/etc/buildkit/certs/registry.example.com/ca.pem"]\n',
    );
    expect(n?.files?.['certs/registry.example.com/ca.pem']).toBe(CA);
  });

  it.each(['inspect-mirror', 'inspect-registries', 'inspect-own-config'])(
    '0.13.1 %s: no files printed, none read',
    (name) => {
      expect(parsed('0.13.1', name).map((n) => n.files)).toEqual([undefined]);
    },
  );
});
