// A flow test's world: the fake buildx for this one test (fake-docker.ts: a temp DOCKER_CONFIG with the plugin,
// or the fake `docker` first on PATH), a temp HOME, a folder of the test's own, the config file MPB_CONFIG names,
// mpb bound to all of it, and everything removed when the test ends.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import {
  type FakeDocker,
  type FakeDockerOptions,
  type MpbRun,
  runMpb,
  withFakeDocker,
} from './fake-docker.js';
import { type Fleet, type FleetNode, startFleet } from './fleet.js';

/** Registers something to run when the test ends. */
export type OnFinished = (fn: () => void | Promise<void>) => void;

export interface FlowWorldOptions extends FakeDockerOptions {
  /** builders.yaml's text, written into the world's folder; or the path of a file written already. */
  config?: string | { path: string };
  /** A fake the test set up itself (another mode, slow calls), instead of one from these options. */
  fake?: FakeDocker;
  /** Where the removal is registered: vitest's onTestFinished, or the test context's under it.concurrent. */
  onFinished?: OnFinished;
}

export interface FlowWorld {
  fake: FakeDocker;
  /** The test's folder (in the fake's): mpb runs here, and a config given as text is its builders.yaml. */
  dir: string;
  /** The config file MPB_CONFIG names; undefined without one (then mpb finds none: HOME is the fake's too). */
  config: string | undefined;
  /** Writes builders.yaml in `dir`, which MPB_CONFIG then names. */
  writeConfig(text: string): void;
  /** The fake's env with the temp HOME, no colour and no CI summary file, and MPB_CONFIG; add to it freely. */
  env: NodeJS.ProcessEnv;
  /** Runs the built CLI in `dir` (or `cwd`) with `env` and any more variables. */
  mpb(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<MpbRun>;
  /** The fake's `docker buildx` calls, each argv from 'docker', whose words after `buildx` start with `sub`. */
  buildxCalls(sub?: string): string[][];
  /** A docker command straight to the fake, as a user's earlier commands would be; throws when it fails. */
  docker(...args: string[]): void;
  /** Runs `fn` when the test ends (before the world is removed). */
  onFinished: OnFinished;
}

export async function flowWorld(options: FlowWorldOptions = {}): Promise<FlowWorld> {
  const { config, fake: given, onFinished = onTestFinished, ...fakeOptions } = options;
  const fake = given ?? (await withFakeDocker(fakeOptions));
  onFinished(fake.cleanup);
  const dir = join(fake.dir, 'work');
  mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...fake.env,
    HOME: fake.dir,
    XDG_CONFIG_HOME: join(fake.dir, 'xdg'),
    NO_COLOR: '1',
  };
  delete env['GITHUB_STEP_SUMMARY'];
  const world: FlowWorld = {
    fake,
    dir,
    config: undefined,
    env,
    writeConfig: (text) => {
      writeFileSync(join(dir, 'builders.yaml'), text);
      named(join(dir, 'builders.yaml'));
    },
    mpb: (args, o = {}) => runMpb(args, { ...world.env, ...o.env }, { cwd: o.cwd ?? dir }),
    buildxCalls: (sub = '') =>
      fake.calls().filter((argv) => argv[1] === 'buildx' && argv.slice(2).join(' ').startsWith(sub)),
    docker: (...args) => {
      const r = spawnSync('docker', args, { env: world.env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`docker ${args.join(' ')} (exit ${r.status}): ${r.stderr}`);
    },
    onFinished,
  };
  const named = (path: string) => {
    world.config = path;
    world.env['MPB_CONFIG'] = path;
  };
  if (typeof config === 'string') world.writeConfig(config);
  else if (config) named(config.path);
  return world;
}

/** A flow world whose config is a fleet of real mutual-TLS servers (fleet.ts), stopped when the test ends. */
export async function fleetWorld(
  nodes: FleetNode[],
  options: Omit<FlowWorldOptions, 'config'> = {},
): Promise<FlowWorld & { fleet: Fleet }> {
  const fleet = await startFleet(nodes);
  (options.onFinished ?? onTestFinished)(fleet.close);
  return Object.assign(await flowWorld({ ...options, config: { path: fleet.configPath } }), { fleet });
}
