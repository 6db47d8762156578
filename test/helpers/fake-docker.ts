// Installs the fake buildx (test/fake-buildx) for one test: a temp DOCKER_CONFIG with the plugin, or the fake
// `docker` first on PATH, plus its state file and call log. Pass `env` to `node bin/mpb.js` or createRunner({env}).
import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readState as readFakeState, updateState } from '../fake-buildx/lib/state.mjs';
import { MPB_BIN, ROOT } from './built-cli.js';
import type { CapturedVersion } from './versions.js';

export const FAKE_DIR = fileURLToPath(new URL('../fake-buildx/', import.meta.url));

export type FakeVersion = CapturedVersion;

/** A state.fail rule: `command` is a subcommand (`create`, `imagetools inspect`, `container start`, ...). */
export interface FailRule {
  command: string;
  exit?: number;
  stderr?: string;
  stdout?: string;
  /** Only calls whose argv (joined by spaces) contains this text. */
  match?: string;
  /** Fail this many matching calls, then stop failing. */
  times?: number;
}

export interface FakeDockerOptions {
  version?: FakeVersion;
  /** Endpoints (`tcp://127.0.0.1:1299`), node names or `builder/node` that are down. */
  down?: string[];
  /** How long a bootstrap of a down node takes to fail (default 200 ms; real buildx: ~20 s). */
  downDelayMs?: number;
  /** Fixed latency added to every call (benchmarks). */
  latencyMs?: number;
  /** Extra delay per subcommand, e.g. {build: 5000}. */
  slow?: Record<string, number>;
  fail?: FailRule[];
  /** 'plugin': the real docker CLI dispatches to the fake plugin; 'path': the fake `docker` handles everything. */
  mode?: 'plugin' | 'path';
  /** Whether the fake Docker daemon answers (container commands, docker-container nodes, the `default` builder). */
  daemon?: boolean;
  /** Puts the fake `kubectl` (answering from the fake cluster) first on PATH, so no real one is reached. */
  kubectl?: boolean;
}

export interface FakeNode {
  name: string;
  endpoint: string;
  /** Pinned platforms (`create --platform`). */
  platforms: string[];
  driverOpts: Record<string, string> | null;
  flags: string[] | null;
  /** `create --buildkitd-config` (`--config`): the file's base name → its content, base64, as buildx stores it. */
  files?: Record<string, string> | null;
}

export interface FakeContainer {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean } & Record<string, unknown>;
  Config: { Image: string; Labels: Record<string, string>; Cmd: string[] } & Record<string, unknown>;
  HostConfig: { Privileged: boolean } & Record<string, unknown>;
  Mounts: Array<Record<string, unknown>>;
}

/** The slice of the fake's state file tests usually touch; the rest is documented in test/fake-buildx/README.md. */
export interface FakeState {
  builders: Record<string, { name: string; driver: string; nodes: FakeNode[] }>;
  current: string | null;
  dockerDaemon: boolean;
  workers: Record<
    string,
    {
      preset?: string;
      platforms?: string[];
      version?: string;
      tls?: boolean;
      labels?: Record<string, string>;
    }
  >;
  down: string[];
  fail: FailRule[];
  containers: Record<string, FakeContainer>;
  volumes: Record<string, Record<string, unknown>>;
  registry: Record<string, string>;
  builds: Array<{
    /** The bake target this build was, for the builds of `buildx bake`. */
    target?: string;
    builder: string;
    platforms: string[];
    routing: Record<string, string>;
    tags: string[];
    exitCode: number;
  }>;
  [key: string]: unknown;
}

export interface FakeDocker {
  env: NodeJS.ProcessEnv;
  dir: string;
  statePath: string;
  logPath: string;
  mode: 'plugin' | 'path';
  /** Every docker call so far, as argv starting with 'docker' (the plugin's metadata probes excluded). */
  calls(): string[][];
  /** Signals that reached a running `buildx build` (SIGINT/SIGTERM), in order. */
  signals(): string[];
  state(): FakeState;
  setState(fn: (state: FakeState) => void): void;
  /** Marks a container of the fake engine running or exited, as if the daemon restarted or someone stopped it. */
  markContainer(name: string, status: 'running' | 'exited'): void;
  cleanup(): void;
}

/** A docker CLI on PATH that is not the fake: then the plugin route is the realistic one. */
export function findRealDocker(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    const file = join(dir, 'docker');
    if (!dir || file.startsWith(FAKE_DIR)) continue;
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

// Same protocol as test/fake-buildx/lib/state.mjs: a lock directory, then write-temp-and-rename.
// The fake's own state module: one lock and one set of defaults for the fake and the tests.
const stateEnv = (statePath: string): NodeJS.ProcessEnv => ({ MPB_FAKE_STATE: statePath });
const readState = (statePath: string) => readFakeState(stateEnv(statePath)) as unknown as FakeState;

export async function withFakeDocker(options: FakeDockerOptions = {}): Promise<FakeDocker> {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-fake-'));
  const mode = options.mode ?? (findRealDocker() ? 'plugin' : 'path');
  const dockerConfig = join(dir, 'docker-config');
  const bin = join(dir, 'bin');
  mkdirSync(join(dockerConfig, 'cli-plugins'), { recursive: true });
  mkdirSync(bin);
  // Symlinks, not copies: the entry scripts import ./lib relative to their real location.
  if (mode === 'plugin')
    symlinkSync(join(FAKE_DIR, 'docker-buildx'), join(dockerConfig, 'cli-plugins', 'docker-buildx'));
  else symlinkSync(join(FAKE_DIR, 'docker'), join(bin, 'docker'));
  if (options.kubectl) symlinkSync(join(FAKE_DIR, 'kubectl'), join(bin, 'kubectl'));
  const statePath = join(dir, 'state.json');
  const logPath = join(dir, 'calls.jsonl');
  writeFileSync(logPath, '');

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'BUILDX_BUILDER',
    'DOCKER_HOST',
    'DOCKER_CONTEXT',
    'BUILDKIT_HOST',
    'CI',
    'GITHUB_ACTIONS',
    'MPB_CONFIG',
    'MPB_BUILDER',
  ])
    delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('MPB_FAKE_')) delete env[name];
  Object.assign(env, {
    DOCKER_CONFIG: dockerConfig,
    MPB_FAKE_STATE: statePath,
    MPB_FAKE_LOG: logPath,
    MPB_FAKE_VERSION: options.version ?? '0.13.1',
    ...(options.down?.length ? { MPB_FAKE_DOWN: options.down.join(',') } : {}),
    ...(options.downDelayMs !== undefined ? { MPB_FAKE_DOWN_DELAY_MS: String(options.downDelayMs) } : {}),
    ...(options.latencyMs ? { MPB_FAKE_LATENCY_MS: String(options.latencyMs) } : {}),
    ...(options.slow
      ? {
          MPB_FAKE_SLOW: Object.entries(options.slow)
            .map(([k, ms]) => `${k}:${ms}`)
            .join(','),
        }
      : {}),
    PATH:
      mode === 'path' || options.kubectl ? `${bin}${delimiter}${process.env.PATH ?? ''}` : process.env.PATH,
  });

  const fake: FakeDocker = {
    env,
    dir,
    statePath,
    logPath,
    mode,
    calls: () =>
      logLines(logPath)
        .filter((l) => !l.event)
        .map((l) => l.argv),
    signals: () => logLines(logPath).flatMap((l) => (l.event === 'signal' && l.signal ? [l.signal] : [])),
    state: () => readState(statePath),
    // DOCKER_CONFIG too: the fake writes buildx's record files there after each change, as buildx would.
    setState: (fn) =>
      updateState((state) => fn(state as unknown as FakeState), {
        ...stateEnv(statePath),
        DOCKER_CONFIG: dockerConfig,
      }),
    markContainer: (name, status) =>
      fake.setState((s) => {
        const c = s.containers[name];
        if (!c) throw new Error(`fake docker: no container ${name}`);
        c.State = { ...c.State, Status: status, Running: status === 'running' };
      }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  fake.setState((s) => {
    s.dockerDaemon = options.daemon ?? false;
    s.fail = options.fail ?? [];
  });
  return fake;
}

function logLines(logPath: string): Array<{ argv: string[]; event?: string; signal?: string }> {
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

export interface MpbRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`node bin/mpb.js`, i.e. dist/, which the tier's globalSetup built) with this env. Async, so
 * several mpb processes can run at once.
 */
export function runMpb(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; cwd?: string } = {},
): Promise<MpbRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MPB_BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
