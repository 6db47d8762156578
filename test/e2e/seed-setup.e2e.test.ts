// Real tier, issue 23's proof: the seed's final setup. One remote builder whose first node is this machine's own
// BuildKit (`local: true`: mpb runs it as a container on a real Docker Engine, `network: host`) and whose second
// is a real BuildKit v0.32.2 over mutual TLS started with --oci-worker-platform linux/arm64 (a "remote arm64
// server", its RUN steps through QEMU here). `mpb ensure-builder`, then `mpb build --push` of linux/amd64 +
// linux/arm64 to the registry on 127.0.0.1, once split and once single. What the tag holds is read from the
// registry's HTTP API, and who built what from the daemons' own disks (daemon-truth.ts): the local node's state
// volume on the engine's data root, the remote daemon's --root. The engine runs with `--bridge=none`, so the
// container reaches the registry on the host's loopback only through `network: host`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { containerNameOf } from '../../src/buildx/container-names.js';
import { importBuildkitImage, unprivilegedDocker } from '../helpers/buildkit-image.js';
import { truthNonce, truthSteps, whoBuilt } from '../helpers/daemon-truth.js';
import { privilegedBlocker } from '../helpers/docker-engine.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { runMpb } from '../helpers/fake-docker.js';
import { readTag } from '../helpers/registry.js';
import { itUnless } from '../helpers/skip.js';

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const BUILDER = 'seed';
const LOCAL = 'here-amd64';
const REMOTE = 'arm64-server';
const IMAGE = 'mpb-e2e/buildkit:v0.32.2';
const TIMEOUT_MS = 600_000;

const world = await e2eWorld({
  engine: true,
  qemu: [ARM64],
  daemons: [{ name: REMOTE, platform: ARM64 }],
  suites: ['sid'],
});
const bx = world.suite('sid');
const live = itUnless(bx.skip, TIMEOUT_MS);
const noPrivileged = privilegedBlocker();

describe(`the seed's setup: a local: true node on a real Docker Engine beside a real mTLS arm64 buildkitd (buildx ${bx.version})`, () => {
  let env: NodeJS.ProcessEnv;
  let config = '';
  let registry = '';
  const container = containerNameOf(BUILDER, LOCAL);
  /** Where each node's BuildKit keeps its snapshots: the local node's named volume, the remote daemon's --root. */
  const roots = () => [
    { name: LOCAL, root: join(world.engine.dir, 'data', 'volumes', `${container}-state`, '_data') },
    { name: REMOTE, root: world.daemon(REMOTE).root },
  ];
  const mpb = (args: string[]) => runMpb(['--config', config, ...args], env);

  beforeAll(async () => {
    if (bx.skip) return;
    const { kit, base, engine } = world;
    await importBuildkitImage(engine, IMAGE);
    registry = base.registry.host;
    const docker = noPrivileged
      ? unprivilegedDocker(world.temp('mpb-e2e-docker-bin-'), noPrivileged.match(/cap_\w+/g) ?? [])
      : undefined;
    ({ env } = bx.dockerEnv({
      DOCKER_HOST: engine.host,
      ...(docker ? { PATH: `${docker}:${process.env['PATH']}` } : {}),
    }));
    // Certificates from `mpb certs create` are in the kit's certs/; the config beside them names them relatively.
    config = join(kit.dir, 'seed.yaml');
    await writeFile(
      config,
      `version: 1
defaultBuilder: ${BUILDER}
builders:
  ${BUILDER}:
    driver: remote
    nodes:
      - name: ${LOCAL}
        local: true
        image: ${IMAGE}
        network: host
        platforms: [${AMD64}]
        buildkitdFlags: --oci-worker-snapshotter native
        registries:
          "${registry}": { http: true }
      - name: ${REMOTE}
        endpoint: ${world.daemon(REMOTE).endpoint}
        platforms: [${ARM64}]
        tls: { ca: certs/ca.pem, cert: certs/client-cert.pem, key: certs/client-key.pem }
`,
    );
  }, TIMEOUT_MS);

  async function contextFor(nonce: string) {
    const dir = world.temp('mpb-e2e-seed-');
    await writeFile(join(dir, 'Dockerfile'), `FROM ${world.base.image}\n${truthSteps(nonce)}\n`);
    return dir;
  }

  const how = noPrivileged ? ` (container without --privileged: ${noPrivileged})` : '';
  live(
    `ensure-builder runs the local container on the host network and makes the builder healthy${how}`,
    async () => {
      const r = await mpb(['ensure-builder']);
      expect(r.exitCode, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toContain(`builder "${BUILDER}": healthy`);
      const inspected = await world.engine.run('docker', ['container', 'inspect', container]);
      const [c] = JSON.parse(inspected.stdout);
      expect(c.HostConfig.NetworkMode).toBe('host');
      expect(c.State.Running).toBe(true);
    },
  );

  live("the registry on the host's loopback answers a container on the host network only", async () => {
    const probe = (network: string[]) =>
      world.engine.run('docker', [
        ...['run', '--rm', ...network, '--entrypoint', '/bin/busybox', IMAGE],
        ...['nc', '-w', '3', ...registry.split(':')],
      ]);
    expect((await probe(['--network', 'host'])).exitCode).toBe(0);
    // Docker's default network (here --bridge=none: no interface but its own loopback): nothing listens there.
    const bridged = await probe([]);
    expect([bridged.exitCode, bridged.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/^nc: can't connect/),
    ]);
  });

  for (const strategy of ['split', 'single'] as const) {
    live(
      `build --push --strategy ${strategy}: the tag is an index of amd64 and arm64, each built on its node`,
      async () => {
        const nonce = truthNonce();
        const repo = `seed/${strategy}`;
        const r = await mpb([
          'build',
          '--strategy',
          strategy,
          '--platform',
          `${AMD64},${ARM64}`,
          '-t',
          `${registry}/${repo}:1`,
          '--push',
          await contextFor(nonce),
        ]);
        expect(r.exitCode, r.stderr + r.stdout).toBe(0);

        const index = await readTag(registry, repo, '1');
        expect(index, `${registry}/${repo}:1 was not pushed`).toBeDefined();
        const platforms = index!.manifests
          .filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')
          .map((m) => `${m.platform?.os}/${m.platform?.architecture}`)
          .sort();
        expect(platforms).toEqual([AMD64, ARM64]);

        const truth = await whoBuilt(roots(), nonce);
        expect(truth).toEqual({
          [AMD64]: [{ daemon: LOCAL, machine: 'x86_64' }],
          [ARM64]: [{ daemon: REMOTE, machine: 'aarch64' }],
        });
      },
    );
  }
});
