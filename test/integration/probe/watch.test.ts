// The watchdog against real TLS servers and a real long-running child: a node that stops answering gRPC stops
// the "build"; one that keeps answering lets it finish. The build is `sleep`, run by the real runner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/buildx/exec.js';
import type { Runner } from '../../../src/buildx/run-types.js';
import { createAuthority, validityFor } from '../../../src/certs/generate.js';
import { describeDeath, runWatched } from '../../../src/probe/watch.js';
import { leaf, type Running, startTlsServer, type TlsSpeaks, writePems } from '../../helpers/tls-server.js';

const servers: Running[] = [];
let serve: (speaks: TlsSpeaks) => Promise<string>;
let tls: { ca: string; cert: string; key: string; servername: undefined };

beforeAll(async () => {
  const ca = await createAuthority('watch CA', validityFor(30));
  const client = await leaf(ca, 'client');
  const files = await writePems({ ca: ca.pem.cert, cert: client.cert, key: client.key });
  tls = { ca: files.ca!, cert: files.cert!, key: files.key!, servername: undefined };
  serve = async (speaks) => {
    const server = await startTlsServer({ ...(await leaf(ca, 'server')), ca: ca.pem.cert, speaks });
    servers.push(server);
    return `tcp://127.0.0.1:${server.port}`;
  };
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

// A loaded machine can take a while to answer even a live node: the probe gets 2 s, the node 3 s of silence.
// `docker ARGV` becomes `sleep SECONDS`: a child that runs as long as a build and stops on SIGINT.
function sleepingBuild(seconds: number): Runner {
  const real = createRunner();
  return (file, args, options) =>
    file === 'docker' ? real('sleep', [String(seconds)], options) : real(file, args, options);
}

/** `docker ARGV` becomes `false`: a build that fails at once, as buildx does when its node resets the connection. */
function failingBuild(): Runner {
  const real = createRunner();
  return (file, args, options) =>
    file === 'docker' ? real('false', [], options) : real(file, args, options);
}

const options = {
  builder: 'rt',
  driver: 'remote' as const,
  nodeTimeoutMs: 3_000,
  probeTimeoutMs: 2_000,
  intervalMs: 200,
};

describe('runWatched', () => {
  it('stops the build when a building node stops answering, naming it and its platforms', async () => {
    const nodes = [
      { name: 'alive', endpoint: await serve('buildkit'), tls, local: undefined, driverOpts: {} },
      { name: 'mute', endpoint: await serve('silent'), tls, local: undefined, driverOpts: {} },
    ];
    const started = performance.now();
    const { result, died } = await runWatched(
      { run: sleepingBuild(60) },
      ['buildx', 'build', '.'],
      nodes,
      new Map([
        ['alive', ['linux/amd64']],
        ['mute', ['linux/arm64']],
      ]),
      options,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`node.died diagnosed and the build stopped in ${seconds.toFixed(1)} s`);
    expect(died).toMatchObject({
      code: 'node.died',
      node: 'mute',
      platforms: ['linux/arm64'],
      builder: 'rt',
      stoppedBuildx: true,
    });
    expect(died?.last).toMatchObject({ state: 'down', code: 'grpc.no-answer' });
    expect(result.exitCode).not.toBe(0);
    // Not past the named timeout by more than the probe and the SIGINT grace: far below the 60 s "build".
    expect(seconds).toBeLessThan(3 + 2 + 5 + 10);
  });

  it('names a building node that is down when buildx fails on its own, as when a daemon is killed', async () => {
    const nodes = [
      { name: 'alive', endpoint: await serve('buildkit'), tls, local: undefined, driverOpts: {} },
      { name: 'gone', endpoint: await serve('silent'), tls, local: undefined, driverOpts: {} },
    ];
    const { result, died } = await runWatched(
      { run: failingBuild() },
      ['buildx', 'build', '.'],
      nodes,
      new Map([
        ['alive', ['linux/amd64']],
        ['gone', ['linux/arm64']],
      ]),
      options,
    );
    expect(result.exitCode).toBe(1);
    expect(died).toMatchObject({
      code: 'node.died',
      node: 'gone',
      platforms: ['linux/arm64'],
      stoppedBuildx: false,
    });
  });

  it('blames no node when buildx fails while every building node answers', async () => {
    const nodes = [
      { name: 'alive', endpoint: await serve('buildkit'), tls, local: undefined, driverOpts: {} },
    ];
    const { result, died } = await runWatched(
      { run: failingBuild() },
      ['buildx', 'build', '.'],
      nodes,
      new Map([['alive', ['linux/amd64']]]),
      options,
    );
    expect(result.exitCode).toBe(1);
    expect(died).toBeUndefined();
  });

  it('lets the build finish while every building node answers; a silent node that builds nothing is ignored', async () => {
    const nodes = [
      { name: 'alive', endpoint: await serve('buildkit'), tls, local: undefined, driverOpts: {} },
      { name: 'idle', endpoint: await serve('silent'), tls, local: undefined, driverOpts: {} },
    ];
    const { result, died } = await runWatched(
      { run: sleepingBuild(2) },
      ['buildx', 'build', '.'],
      nodes,
      new Map([['alive', ['linux/amd64']]]),
      options,
    );
    expect(died).toBeUndefined();
    expect(result.exitCode).toBe(0);
  });

  // Issue 22: a node found down before the build never answered, so it did not die while building.
  it('a node down before the build that stays silent is down [node.down], not died, when it stops buildx', async () => {
    const nodes = [{ name: 'dead', endpoint: await serve('silent'), tls, local: undefined, driverOpts: {} }];
    const { died } = await runWatched(
      { run: sleepingBuild(60) },
      ['buildx', 'build', '.'],
      nodes,
      new Map([['dead', ['linux/arm64']]]),
      { ...options, downAtStart: ['dead'] },
    );
    expect(died).toMatchObject({
      code: 'node.down',
      node: 'dead',
      platforms: ['linux/arm64'],
      stoppedBuildx: true,
    });
    const { message, hint } = describeDeath(died!);
    expect(message).toMatch(
      /^node "dead" \(tcp:\/\/127\.0\.0\.1:\d+\) of builder "rt" is down: it was down before the build and has not answered in \d+ s, and linux\/arm64 was sent to it: .*; stopped buildx \[node\.down\]$/,
    );
    expect(message).not.toContain('stopped answering');
    expect(hint).toBe('Bring the node back (mpb doctor rt), then build again.');
  });

  it('a node down before the build when buildx fails on its own: down [node.down], never "stopped answering while building"', async () => {
    const nodes = [{ name: 'dead', endpoint: await serve('silent'), tls, local: undefined, driverOpts: {} }];
    const { result, died } = await runWatched(
      { run: failingBuild() },
      ['buildx', 'build', '.'],
      nodes,
      new Map([['dead', ['linux/arm64']]]),
      { ...options, downAtStart: ['dead'] },
    );
    expect(result.exitCode).toBe(1);
    expect(died).toMatchObject({ code: 'node.down', node: 'dead', stoppedBuildx: false });
    expect(describeDeath(died!).message).toMatch(
      /is down: it was down before the build and never answered, and linux\/arm64 was sent to it: .*; buildx failed \[node\.down\]$/,
    );
  });

  it('a node down before the build that answers during it is watched as any other', async () => {
    const nodes = [
      { name: 'back', endpoint: await serve('buildkit'), tls, local: undefined, driverOpts: {} },
    ];
    const { result, died } = await runWatched(
      { run: sleepingBuild(2) },
      ['buildx', 'build', '.'],
      nodes,
      new Map([['back', ['linux/amd64']]]),
      { ...options, downAtStart: ['back'] },
    );
    expect(died).toBeUndefined();
    expect(result.exitCode).toBe(0);
  });
});
