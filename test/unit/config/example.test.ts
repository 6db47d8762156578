// builders.example.yaml, the seed's own setups, validates from a fresh clone (and from the npm package): no
// error; only the warning that its TLS files are still to be made, once per TLS node, with the command.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../../../src/commands/init.js';
import { loadConfig } from '../../../src/config/load.js';
import { HOME, loadText } from './load-helper.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CERTS = join(HOME, '.config', 'mpb', 'certs');
const load = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ configPath: 'builders.example.yaml', env: { HOME, ...env }, cwd: ROOT });

describe('builders.example.yaml', () => {
  it('is valid, warns once per TLS node that its files are to be made, and declares the five setups', async () => {
    const result = await load();
    if (!result.ok) expect(result.errors).toEqual([]);
    if (!result.ok) return;
    const command =
      'mpb certs create --host build-amd64.example.com --host buildkitd --host build-arm64.example.com --out ~/.config/mpb/certs';
    expect(result.warnings.map((w) => [w.line, w.message, w.hint])).toEqual(
      [
        [50, 'builders.fleet.nodes[0].tls'],
        [57, 'builders.fleet.nodes[1].tls'],
        [101, 'builders.mac.nodes[1].tls'],
      ].map(([line, at]) => [
        line,
        `${at}: ca.pem, client-cert.pem and client-key.pem do not exist yet in ~/.config/mpb/certs: this node cannot connect until they do`,
        `Make them: ${command}   (or point tls at your own files)`,
      ]),
    );
    const summary = result.config.builders.map((b) => [b.name, b.driver, b.nodes.map((n) => n.name)]);
    expect(summary).toEqual([
      ['qemu', 'docker-container', ['qemu0']],
      ['ssh', 'docker-container', ['ssh-local', 'ssh-amd64']],
      ['fleet', 'remote', ['fleet-amd64', 'fleet-arm64']],
      ['k8s', 'kubernetes', ['k8s-amd64', 'k8s-arm64']],
      ['mac', 'remote', ['mac-arm64', 'mac-amd64']],
    ]);
    expect(result.config.defaultBuilder).toBe('mac');
  });

  it('writes the mixed builder of issue 8 as a local: true node and a tcp:// TLS node', async () => {
    const result = await load();
    const mac = result.ok ? result.config.builders.find((b) => b.name === 'mac') : undefined;
    expect(mac?.nodes.map(({ pos: _, ...node }) => node)).toEqual([
      {
        name: 'mac-arm64',
        endpoint: undefined,
        platforms: ['linux/arm64'],
        emulate: [],
        tls: undefined,
        driverOpts: {},
        buildkitdFlags: undefined,
        // The file mpb writes for its registries, in buildx's config folder.
        buildkitdConfig: expect.stringMatching(/\/buildx\/mpb-certs\/mac\/mac-arm64\/buildkitd\.toml$/),
        registries: { 'docker.io': { mirrors: ['mirror.gcr.io'] } },
        local: { image: 'moby/buildkit:buildx-stable-1', network: 'host' },
      },
      {
        name: 'mac-amd64',
        endpoint: 'tcp://build-amd64.example.com:1234',
        platforms: ['linux/amd64'],
        emulate: [],
        tls: {
          ca: join(CERTS, 'ca.pem'),
          cert: join(CERTS, 'client-cert.pem'),
          key: join(CERTS, 'client-key.pem'),
          servername: undefined,
        },
        driverOpts: {},
        buildkitdFlags: undefined,
        buildkitdConfig: undefined,
        local: undefined,
      },
    ]);
  });

  it('takes its TLS files from MPB_CERTS when set', async () => {
    const result = await load({ MPB_CERTS: '/nowhere' });
    expect(result.ok && result.warnings.map((w) => `${w.line}:${w.column} ${w.message}`).slice(0, 1)).toEqual(
      [
        '50:11 builders.fleet.nodes[0].tls: ca.pem, client-cert.pem and client-key.pem do not exist yet in /nowhere: this node cannot connect until they do',
      ],
    );
  });
});

describe('the starter of mpb init', () => {
  it.each(['linux/arm64', 'linux/amd64', 'linux/riscv64'])(
    'is valid as written, on a %s machine',
    async (native) => {
      const { result } = await loadText(starterConfig(native));
      expect(result.ok ? result.config.builders[0]?.nodes[0] : result.errors).toMatchObject({
        name: 'local0',
        platforms: [native],
        emulate: native === 'linux/riscv64' ? [] : [native === 'linux/arm64' ? 'linux/amd64' : 'linux/arm64'],
      });
    },
  );

  it('keeps the TLS fleet commented out, and valid once uncommented (its files still to be made)', async () => {
    const text = starterConfig('linux/arm64');
    // Prose comments start with a capital letter; the commented-out YAML does not.
    const uncommented = text.replace(/^ {2}# (?=[a-z ])/gm, '  ');
    const { result } = await loadText(uncommented);
    expect(result.ok ? result.warnings.map((w) => w.hint) : result.errors).toEqual([
      'Make them: mpb certs create --host build-amd64.example.com --out ~/.config/mpb/certs   (or point tls at your own files)',
    ]);
  });
});
