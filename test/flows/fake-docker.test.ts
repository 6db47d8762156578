// The fake's own knobs: fault injection, the call log, concurrent callers, the container commands of the fake
// engine, and the plugin route through the real docker CLI. Byte fidelity is fake-conformance.test.ts's job.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../src/buildx/exec.js';
import type { RunResult } from '../../src/buildx/run-types.js';
import { type FakeDockerOptions, findRealDocker, runMpb } from '../helpers/fake-docker.js';
import { capture } from '../helpers/fake-run.js';
import { flowWorld } from '../helpers/flow-world.js';
import { itUnless } from '../helpers/skip.js';

/** The fake alone (its own env, not a flow world's), removed when the test ends. */
async function setup(options: FakeDockerOptions = {}) {
  const { fake } = await flowWorld({ mode: 'path', ...options });
  const run = createRunner({ env: fake.env });
  return { fake, docker: (...args: string[]) => run('docker', args) };
}

const out = (r: RunResult) => ({ exit: r.exitCode, stdout: r.stdout, stderr: r.stderr });
const REMOTE = (name: string, node: string, port: number, ...extra: string[]) => [
  'buildx',
  'create',
  '--name',
  name,
  '--node',
  node,
  '--driver',
  'remote',
  ...extra,
  `tcp://127.0.0.1:${port}`,
];

describe('fault injection', () => {
  it('a down node fails bootstrap with the captured error (0.13.1), and ls shows it inactive', async () => {
    const { docker } = await setup({ version: '0.13.1', down: ['tcp://127.0.0.1:1299'], downDelayMs: 20 });
    await docker(...REMOTE('deadb', 'dead0', 1299, '--platform', 'linux/s390x'));
    const boot = await docker('buildx', 'inspect', '--bootstrap', 'deadb');
    expect(out(boot)).toEqual({
      exit: 1,
      stdout: '',
      stderr:
        '#1 [internal] waiting for connection\n#1 ERROR: context deadline exceeded\n------\n > [internal] waiting for connection:\n------\nERROR: context deadline exceeded\n',
    });
    expect((await docker('buildx', 'ls')).stdout).toContain(
      ' \\_ dead0    \\_ tcp://127.0.0.1:1299   inactive              linux/s390x*\n',
    );
  });

  it('a node can be downed by name through the state, and comes back when removed', async () => {
    const { fake, docker } = await setup({ downDelayMs: 20 });
    await docker(...REMOTE('b', 'n0', 1234));
    fake.setState((s) => s.down.push('n0'));
    expect((await docker('buildx', 'inspect', '--bootstrap', 'b')).exitCode).toBe(1);
    fake.setState((s) => s.down.splice(0));
    const ok = await docker('buildx', 'inspect', '--bootstrap', 'b');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('Status:           running\n');
  });

  it('buildx 0.10 keeps polling a down node: the call never returns on its own', async () => {
    const { fake, docker } = await setup({ version: '0.10.5', down: ['n0'] });
    await docker(...REMOTE('b', 'n0', 1234));
    const run = createRunner({ env: fake.env });
    // Long enough for a loaded machine to start the fake and print the node; it never returns by itself.
    const r = await run('docker', ['buildx', 'inspect', '--bootstrap', 'b'], { timeoutMs: 6_000 });
    expect(r.outcome).toEqual({ kind: 'timed-out' });
    expect(r.stdout).toContain('Status:    inactive\n');
  });

  it('a failure rule fails a matching subcommand `times` times with the given exit and stderr', async () => {
    const { fake, docker } = await setup({
      fail: [{ command: 'create', match: 'n1', exit: 3, stderr: 'ERROR: boom', times: 1 }],
    });
    expect(out(await docker(...REMOTE('b', 'n0', 1234)))).toEqual({ exit: 0, stdout: 'b\n', stderr: '' });
    expect(out(await docker(...REMOTE('b', 'n1', 1235, '--append')))).toEqual({
      exit: 3,
      stdout: '',
      stderr: 'ERROR: boom\n',
    });
    expect(out(await docker(...REMOTE('b', 'n1', 1235, '--append')))).toEqual({
      exit: 0,
      stdout: 'b\n',
      stderr: '',
    });
    expect(fake.state().fail).toEqual([]);
  });

  it('MPB_FAKE_FAIL fails every matching call, e.g. a container command', async () => {
    const { fake } = await setup({ daemon: true });
    const run = createRunner({
      env: { ...fake.env, MPB_FAKE_FAIL: 'container start:exit=125:stderr=Error response from daemon: boom' },
    });
    const r = await run('docker', ['container', 'start', 'x']);
    expect(out(r)).toEqual({ exit: 125, stdout: '', stderr: 'Error response from daemon: boom\n' });
  });

  it('Ctrl-C reaches a running build: it exits 130 and leaves a signal marker in the call log', async () => {
    const { fake } = await setup({ slow: { build: 60_000 } });
    const context = join(fake.dir, 'ctx');
    mkdirSync(context);
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\n');
    const child = spawn('docker', ['buildx', 'build', '--platform', 'linux/amd64', context], {
      env: fake.env,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!fake.calls().some((c) => c[2] === 'build')) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(fake.signals()).toEqual(['SIGINT']);
  });
});

describe('call log', () => {
  it('records every call as argv starting with docker, in order', async () => {
    const { fake, docker } = await setup({ daemon: true });
    await docker('buildx', 'version');
    await docker('buildx', 'ls', '--format', 'json');
    await docker('--context', 'default', 'container', 'inspect', 'nope');
    expect(fake.calls()).toEqual([
      ['docker', 'buildx', 'version'],
      ['docker', 'buildx', 'ls', '--format', 'json'],
      ['docker', '--context', 'default', 'container', 'inspect', 'nope'],
    ]);
  });
});

describe('concurrency', () => {
  it('4 parallel appends and 4 parallel creates all land, and the state stays valid JSON', async () => {
    const { fake, docker } = await setup();
    await docker(...REMOTE('fleet', 'n0', 2000));
    const results = await Promise.all([
      ...[1, 2, 3, 4].map((i) => docker(...REMOTE('fleet', `n${i}`, 2000 + i, '--append'))),
      ...[1, 2, 3, 4].map((i) => docker(...REMOTE(`solo${i}`, 'only', 3000 + i))),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const state = fake.state();
    expect(state.builders.fleet?.nodes.map((n) => n.name).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(Object.keys(state.builders).sort()).toEqual(['fleet', 'solo1', 'solo2', 'solo3', 'solo4']);
  });
});

describe('create semantics', () => {
  it('pinning a platform on a node unpins it on the others; --node on an existing node updates it with a WARNING', async () => {
    const { fake, docker } = await setup();
    await docker(...REMOTE('b', 'a', 1234, '--platform', 'linux/amd64,linux/arm64'));
    await docker(...REMOTE('b', 'c', 1235, '--append', '--platform', 'linux/arm64'));
    expect(fake.state().builders.b?.nodes.map((n) => [n.name, n.platforms])).toEqual([
      ['a', ['linux/amd64']],
      ['c', ['linux/arm64']],
    ]);
    expect(out(await docker(...REMOTE('b', 'a', 1236)))).toEqual({
      exit: 0,
      stdout: 'b\n',
      stderr: 'WARNING: new settings may not be used until builder is restarted\n',
    });
    // buildx warns while updating, then finds the duplicate (store/nodegroup.go Update) and saves nothing.
    expect(out(await docker(...REMOTE('b', 'c', 1236)))).toEqual({
      exit: 1,
      stdout: '',
      stderr:
        'WARNING: new settings may not be used until builder is restarted\nERROR: invalid duplicate endpoint tcp://127.0.0.1:1236\n',
    });
    expect(fake.state().builders.b?.nodes.map((n) => n.endpoint)).toEqual([
      'tcp://127.0.0.1:1236',
      'tcp://127.0.0.1:1235',
    ]);
  });

  it('--append to a missing builder: an error from 0.13, a warning and a new builder in 0.10', async () => {
    const v13 = await setup({ version: '0.13.1' });
    expect(out(await v13.docker(...REMOTE('nope', 'n0', 1234, '--append')))).toEqual({
      exit: 1,
      stdout: '',
      stderr: 'ERROR: failed to find instance "nope" for append\n',
    });
    const v10 = await setup({ version: '0.10.5' });
    expect(out(await v10.docker(...REMOTE('nope', 'n0', 1234, '--append')))).toEqual({
      exit: 0,
      stdout: 'nope\n',
      stderr: 'WARNING: failed to find "nope" for append, creating a new instance instead\n',
    });
  });
});

describe('container commands of the fake engine (issue 8)', () => {
  const CONTAINER = 'mpb_buildkit_mac_local';

  it('create, inspect, start, exec buildctl, stop and rm -f a BuildKit container with its volume', async () => {
    const { fake, docker } = await setup({ daemon: true });
    fake.setState((s) => {
      s.workers[`docker-container://${CONTAINER}`] = { platforms: ['linux/arm64', 'linux/amd64'] };
    });
    const create = await docker(
      'container',
      'create',
      '--name',
      CONTAINER,
      '--privileged',
      '--restart',
      'unless-stopped',
      '--label',
      'mpb.spec-hash=abc',
      '--volume',
      `${CONTAINER}_state:/var/lib/buildkit`,
      'moby/buildkit:buildx-stable-1',
      '--debug',
    );
    expect(create.exitCode).toBe(0);
    expect(create.stdout).toMatch(/^[0-9a-f]{64}\n$/);

    const [created] = JSON.parse((await docker('container', 'inspect', CONTAINER)).stdout);
    expect(created).toMatchObject({
      Name: `/${CONTAINER}`,
      State: { Status: 'created', Running: false },
      Config: {
        Image: 'moby/buildkit:buildx-stable-1',
        Labels: { 'mpb.spec-hash': 'abc' },
        Cmd: ['--debug'],
      },
      HostConfig: { Privileged: true, RestartPolicy: { Name: 'unless-stopped' } },
      Mounts: [{ Type: 'volume', Name: `${CONTAINER}_state`, Destination: '/var/lib/buildkit' }],
    });
    expect(out(await docker('exec', CONTAINER, 'buildctl', 'debug', 'workers')).exit).toBe(1);

    expect(out(await docker('container', 'start', CONTAINER))).toEqual({
      exit: 0,
      stdout: `${CONTAINER}\n`,
      stderr: '',
    });
    expect((await docker('container', 'inspect', '--format', '{{.State.Status}}', CONTAINER)).stdout).toBe(
      'running\n',
    );
    const workers = await docker('exec', CONTAINER, 'buildctl', 'debug', 'workers');
    expect(workers.stdout).toMatch(/^ID\t+PLATFORMS\n[a-z0-9]{25}\t+linux\/arm64,linux\/amd64\n$/);

    expect((await docker('container', 'stop', CONTAINER)).exitCode).toBe(0);
    expect((await docker('container', 'inspect', '--format', '{{.State.Status}}', CONTAINER)).stdout).toBe(
      'exited\n',
    );
    expect(out(await docker('volume', 'rm', `${CONTAINER}_state`)).exit).toBe(1); // still in use
    expect(out(await docker('container', 'rm', '--force', CONTAINER))).toEqual({
      exit: 0,
      stdout: `${CONTAINER}\n`,
      stderr: '',
    });
    expect(out(await docker('container', 'rm', '--force', CONTAINER))).toEqual({
      exit: 0,
      stdout: '',
      stderr: '',
    });
    expect(out(await docker('volume', 'rm', `${CONTAINER}_state`))).toEqual({
      exit: 0,
      stdout: `${CONTAINER}_state\n`,
      stderr: '',
    });
  });

  it("a missing container: `[]` and exit 1 with docker's message; a name in use: exit 125", async () => {
    const { docker } = await setup({ daemon: true });
    expect(out(await docker('container', 'inspect', 'ghost'))).toEqual({
      exit: 1,
      stdout: '[]\n',
      stderr: 'Error: No such container: ghost\n',
    });
    await docker('container', 'create', '--name', 'one', 'alpine');
    const again = await docker('container', 'create', '--name', 'one', 'alpine');
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toMatch(
      /^Error response from daemon: Conflict\. The container name "\/one" is already in use/,
    );
  });

  it('no daemon: every engine command fails as docker does when the socket does not answer', async () => {
    const { docker } = await setup({ daemon: false });
    expect(out(await docker('container', 'inspect', 'x'))).toEqual({
      exit: 1,
      stdout: '',
      stderr:
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    });
    expect((await docker('version', '--format', '{{.Server.Version}}')).exitCode).toBe(1);
  });

  it('a remote node on docker-container://NAME runs exactly while its container runs', async () => {
    const { fake, docker } = await setup({ daemon: true });
    await docker('container', 'create', '--name', CONTAINER, '--privileged', 'moby/buildkit:buildx-stable-1');
    await docker(
      'buildx',
      'create',
      '--name',
      'mac',
      '--node',
      'local',
      '--driver',
      'remote',
      '--platform',
      'linux/arm64',
      `docker-container://${CONTAINER}`,
    );
    const row = async () =>
      (await docker('buildx', 'ls')).stdout.split('\n').find((l) => l.startsWith(' \\_ local'));
    expect(await row()).toMatch(/inactive\s+linux\/arm64\*$/);
    await docker('container', 'start', CONTAINER);
    expect(await row()).toMatch(/running\s+v0\.11\.6\s+linux\/arm64\*, linux\/amd64, /);
    fake.markContainer(CONTAINER, 'exited');
    expect(await row()).toMatch(/inactive/);
  });
});

describe('the plugin route through the real docker CLI', () => {
  itUnless(!findRealDocker() && 'no docker CLI on PATH')(
    'docker dispatches `docker buildx` to the fake plugin with the captured bytes and exit codes',
    async () => {
      const { fake, docker } = await setup({ mode: 'plugin', version: '0.13.1' });
      expect(fake.mode).toBe('plugin');
      const version = capture('0.13.1', 'version');
      expect(out(await docker('buildx', 'version'))).toEqual({
        exit: version.exitCode,
        stdout: version.stdout,
        stderr: version.stderr,
      });
      const empty = capture('0.13.1', 'ls-empty');
      expect(out(await docker('buildx', 'ls'))).toEqual({
        exit: empty.exitCode,
        stdout: empty.stdout,
        stderr: empty.stderr,
      });
      const noTrunc = capture('0.13.1', 'ls-no-trunc');
      expect(out(await docker('buildx', 'ls', '--no-trunc'))).toEqual({
        exit: noTrunc.exitCode,
        stdout: noTrunc.stdout,
        stderr: noTrunc.stderr,
      });
      // docker probes the plugin's metadata before each call; the log keeps only the real calls.
      expect(fake.calls()).toEqual([
        ['docker', 'buildx', 'version'],
        ['docker', 'buildx', 'ls'],
        ['docker', 'buildx', 'ls', '--no-trunc'],
      ]);
    },
  );
});

describe('runMpb', () => {
  it('runs the built CLI with the fake env', async () => {
    const { fake } = await setup();
    const r = await runMpb(['--version'], fake.env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('bake (JSON bake files)', () => {
  /** A builder with a pinned amd64 and a pinned arm64 node, and a bake file of `base` and `app` built on it. */
  async function bakeWorld(version: FakeDockerOptions['version'] = '0.29.1') {
    const world = await setup({ version });
    await world.docker(...REMOTE('fleet', 'amd', 1234, '--platform', 'linux/amd64'));
    await world.docker(...REMOTE('fleet', 'arm', 1235, '--append', '--platform', 'linux/arm64'));
    const dir = join(world.fake.dir, 'project');
    for (const t of ['base', 'app']) {
      mkdirSync(join(dir, t), { recursive: true });
      writeFileSync(join(dir, t, 'Dockerfile'), t === 'app' ? 'FROM base\nCOPY . /\n' : 'FROM scratch\n');
    }
    const file = join(dir, 'docker-bake.json');
    const target = (t: string, extra: object) => ({
      context: join(dir, t),
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: [`localhost:5000/p/${t}:1`],
      ...extra,
    });
    writeFileSync(
      file,
      JSON.stringify({
        group: { default: { targets: ['app'] } },
        target: { base: target('base', {}), app: target('app', { contexts: { base: 'target:base' } }) },
      }),
    );
    const metadata = join(world.fake.dir, 'bake.metadata.json');
    const readMetadata = () => JSON.parse(readFileSync(metadata, 'utf8'));
    return { ...world, file, metadata, readMetadata };
  }

  it('--push builds the linked base first, routes each platform to its pinned node and tags every target', async () => {
    const { fake, docker, file, metadata, readMetadata } = await bakeWorld();
    const r = await docker(
      'buildx',
      'bake',
      '--builder',
      'fleet',
      '-f',
      file,
      '--push',
      '--metadata-file',
      metadata,
    );
    expect(r.exitCode).toBe(0);
    const routing = { 'linux/amd64': 'amd', 'linux/arm64': 'arm' };
    expect(fake.state().builds.map((b) => [b.target, b.routing])).toEqual([
      ['base', routing],
      ['app', routing],
    ]);
    // Linked only: built as a context (cacheonly), so no tag and only a build ref in the metadata.
    expect(fake.state().registry['localhost:5000/p/base:1']).toBeUndefined();
    const meta = readMetadata();
    expect(Object.keys(meta.base)).toEqual(['buildx.build.ref']);
    expect(meta.app['containerimage.digest']).toBe(fake.state().registry['localhost:5000/p/app:1']);
  });

  it("mpb bake's job: one platform, pushed by digest with the tags cleared, the digest in the metadata", async () => {
    const { fake, docker, file, metadata, readMetadata } = await bakeWorld();
    const output = 'type=image,name=localhost:5000/p/app,push-by-digest=true,name-canonical=true,push=true';
    const r = await docker(
      ...['buildx', 'bake', '--builder', 'fleet', '-f', file, '--set', 'app.tags=', '--set'],
      ...['app.platform=linux/arm64', '--set', `app.output=${output}`, '--metadata-file', metadata],
      ...['--progress', 'plain', 'app'],
    );
    expect(r.exitCode).toBe(0);
    const app = fake.state().builds.find((b) => b.target === 'app');
    expect(app?.routing).toEqual({ 'linux/arm64': 'arm' });
    expect(app?.tags).toEqual([]);
    expect(readMetadata().app).toMatchObject({
      'containerimage.digest': expect.stringMatching(/^sha256:/),
      'image.name': 'localhost:5000/p/app',
    });
  });

  it('a failed target fails the bake with its name (0.29.1), and a `bake` rule injects a failure', async () => {
    const { fake, docker, file } = await bakeWorld();
    rmSync(join(file, '..', 'app', 'Dockerfile'));
    const failed = await docker('buildx', 'bake', '--builder', 'fleet', '-f', file, '--progress', 'quiet');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/^ERROR: target app: failed to solve: failed to read dockerfile/m);
    fake.setState((s) => s.fail.push({ command: 'bake', match: 'app.platform', exit: 1, stderr: 'boom' }));
    const injected = await docker('buildx', 'bake', '-f', file, '--set', 'app.platform=linux/amd64', 'app');
    expect(out(injected)).toEqual({ exit: 1, stdout: '', stderr: 'boom\n' });
  });

  it('--print of an unknown target: the captured error', async () => {
    const { docker, file } = await bakeWorld('0.13.1');
    const r = await docker('buildx', 'bake', '--print', '-f', file, 'nosuch');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\nERROR: failed to find target nosuch\n$/);
  });
});
