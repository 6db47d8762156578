// builders.example.yaml, the seed's own setups, validates from a fresh clone: no error, no warning.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../../../src/commands/init.js';
import { loadConfig } from '../../../src/config/load.js';
import { HOME, loadText } from './load-helper.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CERTS = join(ROOT, 'examples', 'certs');
const load = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ configPath: 'builders.example.yaml', env: { HOME, ...env }, cwd: ROOT });

describe('builders.example.yaml', () => {
  it('is valid, without warnings, and declares the five setups', async () => {
    const result = await load();
    if (!result.ok) expect(result.errors).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
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
        buildkitdConfig: undefined,
        local: { image: 'moby/buildkit:buildx-stable-1' },
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
    expect(
      result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).slice(0, 1),
    ).toEqual([
      '47:15 builders.fleet.nodes[0].tls.ca: "${MPB_CERTS:-./examples/certs}/ca.pem": cannot read /nowhere/ca.pem',
    ]);
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

  it('keeps the TLS fleet commented out, and valid once uncommented', async () => {
    const text = starterConfig('linux/arm64');
    // Prose comments start with a capital letter; the commented-out YAML does not.
    const uncommented = text.replace(/^ {2}# (?=[a-z ])/gm, '  ');
    const { result } = await loadText(uncommented);
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^builders\.fleet\.nodes\[0\]\.tls\.ca: "~\/\.mpb\/certs\/ca\.pem": cannot read /,
      ),
      expect.stringMatching(/tls\.cert: /),
      expect.stringMatching(/tls\.key: /),
    ]);
  });
});
