// Real tier: the container commands mpb plans for a `local: true` node, run by mpb's own runner against a real
// Docker Engine (Debian's docker.io, started here), and read back with mpb's own parser. No BuildKit image can
// be pulled here, so the image is a static busybox whose ENTRYPOINT sleeps and ignores its arguments: mpb's
// buildkitd flags become its command exactly as they would for moby/buildkit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import {
  BUILDKIT_STATE_PATH,
  BUILDKITD_CONFIG_PATH,
  type ContainerSpec,
  containerInspectArgs,
  parseVolumeList,
  SPEC_HASH_LABEL,
  volumeListArgs,
} from '../../src/buildx/container-args.js';
import { containerNameOf } from '../../src/buildx/container-names.js';
import { readContainerState } from '../../src/buildx/containers.js';
import { expectOk } from '../../src/buildx/run-result.js';
import type { Runner } from '../../src/buildx/run-types.js';
import type { NodeSpec } from '../../src/config/types.js';
import {
  containerSpecOf,
  planLocalContainer,
  planLocalContainerRemoval,
} from '../../src/core/local-container.js';
import type { PlanAction } from '../../src/core/plan-types.js';
import { executeActions } from '../../src/reconcile/execute.js';
import { type DockerEngine, importBusyboxImage, privilegedBlocker } from '../helpers/docker-engine.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { itUnless } from '../helpers/skip.js';

const world = await e2eWorld({ engine: true, suites: [] });
const engine: DockerEngine | undefined = world.skip ? undefined : world.engine;
const live = itUnless(world.skip);

const IMAGE = 'mpb-e2e/buildkitd:1';
const NEXT_IMAGE = 'mpb-e2e/buildkitd:2';
// `sh -c SCRIPT $0 $1...`: mpb's arguments land in $0.. and are ignored, so any buildkitd flags are accepted.
const ENTRYPOINT = ['/bin/busybox', 'sh', '-c', 'exec /bin/busybox sleep 3600', 'buildkitd'];
const FLAGS = '--debug --allow-insecure-entitlement "network.host"';
const noPrivileged = privilegedBlocker();

beforeAll(async () => {
  if (engine) await importBusyboxImage(engine, ENTRYPOINT, [IMAGE, NEXT_IMAGE]);
});

function nodeOf(image: string, buildkitdConfig?: string): NodeSpec {
  return {
    name: 'mac-arm64',
    endpoint: undefined,
    platforms: ['linux/arm64'],
    emulate: [],
    tls: undefined,
    driverOpts: {},
    buildkitdFlags: FLAGS,
    buildkitdConfig,
    local: { image },
    pos: { path: 'builders.yaml', line: 1, column: 1 },
  };
}

const specOf = (builder: string, node: NodeSpec) => containerSpecOf(builder, node) as ContainerSpec;
const kinds = (actions: PlanAction[]) => actions.map((a) => a.kind);
async function inspectRaw(run: Runner, name: string) {
  return JSON.parse(expectOk(await run('docker', containerInspectArgs(name))).stdout)[0];
}
async function volumes(run: Runner, builder: string) {
  const r = expectOk(await run('docker', volumeListArgs(containerNameOf(builder, ''))));
  return parseVolumeList(r.stdout);
}
/** The same runner without `--privileged` on `container create`, for a sandbox that cannot start one. */
const withoutPrivileged =
  (run: Runner): Runner =>
  (file, args, options) =>
    run(file, args[1] === 'create' ? args.filter((a) => a !== '--privileged') : args, options);

describe("mpb's local BuildKit container commands on a real Docker Engine", () => {
  live('create: the engine takes the argv as planned; inspect reads it back as mpb planned', async () => {
    const { run, dir } = engine!;
    const config = join(dir, 'buildkitd.toml');
    writeFileSync(config, 'debug = true\n');
    const spec = specOf('create', nodeOf(IMAGE, config));
    expect(await readContainerState(run, spec.name)).toEqual({ state: 'missing' });

    const plan = planLocalContainer(spec, 'mac-arm64', { state: 'missing' });
    expect(kinds(plan)).toEqual(['container-create', 'container-start']);
    await executeActions(run, plan.slice(0, 1));
    const created = await readContainerState(run, spec.name);
    expect(created).toEqual({
      state: 'stopped',
      status: 'created',
      image: IMAGE,
      specHash: spec.labels[SPEC_HASH_LABEL],
    });
    const raw = await inspectRaw(run, spec.name);
    expect(raw.HostConfig.Privileged).toBe(true);
    expect(raw.HostConfig.RestartPolicy.Name).toBe('unless-stopped');
    expect(raw.Config.Labels).toEqual(spec.labels);
    expect(raw.Config.Cmd).toEqual([
      '--config',
      BUILDKITD_CONFIG_PATH,
      '--debug',
      '--allow-insecure-entitlement',
      'network.host',
    ]);
    const mounts = [...raw.Mounts].sort((a, b) => a.Destination.localeCompare(b.Destination));
    expect(mounts).toMatchObject([
      { Type: 'bind', Source: config, Destination: BUILDKITD_CONFIG_PATH, RW: false },
      { Type: 'volume', Name: spec.volume, Destination: BUILDKIT_STATE_PATH, RW: true },
    ]);
    // A created container is started, not re-created.
    expect(kinds(planLocalContainer(spec, 'mac-arm64', created))).toEqual(['container-start']);

    const removal = planLocalContainerRemoval(spec, 'mac-arm64', created, {
      keepState: false,
      volumeExists: (await volumes(run, 'create')).includes(spec.volume),
    });
    expect(kinds(removal)).toEqual(['container-rm', 'volume-rm']);
    await executeActions(run, removal);
    expect(await readContainerState(run, spec.name)).toEqual({ state: 'missing' });
    expect(await volumes(run, 'create')).toEqual([]);
  });

  const how = noPrivileged ? ` without --privileged: ${noPrivileged}` : '';
  live(
    `missing → running, stopped → running, new image → re-created on its volume, rm --keep-state, rm${how}`,
    async () => {
      const run = noPrivileged ? withoutPrivileged(engine!.run) : engine!.run;
      const spec = specOf('life', nodeOf(IMAGE));
      const converge = async (s: ContainerSpec) => {
        const plan = planLocalContainer(s, 'mac-arm64', await readContainerState(run, s.name));
        await executeActions(run, plan);
        return kinds(plan);
      };
      const running = (s: ContainerSpec, image: string) => ({
        state: 'running',
        status: 'running',
        image,
        specHash: s.labels[SPEC_HASH_LABEL],
      });

      expect(await converge(spec)).toEqual(['container-create', 'container-start']);
      expect(await readContainerState(run, spec.name)).toEqual(running(spec, IMAGE));
      expect(await converge(spec)).toEqual([]);

      // Stopped by hand (an explicit stop is not undone by --restart unless-stopped): started again.
      expectOk(await run('docker', ['container', 'stop', '--time', '1', spec.name]));
      expect(await readContainerState(run, spec.name)).toMatchObject({ state: 'stopped', status: 'exited' });
      expect(await converge(spec)).toEqual(['container-start']);
      expect(await readContainerState(run, spec.name)).toEqual(running(spec, IMAGE));

      // A new image: re-created, and what BuildKit kept in the volume is still there.
      const marker = `${BUILDKIT_STATE_PATH}/kept`;
      const sh = (script: string) => run('docker', ['exec', spec.name, '/bin/busybox', 'sh', '-c', script]);
      expectOk(await sh(`echo cache > ${marker}`));
      const next = specOf('life', nodeOf(NEXT_IMAGE));
      expect(await converge(next)).toEqual(['container-rm', 'container-create', 'container-start']);
      expect(await readContainerState(run, next.name)).toEqual(running(next, NEXT_IMAGE));
      expect(expectOk(await sh(`cat ${marker}`)).stdout).toBe('cache\n');

      // rm --keep-state, then rm once the container is gone: only the volume is left to remove.
      const remove = async (keepState: boolean) => {
        const state = await readContainerState(run, next.name);
        const volumeExists = (await volumes(run, 'life')).includes(next.volume);
        const plan = planLocalContainerRemoval(next, 'mac-arm64', state, { keepState, volumeExists });
        await executeActions(run, plan);
        return kinds(plan);
      };
      expect(await remove(true)).toEqual(['container-rm']);
      expect(await readContainerState(run, next.name)).toEqual({ state: 'missing' });
      expect(await volumes(run, 'life')).toEqual([next.volume]);
      expect(await remove(false)).toEqual(['volume-rm']);
      expect(await volumes(run, 'life')).toEqual([]);
    },
  );
});
