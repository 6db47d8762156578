// A real Docker Engine for the e2e tier: Debian's docker.io `dockerd`, started as root on its own socket, data
// root and exec root in a temp dir (vfs storage, no iptables, no bridge), so it shares nothing with a Docker the
// machine may run. Nothing can be pulled here: images are imported from a tarball holding a static busybox.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createRunner } from '../../src/buildx/exec.js';
import { expectOk, lastLines } from '../../src/buildx/run-result.js';
import type { Runner } from '../../src/buildx/run-types.js';

export interface DockerEngine {
  /** `unix://…/docker.sock`. */
  host: string;
  /** This process's env with DOCKER_HOST set to the engine and a private DOCKER_CONFIG. */
  env: NodeJS.ProcessEnv;
  /** A runner (mpb's own) with that env. */
  run: Runner;
  dir: string;
  /** Removes every container, stops dockerd and deletes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;
// Linux capability numbers 0..40 (capabilities(7)), to name what a sandbox withholds.
const CAPS =
  'chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap linux_immutable net_bind_service ' +
  'net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct ' +
  'sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control ' +
  'setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore';

/** The tool's path on PATH or in the sbin folders root's PATH has (Debian puts dockerd in /usr/sbin). */
export function findTool(tool: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {}
  }
  return undefined;
}

/**
 * Why a privileged container cannot start here, or undefined. `--privileged` asks for every capability; a
 * sandbox whose bounding set lacks one makes runc fail with "unable to apply caps: operation not permitted".
 */
export function privilegedBlocker(): string | undefined {
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const bounding = BigInt(
    `0x${/^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]}`,
  );
  const names = CAPS.split(' ');
  const missing = Array.from({ length: last + 1 }, (_, i) => i).filter(
    (i) => !((bounding >> BigInt(i)) & 1n),
  );
  if (missing.length === 0) return undefined;
  const list = missing.map((i) => `cap_${names[i] ?? i}`).join(', ');
  return `this machine's capability bounding set lacks ${list}, so no privileged container can start here`;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Unmounts what dockerd left mounted under `dir`: a `--network host` container has the host's network namespace
 * bind-mounted at exec-root/netns/default, which a quick shutdown does not always undo (rm then fails, EBUSY).
 */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((target) => target.startsWith(`${dir}/`));
  for (const target of mounts.reverse()) spawnSync('umount', ['--lazy', target]);
}

/** Starts dockerd, or says why it cannot run here (then the caller skips with that reason). */
export async function startDockerEngine(): Promise<DockerEngine | { skip: string }> {
  if (process.getuid?.() !== 0) return { skip: 'dockerd needs root' };
  const dockerd = findTool('dockerd');
  if (!dockerd) return { skip: 'dockerd not installed (apt-get install docker.io)' };
  if (!findTool('docker')) return { skip: 'no docker CLI (apt-get install docker.io)' };

  const dir = mkdtempSync(join(tmpdir(), 'mpb-dockerd-'));
  const host = `unix://${join(dir, 'docker.sock')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'config') };
  delete env['DOCKER_CONTEXT'];
  const run = createRunner({ env });
  // stdio to a file would outlive a crash of ours; a pipe keeps the last lines for the skip reason.
  const child = spawn(
    dockerd,
    [
      ...['--storage-driver', 'vfs', '--iptables=false', '--bridge=none', '--shutdown-timeout', '1'],
      ...['--host', host, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec')],
      ...['--pidfile', join(dir, 'docker.pid')],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    log = (log + d).slice(-4000);
  });
  // Our own process ending (a crash, a Ctrl-C of vitest) must not leave dockerd behind.
  const onExit = () => child.kill('SIGTERM');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const ids = await run('docker', ['container', 'ls', '--all', '--quiet']);
    const list = ids.stdout.split('\n').filter(Boolean);
    if (ids.exitCode === 0 && list.length > 0) await run('docker', ['container', 'rm', '--force', ...list]);
    child.kill('SIGTERM');
    if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
    process.removeListener('exit', onExit);
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 });
    if (r.exitCode === 0) return { host, env, run, dir, stop };
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited || Date.now() - started > READY_TIMEOUT_MS) {
      await stop();
      const why = exited ? `exited with ${child.exitCode ?? child.signalCode}` : 'did not answer in 30 s';
      return { skip: `dockerd ${why}: ${lastLines(log, 1) || lastLines(r.stderr, 1)}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `docker import` of a one-file image (a static busybox at /bin/busybox) with this ENTRYPOINT, tagged `tags`.
 * No registry involved. Needs busybox-static (apt-get install busybox-static) and tar.
 */
export async function importBusyboxImage(
  engine: DockerEngine,
  entrypoint: string[],
  tags: string[],
): Promise<void> {
  const busybox = findTool('busybox');
  if (!busybox) throw new Error('busybox not found: apt-get install busybox-static');
  const root = join(engine.dir, 'rootfs');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(busybox, join(root, 'bin', 'busybox'));
  const tarball = join(engine.dir, 'rootfs.tar');
  const tar = spawnSync('tar', ['-C', root, '-cf', tarball, '.'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  const [first, ...rest] = tags;
  const change = `ENTRYPOINT ${JSON.stringify(entrypoint)}`;
  expectOk(
    await engine.run('docker', ['image', 'import', '--change', change, tarball, first!]),
    'docker import',
  );
  for (const tag of rest) expectOk(await engine.run('docker', ['image', 'tag', first!, tag]), 'docker tag');
}
