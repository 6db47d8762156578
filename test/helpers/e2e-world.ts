// The e2e tier's world, started once per file: real buildx of each Debian suite the tier covers (REAL_BUILDX), each
// in DOCKER_CONFIGs of its own, and whichever real pieces the file asks for — QEMU for foreign RUN steps, BuildKit
// daemons beside a registry holding their busybox base image, a Docker Engine — or why they cannot run here
// (skip.ts puts that reason in the skipped tests' names). Everything is stopped and removed after the file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { BuildxVersion } from '../../src/buildx/model.js';
import { type BaseImageRegistry, startBaseImageRegistry } from './base-image.js';
import { type BuildkitDaemons, type Daemon, type DaemonSpec, startBuildkitDaemons } from './buildkit.js';
import { cleanEnv } from './built-cli.js';
import { type DockerEngine, findTool, startDockerEngine } from './docker-engine.js';
import { ensureQemu } from './qemu.js';
import { hasDockerCli, installRealBuildx } from './real-buildx.js';
import { whySkip } from './skip.js';
import { REAL_BUILDX, type Suite, versionOfSuite } from './versions.js';

export interface E2eWorldOptions {
  /** BuildKit daemons (buildkit.ts: mutual TLS, certificates by `mpb certs create`), beside a base-image registry. */
  daemons?: DaemonSpec[];
  /** Platforms whose RUN steps run through QEMU, e.g. linux/arm64. */
  qemu?: string[];
  /** A Docker Engine of its own (docker-engine.ts), and the static busybox its images are made from. */
  engine?: boolean;
  /** Tools that must be on PATH, e.g. docker-registry and skopeo. */
  tools?: string[];
  /** The Debian suites whose buildx the file runs: REAL_BUILDX's by default, in its order; [] for none. */
  suites?: readonly Suite[];
}

/** One suite's real buildx, for the tests of one `describe`. */
export interface SuiteBuildx {
  suite: Suite;
  /** The buildx version Debian's package of the suite holds, e.g. 0.29.1. */
  version: string;
  /** Why this suite's tests are skipped here (the world's reason, or its buildx's), or undefined. */
  skip: string | undefined;
  /** The installed plugin; throws where `skip` says why there is none. */
  buildx: { pluginDir: string; version: BuildxVersion };
  /**
   * A fresh DOCKER_CONFIG holding this buildx, and a user's plain shell env using it: none of the runner's
   * BUILDX_BUILDER, BUILDX_CONFIG, DOCKER_CONTEXT, DOCKER_HOST or GITHUB_STEP_SUMMARY; `more` on top.
   */
  dockerEnv(more?: NodeJS.ProcessEnv): { dockerConfig: string; env: NodeJS.ProcessEnv };
}

export interface E2eWorld {
  /** Why the pieces asked for cannot run here, or undefined. */
  skip: string | undefined;
  /** The pieces asked for; each throws where it was not started. */
  kit: BuildkitDaemons;
  base: BaseImageRegistry;
  engine: DockerEngine;
  /** One of `kit`'s daemons by name. */
  daemon(name: string): Daemon;
  /** One row per suite for `describe.each(world.suites)('... Debian %s (%s)', (suite, version) => ...)`. */
  suites: Array<[suite: Suite, version: string]>;
  /** A suite's buildx, by name. */
  suite(suite: Suite): SuiteBuildx;
  /** A fresh temp folder, removed after the file. */
  temp(prefix?: string): string;
}

/** The runner's variables that would point buildx elsewhere than a suite's DOCKER_CONFIG, or write CI's summary. */
const RUNNER_VARIABLES = [
  'BUILDX_BUILDER',
  'BUILDX_CONFIG',
  'DOCKER_CONTEXT',
  'DOCKER_HOST',
  'GITHUB_STEP_SUMMARY',
];

export async function e2eWorld(options: E2eWorldOptions = {}): Promise<E2eWorld> {
  const temps: string[] = [];
  const started: { kit?: BuildkitDaemons; base?: BaseImageRegistry; engine?: DockerEngine } = {};
  const stop = async () => {
    await Promise.all([started.kit?.stop(), started.base?.registry.stop(), started.engine?.stop()]);
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  afterAll(stop);
  let skip: string | undefined;
  try {
    skip = await startPieces(options, started);
  } catch (e) {
    await stop();
    throw e;
  }
  const temp = (prefix = 'mpb-e2e-') => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  const need = <T>(piece: T | undefined, what: string): T => {
    if (piece === undefined) throw new Error(`the e2e world has no ${what}: ${skip ?? 'not asked for'}`);
    return piece;
  };
  const suites: SuiteBuildx[] = [];
  for (const suite of options.suites ?? REAL_BUILDX.map((r) => r.suite)) {
    const got = skip ? { skip } : await installRealBuildx(suite);
    const bx: SuiteBuildx = {
      suite,
      version: versionOfSuite(suite),
      skip: whySkip(got),
      get buildx() {
        return need('pluginDir' in got ? got : undefined, `buildx of Debian ${suite}`);
      },
      dockerEnv: (more = {}) => {
        const dockerConfig = temp('mpb-e2e-docker-');
        mkdirSync(join(dockerConfig, 'cli-plugins'));
        symlinkSync(
          join(bx.buildx.pluginDir, 'docker-buildx'),
          join(dockerConfig, 'cli-plugins', 'docker-buildx'),
        );
        const env = cleanEnv({ DOCKER_CONFIG: dockerConfig });
        for (const name of RUNNER_VARIABLES) delete env[name];
        return { dockerConfig, env: { ...env, ...more } };
      },
    };
    suites.push(bx);
  }
  return {
    skip,
    get kit() {
      return need(started.kit, 'BuildKit daemons');
    },
    get base() {
      return need(started.base, 'base-image registry');
    },
    get engine() {
      return need(started.engine, 'Docker Engine');
    },
    daemon: (name) =>
      need(
        started.kit?.daemons.find((d) => d.name === name),
        `daemon ${name}`,
      ),
    suites: suites.map((bx) => [bx.suite, bx.version]),
    suite: (name) =>
      need(
        suites.find((bx) => bx.suite === name),
        `suite ${name}`,
      ),
    temp,
  };
}

/** Starts what `options` asks for into `started`, in order, until something cannot run here: then why. */
async function startPieces(
  options: E2eWorldOptions,
  started: { kit?: BuildkitDaemons; base?: BaseImageRegistry; engine?: DockerEngine },
): Promise<string | undefined> {
  if (!(await hasDockerCli())) return 'no docker CLI on PATH';
  const missing = (options.tools ?? []).filter((tool) => !findTool(tool));
  if (missing.length > 0) return `${missing.join(', ')} not installed (apt-get install ${missing.join(' ')})`;
  if (options.qemu) {
    const qemu = await ensureQemu(options.qemu);
    if ('skip' in qemu) return qemu.skip;
  }
  if (options.daemons) {
    const base = await startBaseImageRegistry();
    if ('skip' in base) return base.skip;
    started.base = base;
    const kit = await startBuildkitDaemons(options.daemons);
    if ('skip' in kit) return kit.skip;
    started.kit = kit;
  }
  if (options.engine) {
    if (!findTool('busybox'))
      return 'no static busybox to make an image from (apt-get install busybox-static)';
    const engine = await startDockerEngine();
    if ('skip' in engine) return engine.skip;
    started.engine = engine;
  }
  return undefined;
}
