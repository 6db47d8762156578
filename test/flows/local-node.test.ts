// The seed's final setup end to end on the fake buildx and the fake Docker engine: one `remote` builder whose
// first node is this Mac's own BuildKit (`local: true`, a container mpb runs and attaches as
// docker-container://NAME) and whose second is an amd64 buildkitd over mutual TLS (a real TLS server here, so
// the preflight really connects). buildx 0.10.5 takes docker-container:// too: its remote driver registers the
// connhelper (driver/remote/factory.go, util/endpoint.go at v0.10.5).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeVersion } from '../helpers/fake-docker.js';
import { type Fleet, startFleet } from '../helpers/fleet.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

const CONTAINER = 'mpb-buildkit-mac-mac-arm64';
const VOLUME = `${CONTAINER}-state`;
// Pinned: a new hash would re-create every user's container on upgrade (image, flags, config → sha256, 16 hex).
const HASH_DEFAULT_IMAGE = 'fb1397677a2ba864';
const HASH_V0_20 = 'e0305b26497540b4';
// Docker Desktop on Apple Silicon: BuildKit lists arm64 first, then what QEMU emulates.
const MAC_WORKER = [
  'linux/arm64',
  'linux/amd64',
  'linux/amd64/v2',
  'linux/riscv64',
  'linux/386',
  'linux/arm/v7',
];

let fleet: Fleet;
beforeAll(async () => {
  fleet = await startFleet([{ name: 'linux-amd64', platforms: ['linux/amd64'] }]);
});
afterAll(() => fleet.close());

const configOf = (image?: string, network?: string) => `version: 1
defaultBuilder: mac
builders:
  mac:
    driver: remote
    nodes:
      - name: mac-arm64
        local: true${image ? `\n        image: ${image}` : ''}${network ? `\n        network: ${network}` : ''}
        platforms: [linux/arm64]
      - name: linux-amd64
        endpoint: ${fleet.endpoints['linux-amd64']}
        platforms: [linux/amd64]
        tls: { ca: ${fleet.tls.ca}, cert: ${fleet.tls.cert}, key: ${fleet.tls.key} }
`;

async function setup(version: FakeVersion): Promise<FlowWorld> {
  const w = await flowWorld({ version, mode: 'path', daemon: true, config: configOf() });
  w.fake.setState((s) => {
    s.workers[`docker-container://${CONTAINER}`] = { platforms: MAC_WORKER };
  });
  return w;
}

/** Runs mpb and returns what it printed plus the docker calls it made, each as the argv after `docker`. */
async function mpb(w: FlowWorld, ...args: string[]) {
  const before = w.fake.calls().length;
  const r = await w.mpb(args);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  return {
    ...r,
    calls: w.fake
      .calls()
      .slice(before)
      .map((argv) => argv.slice(1).join(' ')),
  };
}

const MUTATING = /^(container (create|start|stop|rm|kill)|volume (create|rm)|buildx (create|rm|use|stop)) /;
const mutations = (calls: string[]) => calls.filter((c) => MUTATING.test(c));

const createArgs = (hash: string, image: string) =>
  `container create --name ${CONTAINER} --privileged --restart unless-stopped --label mpb.builder=mac ` +
  `--label mpb.node=mac-arm64 --label mpb.spec-hash=${hash} --volume ${VOLUME}:/var/lib/buildkit ${image}`;
const appendTls = () =>
  `buildx create --name mac --node linux-amd64 --driver remote --append --platform linux/amd64 ` +
  `--driver-opt cacert=${fleet.tls.ca} --driver-opt cert=${fleet.tls.cert} --driver-opt key=${fleet.tls.key} ` +
  `${fleet.endpoints['linux-amd64']}`;
const FRESH = () => [
  createArgs(HASH_DEFAULT_IMAGE, 'moby/buildkit:buildx-stable-1'),
  `container start ${CONTAINER}`,
  `buildx create --name mac --node mac-arm64 --driver remote --platform linux/arm64 docker-container://${CONTAINER}`,
  appendTls(),
];

describe.each(VERSIONS)('a local node beside a TLS node on buildx %s', (version) => {
  // One world per version, step by step, as a user meets them: each mpb run costs ~1 s of processes.
  it('dry run, create, no-op, ls, restart, new image, rm --keep-state, create on the kept volume, rm', async () => {
    const w = await setup(version);
    const [create, start, builder, append] = FRESH();

    // --dry-run: the exact docker commands with their reasons; nothing changes.
    const dry = await mpb(w, 'ensure-builder', '--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toBe(
      [
        'Plan for builder "mac" (dry run: nothing changed)',
        '# local node "mac-arm64" has no BuildKit container',
        `docker ${create}`,
        '# start the new BuildKit container for "mac-arm64"',
        `docker ${start}`,
        '# builder "mac" does not exist: create it with its first node "mac-arm64"',
        `docker ${builder}`,
        '# add node "linux-amd64" to the new builder',
        `docker ${append}`,
        'Endpoints:',
        `  ✓ linux-amd64 ${fleet.endpoints['linux-amd64']}`,
        '',
      ].join('\n'),
    );
    expect(mutations(dry.calls)).toEqual([]);
    expect(w.fake.state().containers).toEqual({});
    expect(w.fake.state().builders).toEqual({});

    // Fresh: the privileged container with its volume and labels, started, then the builder with it first.
    const fresh = await mpb(w, '--json', 'ensure-builder');
    expect(fresh.exitCode).toBe(0);
    expect(mutations(fresh.calls)).toEqual(FRESH());
    const report = JSON.parse(fresh.stdout).builders[0];
    expect(report.plan.actions.map((a: { kind: string }) => a.kind)).toEqual([
      'container-create',
      'container-start',
      'create',
      'append',
    ]);
    expect(report.health.state).toBe('healthy');
    const c = w.fake.state().containers[CONTAINER]!;
    expect(c.State).toMatchObject({ Status: 'running', Running: true });
    expect(c.HostConfig.Privileged).toBe(true);
    expect(c.Config.Image).toBe('moby/buildkit:buildx-stable-1');
    expect(c.Config.Labels).toEqual({
      'mpb.builder': 'mac',
      'mpb.node': 'mac-arm64',
      'mpb.spec-hash': HASH_DEFAULT_IMAGE,
    });
    expect(c.Mounts).toMatchObject([
      { Type: 'volume', Name: VOLUME, Destination: '/var/lib/buildkit', RW: true },
    ]);
    expect(Object.keys(w.fake.state().volumes)).toEqual([VOLUME]);
    expect(w.fake.state().builders['mac']?.nodes.map((n) => [n.name, n.endpoint, n.platforms])).toEqual([
      ['mac-arm64', `docker-container://${CONTAINER}`, ['linux/arm64']],
      ['linux-amd64', fleet.endpoints['linux-amd64'], ['linux/amd64']],
    ]);

    // A re-run changes nothing: one container inspect and two buildx reads.
    const noop = await mpb(w, 'ensure-builder');
    expect(noop.exitCode).toBe(0);
    expect(noop.stdout).toContain('builder "mac": healthy');
    expect([...noop.calls].sort()).toEqual([
      'buildx inspect mac',
      'buildx version',
      `container inspect ${CONTAINER}`,
    ]);

    // ls shows the container beside its node; a stopped one is drift.
    const row = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('  mac-arm64 '));
    const up = await mpb(w, 'ls');
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain('builder "mac" (remote): in sync');
    expect(row(up.stdout)).toMatch(
      new RegExp(`docker-container://${CONTAINER} +running .* ${CONTAINER} \\(running\\)$`),
    );
    w.fake.markContainer(CONTAINER, 'exited');
    const down = await mpb(w, 'ls');
    expect(down.exitCode).toBe(0);
    expect(row(down.stdout)).toMatch(new RegExp(`${CONTAINER} \\(exited\\)$`));
    expect(down.stdout).toContain(
      `  changed mac-arm64: BuildKit container ${CONTAINER} is exited; run: mpb ensure-builder mac`,
    );
    expect(mutations([...up.calls, ...down.calls])).toEqual([]);

    // The stopped container is started again, and nothing else changes.
    const restart = await mpb(w, 'ensure-builder');
    expect(restart.exitCode).toBe(0);
    expect(mutations(restart.calls)).toEqual([`container start ${CONTAINER}`]);
    expect(restart.stderr).toContain(`the BuildKit container of "mac-arm64" is exited...`);
    expect(restart.stdout).toContain('builder "mac": healthy');
    expect(w.fake.state().containers[CONTAINER]?.State.Running).toBe(true);

    // A new image in the config: the container is re-created on the same volume; the builder is left alone.
    const oldId = w.fake.state().containers[CONTAINER]!.Id;
    w.writeConfig(configOf('moby/buildkit:v0.20.0'));
    const image = await mpb(w, 'ensure-builder');
    expect(image.exitCode).toBe(0);
    expect(mutations(image.calls)).toEqual([
      `container rm --force ${CONTAINER}`,
      createArgs(HASH_V0_20, 'moby/buildkit:v0.20.0'),
      `container start ${CONTAINER}`,
    ]);
    expect(image.stderr).toContain(
      `the BuildKit container of "mac-arm64" runs other settings (image moby/buildkit:buildx-stable-1); re-create it, keeping volume ${VOLUME}...`,
    );
    expect(image.stdout).toContain('builder "mac": healthy');
    const recreated = w.fake.state().containers[CONTAINER]!;
    expect(recreated.Id).not.toBe(oldId);
    expect(recreated.Config.Image).toBe('moby/buildkit:v0.20.0');
    expect(recreated.Mounts).toMatchObject([{ Type: 'volume', Name: VOLUME }]);
    expect(Object.keys(w.fake.state().volumes)).toEqual([VOLUME]);
    w.writeConfig(configOf());

    // rm --keep-state: builder and container go, the volume stays for the next ensure, which mounts it again.
    const kept = await mpb(w, 'rm', 'mac', '--keep-state', '--yes');
    expect(kept.exitCode).toBe(0);
    expect(mutations(kept.calls)).toEqual([
      'buildx rm --keep-state mac',
      `container rm --force ${CONTAINER}`,
    ]);
    expect(w.fake.state().containers).toEqual({});
    expect(Object.keys(w.fake.state().volumes)).toEqual([VOLUME]);
    const again = await mpb(w, 'ensure-builder');
    expect(again.exitCode).toBe(0);
    expect(mutations(again.calls)).toEqual(FRESH());

    // rm: the volume goes too.
    const all = await mpb(w, 'rm', 'mac', '--yes');
    expect(all.exitCode).toBe(0);
    expect(mutations(all.calls)).toEqual([
      'buildx rm mac',
      `container rm --force ${CONTAINER}`,
      `volume rm ${VOLUME}`,
    ]);
    expect(w.fake.state().builders).toEqual({});
    expect(w.fake.state().containers).toEqual({});
    expect(w.fake.state().volumes).toEqual({});
  });

  it('routes arm64 to the local node and amd64 to the TLS node, both native: in the preview and in the build', async () => {
    const w = await setup(version);
    mkdirSync(join(w.dir, 'app'));
    writeFileSync(join(w.dir, 'app', 'Dockerfile'), 'FROM scratch\nARG TARGETPLATFORM\n');
    const args = ['build', '-p', 'linux/amd64,linux/arm64', '-t', 'localhost:5000/app:1', '--push', 'app'];
    const table =
      'PLATFORM     NODE         BUILD\nlinux/amd64  linux-amd64  native\nlinux/arm64  mac-arm64    native\n';

    const preview = await mpb(w, ...args, '--dry-run');
    expect(preview.exitCode).toBe(0);
    expect(preview.stderr).toContain(table);
    expect(mutations(preview.calls)).toEqual([]);

    const built = await mpb(w, ...args);
    expect(built.exitCode).toBe(0);
    expect(built.stderr).toContain(table);
    expect(mutations(built.calls)).toEqual(FRESH());
    expect(w.fake.state().builds.map((b) => b.routing)).toEqual([
      { 'linux/amd64': 'linux-amd64', 'linux/arm64': 'mac-arm64' },
    ]);
  });
});

describe('a local node, once per concern (buildx 0.29.1)', () => {
  it('a container removed by hand is re-created on its kept volume; the builder is left alone', async () => {
    const w = await setup('0.29.1');
    expect((await mpb(w, 'ensure-builder')).exitCode).toBe(0);
    w.fake.setState((s) => {
      delete s.containers[CONTAINER];
    });
    const r = await mpb(w, 'ensure-builder');
    expect(r.exitCode).toBe(0);
    expect(mutations(r.calls)).toEqual(FRESH().slice(0, 2));
    expect(Object.keys(w.fake.state().volumes)).toEqual([VOLUME]);
  });

  it('network: host re-creates the container on the host network, on its volume; the builder is left alone', async () => {
    const w = await setup('0.29.1');
    expect((await mpb(w, 'ensure-builder')).exitCode).toBe(0);
    expect(w.fake.state().containers[CONTAINER]?.HostConfig['NetworkMode']).toBe('bridge');
    w.writeConfig(configOf(undefined, 'host'));
    const host = await mpb(w, 'ensure-builder');
    expect(host.exitCode).toBe(0);
    const [rm, create, start] = mutations(host.calls);
    expect([rm, start]).toEqual([`container rm --force ${CONTAINER}`, `container start ${CONTAINER}`]);
    expect(create).toMatch(
      new RegExp(
        `^container create --name ${CONTAINER} .*--label mpb.spec-hash=(?!${HASH_DEFAULT_IMAGE})[0-9a-f]{16} --network host --volume ${VOLUME}:/var/lib/buildkit moby/buildkit:buildx-stable-1$`,
      ),
    );
    expect(mutations(host.calls)).toHaveLength(3);
    expect(w.fake.state().containers[CONTAINER]?.HostConfig['NetworkMode']).toBe('host');
    expect(Object.keys(w.fake.state().volumes)).toEqual([VOLUME]);
    // As declared now: a re-run changes nothing; back to the bridge re-creates it again.
    expect(mutations((await mpb(w, 'ensure-builder')).calls)).toEqual([]);
    w.writeConfig(configOf());
    expect(mutations((await mpb(w, 'ensure-builder')).calls)).toEqual([
      `container rm --force ${CONTAINER}`,
      FRESH()[0],
      `container start ${CONTAINER}`,
    ]);
  });

  it('two concurrent runs on a fresh machine create the container once', async () => {
    const w = await setup('0.29.1');
    const runs = await Promise.all([mpb(w, 'ensure-builder'), mpb(w, 'ensure-builder')]);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(mutations(w.fake.calls().map((argv) => argv.slice(1).join(' ')))).toEqual(FRESH());
  });

  it('the local Docker not answering: exit 1 naming the container, and how to start Docker', async () => {
    const w = await setup('0.29.1');
    w.fake.setState((s) => {
      s.dockerDaemon = false;
    });
    const r = await mpb(w, 'ensure-builder');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      [
        'builder mac (from defaultBuilder)',
        `error: reading the BuildKit container ${CONTAINER} failed (exit 1): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`,
        "  → Local nodes run on this machine's Docker: start it (sudo systemctl start docker, or open Docker Desktop), check DOCKER_HOST and `docker context ls`, then run: mpb doctor",
        '',
      ].join('\n'),
    );
    expect(mutations(r.calls)).toEqual([]);
  });
});
