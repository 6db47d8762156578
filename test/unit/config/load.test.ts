// Loading a valid config: discovery order, the resolved shape with positions, expansion, warnings, hints.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCandidates, loadConfig, requireConfig } from '../../../src/config/load.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { captureContext } from '../ui/capture.js';
import { CERTS, HOME, loadText } from './load-helper.js';

const MIXED = `version: 1
defaultBuilder: mac
builders:
  mac:
    driver: remote
    use: true
    nodes:
      - name: mac-arm64
        local: true
        platforms: [arm64, linux/arm64/v8]
        buildkitdFlags: --allow-insecure-entitlement network.host
        buildkitdConfig: ./buildkitd.toml
      - name: amd64
        endpoint: tcp://\${AMD64_HOST:-build-amd64.example.com}:1234
        platforms: [x86_64, linux/386]
        emulate: [linux/arm/v7]
        tls:
          ca: \${CERTS}/ca.pem
          cert: certs/client-cert.pem
          key: ~/certs/client-key.pem
          servername: \${SERVER_NAME:-buildkitd}
  k8s:
    driver: kubernetes
    nodes:
      - name: k0
        driverOpts: { replicas: 2, rootless: true, namespace: "\${NS}" }
`;

describe('loadConfig on a valid file', () => {
  it('resolves paths, variables, platforms and defaults, and keeps each builder and node position', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mpb-home-'));
    mkdirSync(join(home, 'certs'));
    writeFileSync(join(home, 'certs', 'client-key.pem'), 'key');
    const { dir, result } = await loadText(MIXED, { HOME: home, NS: 'buildkit' });
    mkdirSync(join(dir, 'certs'), { recursive: true });
    expect(result).toMatchObject({ ok: false }); // buildkitd.toml and certs/client-cert.pem do not exist yet
    writeFileSync(join(dir, 'buildkitd.toml'), '');
    writeFileSync(join(dir, 'certs', 'client-cert.pem'), 'cert');
    const again = await loadConfig({
      configPath: undefined,
      env: { HOME: home, CERTS, NS: 'buildkit' },
      cwd: dir,
    });
    expect(again).toEqual({
      ok: true,
      warnings: [],
      config: {
        file: join(dir, 'builders.yaml'),
        version: 1,
        defaultBuilder: 'mac',
        builders: [
          {
            name: 'mac',
            driver: 'remote',
            use: true,
            pos: { path: 'builders.yaml', line: 4, column: 3 },
            nodes: [
              {
                name: 'mac-arm64',
                endpoint: undefined,
                platforms: ['linux/arm64'],
                emulate: [],
                tls: undefined,
                driverOpts: {},
                buildkitdFlags: '--allow-insecure-entitlement network.host',
                buildkitdConfig: join(dir, 'buildkitd.toml'),
                local: { image: 'moby/buildkit:buildx-stable-1' },
                pos: { path: 'builders.yaml', line: 8, column: 9 },
              },
              {
                name: 'amd64',
                endpoint: 'tcp://build-amd64.example.com:1234',
                platforms: ['linux/amd64', 'linux/386'],
                emulate: ['linux/arm/v7'],
                tls: {
                  ca: join(CERTS, 'ca.pem'),
                  cert: join(dir, 'certs', 'client-cert.pem'),
                  key: join(home, 'certs', 'client-key.pem'),
                  servername: 'buildkitd',
                },
                driverOpts: {},
                buildkitdFlags: undefined,
                buildkitdConfig: undefined,
                local: undefined,
                pos: { path: 'builders.yaml', line: 13, column: 9 },
              },
            ],
          },
          {
            name: 'k8s',
            driver: 'kubernetes',
            use: false,
            pos: { path: 'builders.yaml', line: 22, column: 3 },
            nodes: [
              expect.objectContaining({
                name: 'k0',
                driverOpts: { replicas: '2', rootless: 'true', namespace: 'buildkit' },
              }),
            ],
          },
        ],
      },
    });
  });

  it('collects every error, in file order, and the warnings beside them', async () => {
    const { result } = await loadText(`version: 1
defaultBuilder: nope
builders:
  fleet:
    driver: remote
    nodes:
      - name: open
        endpoint: tcp://10.0.0.5:1234
      - name: open
        endpoint: tcp://10.0.0.6:\${PORT}
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '2:17 defaultBuilder: "nope" is not a declared builder',
      '9:15 builders.fleet.nodes[1].name: node name "open" is used twice in builder "fleet"',
      '10:19 builders.fleet.nodes[1].endpoint: environment variable PORT is not set',
    ]);
    expect(result.warnings).toEqual([
      {
        path: 'builders.yaml',
        line: 8,
        column: 19,
        message:
          'builders.fleet.nodes[0].endpoint: tcp:// without tls: an open buildkitd gives root on that host to anyone who can reach it',
        hint: 'Add tls: { ca, cert, key } (mpb certs create makes them), or reach it over ssh://.',
        // A warning about one builder: printed by the commands that use it (deps.ts warnAbout).
        builder: 'fleet',
      },
    ]);
  });

  it.each([
    [
      'a misspelt key',
      'version: 1\nbuilders: {}\ndefaultbuilder: b\n',
      'Did you mean "defaultBuilder"? Allowed here: version, defaultBuilder, builders.',
    ],
    [
      'an invalid name',
      'version: 1\nbuilders:\n  "my builder;": { driver: remote, nodes: [{ name: n0, endpoint: "ssh://h" }] }\n',
      'Rename it, e.g. my-builder-',
    ],
    [
      'an unset variable',
      'version: 1\nbuilders:\n  b: { driver: remote, nodes: [{ name: n0, endpoint: "tcp://${HOST}:1234" }] }\n',
      'Set it (export HOST=...) or give a default: ${HOST:-default}',
    ],
    [
      '${VAR} unquoted in { }',
      'version: 1\nbuilders:\n  b: { driver: remote, nodes: [{ name: n0, endpoint: tcp://${HOST}:1 }] }\n',
      'Inside { } or [ ], quote a value that holds ${VAR}: ca: "${CERTS}/ca.pem".',
    ],
  ])('the hint for %s says what to write instead', async (_what, text, hint) => {
    const { result } = await loadText(text);
    expect(result.ok ? undefined : result.errors[0]?.hint).toBe(hint);
  });

  it('refuses a file over 256 KiB before parsing it', async () => {
    const { result } = await loadText(`version: 1\n${'#'.repeat(300 * 1024)}\n`);
    expect(result.ok ? undefined : result.errors).toEqual([
      {
        path: 'builders.yaml',
        line: 1,
        column: 1,
        message: 'the file has 307212 bytes; a builders file has at most 262144',
        hint: 'Check that --config names the right file.',
      },
    ]);
  });
});

describe('discovery', () => {
  const cwd = '/work/app';
  it.each([
    [
      '--config first',
      { configPath: 'ci/b.yaml', env: { MPB_CONFIG: '/etc/mpb.yaml' } },
      ['/work/app/ci/b.yaml'],
      true,
    ],
    [
      'then MPB_CONFIG',
      { configPath: undefined, env: { MPB_CONFIG: '/etc/mpb.yaml' } },
      ['/etc/mpb.yaml'],
      true,
    ],
    [
      'then ./builders.yaml, ./builders.yml, $XDG_CONFIG_HOME/mpb',
      { configPath: undefined, env: { XDG_CONFIG_HOME: '/x', HOME } },
      ['/work/app/builders.yaml', '/work/app/builders.yml', '/x/mpb/builders.yaml'],
      false,
    ],
    [
      'XDG_CONFIG_HOME defaults to ~/.config',
      { configPath: undefined, env: { HOME } },
      ['/work/app/builders.yaml', '/work/app/builders.yml', `${HOME}/.config/mpb/builders.yaml`],
      false,
    ],
  ])('%s', (_what, options, files, explicit) => {
    expect(configCandidates({ ...options, cwd })).toEqual({ files, explicit });
  });

  it('finds builders.yml, then the XDG file, when the ones before are absent', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mpb-find-'));
    const xdg = join(cwd, 'xdg');
    mkdirSync(join(xdg, 'mpb'), { recursive: true });
    const valid = 'version: 1\nbuilders:\n  b: { driver: docker-container, nodes: [{ name: n0 }] }\n';
    writeFileSync(join(xdg, 'mpb', 'builders.yaml'), valid);
    const env = { XDG_CONFIG_HOME: xdg, HOME };
    const first = await loadConfig({ configPath: undefined, env, cwd });
    expect(first.ok && first.config.file).toBe(join(xdg, 'mpb', 'builders.yaml'));
    writeFileSync(join(cwd, 'builders.yml'), valid);
    const second = await loadConfig({ configPath: undefined, env, cwd });
    expect(second.ok && second.config.file).toBe(join(cwd, 'builders.yml'));
  });

  it('requireConfig: no file is a usage error pointing to mpb init; an invalid one a ConfigError', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mpb-none-'));
    const { ctx } = captureContext({ env: { HOME: cwd } });
    const missing = requireConfig({ ...ctx, cwd });
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(missing).rejects.toMatchObject({
      message: `no config file found (looked for ${cwd}/builders.yaml, ${cwd}/builders.yml, ${cwd}/.config/mpb/builders.yaml)`,
      hint: 'Write one with: mpb init   (or point to yours with --config PATH or MPB_CONFIG)',
    });
    writeFileSync(join(cwd, 'builders.yaml'), 'version: 1\nbuilders: {}\n');
    await expect(requireConfig({ ...ctx, cwd })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('hostile input', () => {
  it.each([
    ['100 000 open brackets', '['.repeat(100_000)],
    ['50 000 nested list items', `a:\n  ${'- '.repeat(50_000)}x\n`],
  ])('%s: rejected as YAML errors (at most 10), never a crash', async (_what, text) => {
    const { result } = await loadText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.length).toBeLessThanOrEqual(10);
    expect(result.errors.every((e) => e.message.startsWith('YAML: ') && e.line >= 1 && e.column >= 1)).toBe(
      true,
    );
  });

  it('quotes a long or multi-line value cut short, so a message stays one line', async () => {
    const { result } = await loadText(
      `version: 1\nbuilders:\n  b:\n    driver: "${'docker\\n'.repeat(40)}"\n    nodes: [{ name: n0 }]\n`,
    );
    expect(result.ok ? undefined : result.errors[0]?.message).toBe(
      'builders.b.driver: must be docker-container, remote, kubernetes (one of them), not the string "docker\\ndocker\\ndocker\\ndocker\\ndocker\\ndocker\\ndocker\\ndoc…"',
    );
  });
});
