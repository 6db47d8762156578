// Issue 23: a registry mirror declared once reaches every node buildx (or mpb) starts. docker-container nodes get
// the buildkitd.toml mpb writes as buildx's --buildkitd-config (--config before 0.13); a local node of a remote
// builder gets it bind-mounted into the container mpb runs. A second ensure is a no-op and rewrites nothing.
// A remote buildkitd's registries mpb cannot write: doctor says so, prints the tables and checks the hosts.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { FakeVersion } from '../helpers/fake-docker.js';
import { startFleet } from '../helpers/fleet.js';
import { flowWorld } from '../helpers/flow-world.js';
import { closedPort, loopbackListeners } from '../helpers/listeners.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

const MIRROR = '[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]\n';

/** A world whose fake runs as `docker` on PATH with a Docker daemon: ensure can run BuildKit containers. */
const daemonWorld = (version: FakeVersion, config: string) =>
  flowWorld({ version, mode: 'path', daemon: true, config });

/** One docker-container builder "dc" of one node, with docker.io mirrored to `mirrorHost`. */
const dcConfig = (mirrorHost: string) => `version: 1
builders:
  dc:
    driver: docker-container
    registries:
      docker.io: { mirrors: [${mirrorHost}] }
    nodes:
      - name: dc0
        platforms: [linux/amd64]
`;

describe.each(VERSIONS)('registries on buildx %s', (version) => {
  it('a docker-container node is created with the buildkitd.toml holding the mirror; a second ensure is a no-op', async () => {
    const w = await daemonWorld(version, dcConfig('mirror.gcr.io'));
    const first = await w.mpb(['ensure-builder', 'dc']);
    expect(first.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(first.exitCode, first.stderr + first.stdout).toBe(0);
    const [create] = w.buildxCalls('create');
    const flag = version === '0.10.5' ? '--config' : '--buildkitd-config';
    const at = create!.indexOf(flag);
    expect(at).toBeGreaterThan(0);
    const file = create![at + 1]!;
    expect(file).toBe(
      join(
        w.env['DOCKER_CONFIG'] ?? join(w.fake.dir, '.docker'),
        'buildx',
        'mpb-certs',
        'dc',
        'dc0',
        'buildkitd.toml',
      ),
    );
    expect(readFileSync(file, 'utf8')).toContain(MIRROR);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // buildx keeps the file's content in its store, re-encoded (capture inspect-mirror): what BuildKit starts with.
    const files = w.fake.state().builders['dc']?.nodes[0]?.files;
    expect(Buffer.from(files?.['buildkitd.toml'] ?? '', 'base64').toString()).toContain(
      '  [registry."docker.io"]\n    mirrors = ["mirror.gcr.io"]\n',
    );

    const mtime = statSync(file).mtimeMs;
    const creates = w.buildxCalls('create').length;
    const second = await w.mpb(['ensure-builder', 'dc']);
    expect(second.exitCode).toBe(0);
    expect(w.buildxCalls('create')).toHaveLength(creates);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('a changed mirror is drift: ls says so, ensure re-creates the builder on its state (where inspect prints files)', async () => {
    const w = await daemonWorld(version, dcConfig('mirror.gcr.io'));
    expect((await w.mpb(['ensure-builder', 'dc'])).exitCode).toBe(0);
    w.writeConfig(dcConfig('hub.example.com'));
    const ls = await w.mpb(['ls']);
    const ensure = await w.mpb(['ensure-builder', 'dc']);
    expect(ensure.exitCode, ensure.stderr).toBe(0);
    const toml = w.fake.state().builders['dc']?.nodes[0]?.files?.['buildkitd.toml'];
    const kept = Buffer.from(toml ?? '', 'base64').toString();
    if (version === '0.10.5' || version === '0.13.1') {
      // No files in their inspect (captures-local/buildkitd-config/v0.13.1): not seen, as before.
      expect(ls.stdout).toContain('builder "dc" (docker-container): in sync');
      expect(w.buildxCalls('rm')).toEqual([]);
      expect(kept).toContain('mirror.gcr.io');
      return;
    }
    expect(ls.stdout).toContain(
      '  changed dc0: registries in buildkitd.toml: docker.io mirrors mirror.gcr.io → hub.example.com',
    );
    expect(w.buildxCalls('rm')).toEqual([['docker', 'buildx', 'rm', '--keep-state', 'dc']]);
    expect(ensure.stderr).toContain('remove the builder, keeping its state, and create it again');
    expect(kept).toContain('mirrors = ["hub.example.com"]');
    const again = await w.mpb(['ensure-builder', 'dc']);
    expect(again.exitCode).toBe(0);
    expect(w.buildxCalls('rm')).toHaveLength(1);
  });

  it('a local node of a remote builder runs its container with the buildkitd.toml mounted; a second ensure is a no-op', async () => {
    const w = await daemonWorld(
      version,
      `version: 1
builders:
  mac:
    driver: remote
    registries:
      docker.io: { mirrors: [mirror.gcr.io] }
    nodes:
      - name: here
        local: true
        platforms: [linux/arm64]
`,
    );
    w.fake.setState((s) => {
      s.workers['docker-container://mpb-buildkit-mac-here'] = { platforms: ['linux/arm64'] };
    });
    const first = await w.mpb(['ensure-builder', 'mac']);
    expect(first.exitCode, first.stderr + first.stdout).toBe(0);
    const create = w.fake.calls().find((argv) => argv[1] === 'container' && argv[2] === 'create')!;
    const mount = create[create.indexOf('--mount') + 1]!;
    const file = /source=([^,]+)/.exec(mount)![1]!;
    expect(file).toMatch(/mpb-certs\/mac\/here\/buildkitd\.toml$/);
    expect(mount).toBe(`type=bind,source=${file},target=/etc/buildkit/buildkitd.toml,readonly`);
    expect(create.slice(-2)).toEqual(['--config', '/etc/buildkit/buildkitd.toml']);
    expect(readFileSync(file, 'utf8')).toContain(MIRROR);
    // The remote driver is not given the file: the container is.
    expect(w.buildxCalls('create').flat()).not.toContain('--buildkitd-config');

    const calls = w.fake.calls().length;
    const second = await w.mpb(['ensure-builder', 'mac']);
    expect(second.exitCode).toBe(0);
    const mutating = w.fake
      .calls()
      .slice(calls)
      .filter((argv) => /^(container (create|start|rm)|buildx create)$/.test(argv.slice(1, 3).join(' ')));
    expect(mutating).toEqual([]);
  });

  it('a bad buildkitd.toml stops ensure before any buildx call (exit 2, file and line)', async () => {
    const w = await flowWorld({ version });
    const toml = join(w.dir, 'buildkitd.toml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(toml, 'debug = true\n[registry."docker.io"\n');
    w.writeConfig(`version: 1
builders:
  dc:
    driver: docker-container
    nodes:
      - name: dc0
        buildkitdConfig: ./buildkitd.toml
`);
    const r = await w.mpb(['ensure-builder', 'dc']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `builders.yaml:7:26: builders.dc.nodes[0].buildkitdConfig: ${toml}:2:1: not valid TOML`,
    );
    expect(w.buildxCalls('create')).toEqual([]);
  });
});

describe('registries of a remote buildkitd (doctor, buildx 0.29.1)', () => {
  it('warns that mpb cannot write its buildkitd.toml, prints the tables, and checks each host accepts TCP', async () => {
    const fleet = await startFleet([{ name: 'far', platforms: ['linux/amd64'] }]);
    onTestFinished(fleet.close);
    const [registry] = await loopbackListeners(1);
    onTestFinished(() => registry!.close());
    const up = registry!.port;
    const dead = await closedPort();
    const w = await daemonWorld(
      '0.29.1',
      `version: 1
builders:
  fleet:
    driver: remote
    nodes:
      - name: far
        endpoint: ${fleet.endpoints['far']}
        platforms: [linux/amd64]
        tls: { ca: ${fleet.tls.ca}, cert: ${fleet.tls.cert}, key: ${fleet.tls.key} }
        registries:
          "127.0.0.1:${up}": { http: true, mirrors: ["127.0.0.1:${dead}/cache"] }
`,
    );
    const json = await w.mpb(['--json', 'doctor', '--probe-timeout', '3']);
    expect(json.exitCode, json.stdout).toBe(0);
    const checks = JSON.parse(json.stdout).checks as {
      id: string;
      code: string;
      detail: string;
      fix: string;
    }[];
    const by = (id: string) => checks.find((c) => c.id === id);
    expect(by('registries:fleet/far')).toMatchObject({ code: 'registries.not-written', warning: true });
    expect(by(`registry:127.0.0.1:${up}`)).toMatchObject({ ok: true, code: 'ok' });
    expect(by(`registry:127.0.0.1:${dead}`)).toMatchObject({ ok: true, warning: true, code: 'tcp.refused' });

    const human = await w.mpb(['doctor', '--probe-timeout', '3']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(
      [
        `! fleet/far registries (${fleet.endpoints['far']}): mpb cannot write the buildkitd.toml of this buildkitd (you start it), so registries: for 127.0.0.1:${up} reach it only if its own config has them [registries.not-written]`,
        "    → Add to that buildkitd's buildkitd.toml, then restart it:",
        `      [registry."127.0.0.1:${up}"]`,
        `        mirrors = ["127.0.0.1:${dead}/cache"]`,
        '        http = true',
        `✓ registry 127.0.0.1:${up}: accepts TCP from this machine (for fleet/far)`,
        `! registry 127.0.0.1:${dead}: connection to 127.0.0.1:${dead} refused (for fleet/far) [tcp.refused]`,
      ].join('\n'),
    );
  });
});
