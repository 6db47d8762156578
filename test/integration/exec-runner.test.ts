// The runner on real processes (execa): what a child printed, how it ended, its timeout and its process group, a
// program that is not there, the command's own stop; `docker buildx` run as the plugin itself; reads started ahead.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunner } from '../../src/buildx/exec.js';
import { startAhead } from '../../src/buildx/read-ahead.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpb-runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sh = (script: string) => ['-c', script] as const;

/** Running, not a zombie waiting for a reaper (linux: /proc/PID/stat's third field). */
function isAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('createRunner', () => {
  it('captures stdout and stderr whole, a character split across chunks included, and the exit code', async () => {
    // "é" is two bytes: printf writes the first, sleeps, then the second, so they arrive in two chunks.
    const r = await createRunner()(
      'sh',
      sh("printf 'a\\303'; sleep 0.05; printf '\\251b\\n'; echo oops >&2; exit 3"),
    );
    expect(r).toMatchObject({ stdout: 'aéb\n', stderr: 'oops\n', exitCode: 3, outcome: { kind: 'failed' } });
  });

  it('hands complete lines to onLine as they come, the last one without its newline too', async () => {
    const lines: string[] = [];
    const r = await createRunner()('sh', sh('echo one; echo two >&2; printf three'), {
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(r.exitCode).toBe(0);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
  });

  it('writes input to stdin', async () => {
    const r = await createRunner()('sh', sh('cat'), { input: 'given\n' });
    expect(r.stdout).toBe('given\n');
  });

  it('stops a child at its timeout, with SIGKILL when it ignores SIGTERM: timed out, exit 124', async () => {
    const started = Date.now();
    const r = await createRunner()('sh', sh("trap '' TERM; while :; do sleep 0.1; done"), { timeoutMs: 200 });
    expect(r.outcome).toEqual({ kind: 'timed-out' });
    expect(r.exitCode).toBe(124);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('stops the whole process group at a timeout: a grandchild (buildx under docker) does not survive it', async () => {
    const pidFile = join(dir, 'grandchild');
    const r = await createRunner()('sh', sh(`sleep 30 & echo $! > '${pidFile}'; wait`), { timeoutMs: 300 });
    expect(r.outcome).toEqual({ kind: 'timed-out' });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('says which signal ended a child, and gives it the exit code a shell would (128+N)', async () => {
    const r = await createRunner()('sh', sh('kill -TERM $$'));
    expect(r).toMatchObject({ signal: 'SIGTERM', exitCode: 143, outcome: { kind: 'failed' } });
  });

  it('keeps only the tail of a long output when its lines are shown as they come', async () => {
    let shown = 0;
    const r = await createRunner()(
      'sh',
      sh('i=0; while [ $i -lt 40000 ]; do echo "line $i"; i=$((i+1)); done'),
      {
        onLine: () => shown++,
      },
    );
    expect(shown).toBe(40_000);
    expect(r.stdout.length).toBeLessThanOrEqual(256 * 1024);
    expect(r.stdout.endsWith('line 39999\n')).toBe(true);
  });

  it("obeys the command's stop: the child ends, then the run throws its reason; later runs start nothing", async () => {
    const stop = new AbortController();
    const run = createRunner({ signal: stop.signal });
    const reason = new Error('interrupted');
    setTimeout(() => stop.abort(reason), 200);
    const pidFile = join(dir, 'child');
    await expect(run('sh', sh(`echo $$ > '${pidFile}'; sleep 30`), { timeoutMs: 0 })).rejects.toBe(reason);
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    await expect(run('sh', sh(`echo started > '${join(dir, 'later')}'`))).rejects.toBe(reason);
    expect(existsSync(join(dir, 'later'))).toBe(false);
  });

  it('says a program that is not on PATH is missing', async () => {
    const r = await createRunner()('mpb-no-such-program', ['x']);
    expect(r.outcome).toEqual({ kind: 'missing', tool: 'mpb-no-such-program' });
  });
});

/** A PATH with a `docker` and a DOCKER_CONFIG with a `docker-buildx` plugin, each writing its argv to a log. */
function dockerWithPlugin() {
  const bin = join(dir, 'bin');
  const config = join(dir, 'docker');
  mkdirSync(bin);
  mkdirSync(join(config, 'cli-plugins'), { recursive: true });
  const log = join(dir, 'log');
  const write = (file: string, who: string) => {
    writeFileSync(file, `#!/bin/sh\necho "${who} $*" >> '${log}'\necho "${who}"\n`);
    chmodSync(file, 0o755);
  };
  write(join(bin, 'docker'), 'docker');
  write(join(config, 'cli-plugins', 'docker-buildx'), 'plugin');
  const env = { PATH: `${bin}:/usr/bin:/bin`, DOCKER_CONFIG: config, HOME: dir };
  const calls = () => readFileSync(log, 'utf8').trim().split('\n');
  return { env, calls, log, plugin: join(config, 'cli-plugins', 'docker-buildx') };
}

describe.skipIf(process.platform === 'win32')('createRunner: docker buildx', () => {
  it('runs the plugin docker would run, without docker, and says it as `docker buildx`', async () => {
    const world = dockerWithPlugin();
    const r = await createRunner({ env: world.env })('docker', ['buildx', 'ls', '--format', 'json']);
    expect(r).toMatchObject({ stdout: 'plugin\n', command: 'docker buildx ls --format json' });
    const other = await createRunner({ env: world.env })('docker', ['container', 'ls']);
    expect(other.stdout).toBe('docker\n');
    expect(world.calls()).toEqual(['plugin ls --format json', 'docker container ls']);
  });

  it('goes through docker with MPB_BUILDX_DIRECT=0, and when the plugin is gone since it was found', async () => {
    const world = dockerWithPlugin();
    const off = await createRunner({ env: { ...world.env, MPB_BUILDX_DIRECT: '0' } })('docker', [
      'buildx',
      'version',
    ]);
    expect(off.stdout).toBe('docker\n');
    const run = createRunner({ env: world.env });
    expect((await run('docker', ['buildx', 'version'])).stdout).toBe('plugin\n');
    rmSync(world.plugin);
    expect((await run('docker', ['buildx', 'version'])).stdout).toBe('docker\n');
    expect(world.calls()).toEqual(['docker buildx version', 'plugin version', 'docker buildx version']);
  });

  it('without docker on PATH, does not run the plugin: docker is missing, as it was', async () => {
    const world = dockerWithPlugin();
    const r = await createRunner({ env: { ...world.env, PATH: join(dir, 'nothing') } })('docker', [
      'buildx',
      'ls',
    ]);
    expect(r.outcome).toEqual({ kind: 'missing', tool: 'docker' });
  });
});

describe.skipIf(process.platform === 'win32')('startAhead', () => {
  it('gives its result to the first run of the same command, which starts nothing', async () => {
    const world = dockerWithPlugin();
    startAhead({ env: world.env }, 'docker', ['buildx', 'ls'], { timeoutMs: 5_000 });
    const run = createRunner({ env: world.env });
    expect((await run('docker', ['buildx', 'ls'])).stdout).toBe('plugin\n');
    expect((await run('docker', ['buildx', 'ls'])).stdout).toBe('plugin\n');
    expect(world.calls()).toEqual(['plugin ls', 'plugin ls']);
  });

  it('is dropped when another command runs first: that one may change what it read', async () => {
    const world = dockerWithPlugin();
    startAhead({ env: world.env }, 'docker', ['buildx', 'ls'], { timeoutMs: 5_000 });
    const run = createRunner({ env: world.env });
    // Once the early ls has run (a dropped read is stopped, and could be stopped before it logs).
    for (let i = 0; i < 250 && !existsSync(world.log); i++) await new Promise((r) => setTimeout(r, 20));
    await run('docker', ['buildx', 'rm', 'old']);
    await run('docker', ['buildx', 'ls']);
    // The early ls ran (it was started), and the ls after the rm ran again.
    expect(world.calls().sort()).toEqual(['plugin ls', 'plugin ls', 'plugin rm old']);
  });
});
