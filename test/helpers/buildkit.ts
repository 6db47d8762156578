// Real BuildKit daemons for the e2e tier: buildkitd v0.32.2 from ../shared/tools/get-buildkit (cached in
// .cache/buildkit, gitignored), several at once on 127.0.0.1, each with its own --root and port, the native
// snapshotter (no overlayfs here) and mutual TLS with certificates made by mpb's own `mpb certs create`.
// Fault tests stop, kill, freeze and restart them by PID.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildctlArgs as buildctlArgv,
  buildkitdArgs,
  WORKERS_ARGS,
  workerPlatforms,
} from './buildkitd-argv.mjs';
import { ROOT, runMpb } from './built-cli.js';
import { findTool } from './docker-engine.js';
import { freePort } from './registry.js';
import { sharedFile } from './shared-dir.js';

const run = promisify(execFile);
const CACHE = join(ROOT, '.cache', 'buildkit');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface BuildkitBinaries {
  buildkitd: string;
  buildctl: string;
}

/** The files `mpb certs create --host 127.0.0.1` wrote (absolute paths), in `dir`. */
export interface CertFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export interface DaemonSpec {
  /** Names the daemon in reports and its folder; also a good builder node name. */
  name: string;
  /** `--oci-worker-platform`: the worker's platform (listed first), e.g. linux/arm64 run through QEMU. */
  platform?: string;
}

export interface Daemon {
  name: string;
  port: number;
  /** `tcp://127.0.0.1:PORT` */
  endpoint: string;
  /** Its --root: snapshots live here as plain directories (native snapshotter). */
  root: string;
  pid(): number | undefined;
  /**
   * What `buildctl debug workers` lists, e.g. ['linux/arm64', 'linux/amd64', ...], the worker's own first;
   * rejects when the daemon does not answer within `timeoutMs` (default 10 s).
   */
  platforms(timeoutMs?: number): Promise<string[]>;
  /** SIGTERM, waits for the exit. Safe when already stopped. */
  stop(): Promise<void>;
  /** SIGKILL, waits for the exit: a node that dies mid-build. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: the port stays open and answers nothing, like a hung host. Resolves once every thread has stopped:
   * a group stop reaches each thread at its next signal check, and a Go thread may still finish a handshake.
   */
  freeze(): Promise<void>;
  /** SIGCONT after freeze. */
  thaw(): void;
  /**
   * Stops it if running (SIGTERM) and starts it again on the same port: by default with its root deleted, a
   * rebuilt node; with `keepRoot`, a node back from a crash with its cache.
   */
  restart(options?: { keepRoot?: boolean }): Promise<void>;
}

export interface BuildkitDaemons {
  binaries: BuildkitBinaries;
  /** A temp dir holding `certs/` and one folder per daemon; builders.yaml can go here too. */
  dir: string;
  certs: CertFiles;
  daemons: Daemon[];
  /** The `buildctl` flags that reach a daemon (address and client TLS), for a caller's own checks. */
  buildctlArgs(daemon: Daemon): string[];
  /** Stops every daemon (SIGCONT first for a frozen one) and deletes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

let install: Promise<BuildkitBinaries | { skip: string }> | undefined;

/** buildkitd and buildctl in .cache/buildkit, or why they cannot be had here. Once per process. */
export function installBuildkit(): Promise<BuildkitBinaries | { skip: string }> {
  install ??= installOnce();
  return install;
}

async function installOnce(): Promise<BuildkitBinaries | { skip: string }> {
  const binaries = { buildkitd: join(CACHE, 'buildkitd'), buildctl: join(CACHE, 'buildctl') };
  if (existsSync(binaries.buildkitd) && existsSync(binaries.buildctl)) return binaries;
  const tool = sharedFile('tools/get-buildkit');
  if ('skip' in tool) return tool;
  // Test files run in parallel processes: each unpacks into its own folder, then renames into place (atomic).
  await mkdir(CACHE, { recursive: true });
  const staging = await mkdtemp(join(CACHE, '.staging-'));
  try {
    await run('bash', [tool.path, staging], { timeout: 120_000 });
    for (const b of ['buildctl', 'buildkitd'] as const) await rename(join(staging, b), binaries[b]);
    return binaries;
  } catch (e) {
    const why = (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (e as Error).message;
    return { skip: `get-buildkit failed: ${why}` };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Why real daemons cannot run here, or undefined. */
function blocker(): string | undefined {
  if (process.getuid?.() !== 0) return 'buildkitd needs root here (runc, mounts)';
  if (!findTool('runc')) return 'no runc for the OCI worker (apt-get install runc)';
  return undefined;
}

/** Certificates for 127.0.0.1 made by the built CLI, as a user would make them. */
function makeCerts(dir: string): CertFiles {
  const r = runMpb(['--json', 'certs', 'create', '--host', '127.0.0.1', '--out', dir]);
  if (r.code !== 0) throw new Error(`mpb certs create failed (${r.code}):\n${r.stderr}`);
  const { files } = JSON.parse(r.stdout) as { files: Omit<CertFiles, 'dir'> };
  return { dir, ...files };
}

/**
 * Starts one buildkitd per spec and waits until each answers `buildctl debug workers`; or says why it
 * cannot (then the caller skips with that reason). The caller must call `stop()` (afterAll).
 */
export async function startBuildkitDaemons(
  specs: readonly DaemonSpec[],
): Promise<BuildkitDaemons | { skip: string }> {
  const why = blocker();
  if (why) return { skip: why };
  const binaries = await installBuildkit();
  if ('skip' in binaries) return binaries;
  const dir = await mkdtemp(join(tmpdir(), 'mpb-buildkit-'));
  const certs = makeCerts(join(dir, 'certs'));
  const buildctlArgs = (d: { port: number }) => buildctlArgv({ port: d.port, certs });
  const daemons: Daemon[] = [];
  const kit: BuildkitDaemons = {
    binaries,
    dir,
    certs,
    daemons,
    buildctlArgs,
    async stop() {
      await Promise.all(daemons.map((d) => d.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const spec of specs) {
      const daemon = await startDaemon(spec, { dir, port: await freePort(), binaries, certs, buildctlArgs });
      daemons.push(daemon);
    }
  } catch (e) {
    await kit.stop();
    throw e;
  }
  return kit;
}

interface DaemonContext {
  dir: string;
  port: number;
  binaries: BuildkitBinaries;
  certs: CertFiles;
  buildctlArgs: (d: { port: number }) => string[];
}

/** Waits (up to 5 s) until every thread of `pid` is stopped (`T` in /proc/PID/task/TID/stat). */
async function allThreadsStopped(pid: number): Promise<void> {
  const stateOf = (tid: string) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    } catch {
      return 'T'; // the thread ended
    }
  };
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
    const tasks = existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`) : [];
    if (tasks.every((tid) => stateOf(tid) === 'T' || stateOf(tid) === 't')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every process below `pid`, from each /proc/N/stat's parent: the `runc` runs and RUN steps of a daemon. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // The name (field 2) may hold spaces and parentheses: the parent is the 2nd field after its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = queue.flatMap((p) => children.get(p) ?? []);
    found.push(...next);
    queue = next;
  }
  return found;
}

/**
 * Unmounts what a daemon left mounted under its root (a RUN step's rootfs, when it was killed mid-step), deepest
 * first, so the root can be deleted.
 */
async function releaseMounts(root: string): Promise<void> {
  const points = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${root}/`))
    .sort((x, y) => y.length - x.length);
  for (const point of points) await run('umount', ['-l', point]);
}

async function startDaemon(spec: DaemonSpec, ctx: DaemonContext): Promise<Daemon> {
  const home = join(ctx.dir, spec.name);
  const root = join(home, 'root');
  const log = join(home, 'buildkitd.log');
  const { certs, port } = ctx;
  const args = buildkitdArgs({ root, port, certs, platform: spec.platform });
  let child: ChildProcess | undefined;
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const waitExit = (c: ChildProcess, ms: number) =>
    exited(c)
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c || exited(c)) return;
    // SIGKILL leaves runc's containers running with their mounts: a machine that dies takes them along.
    const below = sig === 'SIGKILL' && c.pid ? descendantsOf(c.pid) : [];
    c.kill('SIGCONT');
    c.kill(sig);
    if (!(await waitExit(c, STOP_TIMEOUT_MS))) {
      c.kill('SIGKILL');
      await waitExit(c, STOP_TIMEOUT_MS);
    }
    for (const pid of below) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await releaseMounts(root);
  };
  const platforms = async (timeoutMs = 10_000) => {
    const r = await run(
      ctx.binaries.buildctl,
      [...ctx.buildctlArgs({ port }), ...WORKERS_ARGS],
      // buildctl takes SIGTERM as "cancel" and then waits ~20 s for the connection: a frozen daemon needs KILL.
      { timeout: timeoutMs, killSignal: 'SIGKILL' },
    );
    return workerPlatforms(r.stdout);
  };
  const launch = async () => {
    await mkdir(root, { recursive: true });
    // A file, not a pipe: nobody has to drain it, and it is there to quote when the daemon fails.
    const out = openSync(log, 'a');
    const c = spawn(ctx.binaries.buildkitd, args, { stdio: ['ignore', out, out] });
    closeSync(out);
    child = c;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited(c))
        throw new Error(`buildkitd ${spec.name} exited (${c.exitCode ?? c.signalCode}):\n${tail()}`);
      if ((await platforms(2_000).catch(() => [])).length > 0) return;
      if (Date.now() > deadline) {
        await signal('SIGKILL');
        throw new Error(`buildkitd ${spec.name} did not answer on ${port} within 30 s:\n${tail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const tail = () =>
    existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n') : '';
  await launch();
  return {
    name: spec.name,
    port,
    endpoint: `tcp://127.0.0.1:${port}`,
    root,
    pid: () => child?.pid,
    platforms,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    freeze: async () => {
      const pid = child?.pid;
      child?.kill('SIGSTOP');
      if (pid !== undefined) await allThreadsStopped(pid);
    },
    thaw: () => {
      child?.kill('SIGCONT');
    },
    async restart({ keepRoot = false } = {}) {
      await signal('SIGTERM');
      if (!keepRoot) await rm(root, { recursive: true, force: true });
      await launch();
    },
  };
}
