// How busy a node is, asked of a real buildkitd v0.32.2 over mutual TLS (Control/ListenBuildHistory): none while
// it is idle, one while `buildctl build` runs a long RUN on it, none again once that build has ended. The truth
// is the daemon's alone: the build is started with buildctl, not through mpb.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { activeBuildRefsOf, activeBuildsOf, busyOfNodes } from '../../src/probe/busy.js';
import type { ProbeNodeSpec } from '../../src/probe/node.js';
import { type BaseImageRegistry, startBaseImageRegistry } from '../helpers/base-image.js';
import { type BuildkitDaemons, startBuildkitDaemons } from '../helpers/buildkit.js';
import { freePort } from '../helpers/registry.js';
import { itUnless, whySkip } from '../helpers/skip.js';

const TIMEOUT_MS = 3_000;
/** The RUN step holds this long: long enough to be seen, short enough to wait for its end. */
const HOLD_S = 15;
/** How long the build may take to reach its RUN step (pulling the base image first) and to end after it. */
const BOUND_MS = 60_000;

let kit: BuildkitDaemons | undefined;
let base: BaseImageRegistry | undefined;
let skip: string | undefined;

beforeAll(async () => {
  const daemons = await startBuildkitDaemons([{ name: 'busy' }]);
  const image = await startBaseImageRegistry();
  if ('skip' in daemons) skip = daemons.skip;
  else kit = daemons;
  if ('skip' in image) skip ??= image.skip;
  else base = image;
}, 600_000);

afterAll(async () => {
  await kit?.stop();
  await base?.registry.stop();
});

function nodeOf(k: BuildkitDaemons, endpoint = k.daemons[0]!.endpoint): ProbeNodeSpec {
  return {
    name: 'busy0',
    endpoint,
    tls: { ca: k.certs.ca, cert: k.certs.clientCert, key: k.certs.clientKey, servername: undefined },
    local: undefined,
    driverOpts: {},
  };
}

/** Polls `read` until `wanted` holds, for at most BOUND_MS; returns the last value read. */
async function until<T>(read: () => Promise<T>, wanted: (v: T) => boolean): Promise<T> {
  let value = await read();
  for (const deadline = Date.now() + BOUND_MS; !wanted(value) && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** `buildctl build` of a Dockerfile whose RUN holds HOLD_S seconds, on the daemon; no export. */
async function startBuild(k: BuildkitDaemons, image: string): Promise<ChildProcess> {
  const dir = await mkdtemp(join(k.dir, 'ctx-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${image}\nRUN sleep ${HOLD_S}\n`);
  const argv = [
    ...k.buildctlArgs(k.daemons[0]!),
    'build',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${dir}`,
    '--local',
    `dockerfile=${dir}`,
  ];
  return spawn(k.binaries.buildctl, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('activeBuildsOf: the builds a real BuildKit runs now', () => {
  const it = itUnless(whySkip(skip), 180_000);

  it('0 when idle, 1 while a build with a long RUN runs, 0 once it has ended', async () => {
    const k = kit!;
    const node = nodeOf(k);
    expect(await activeBuildsOf(node, { timeoutMs: TIMEOUT_MS })).toBe(0);

    const build = await startBuild(k, base!.image);
    let stderr = '';
    build.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = once(build, 'exit');
    try {
      const refs = await until(
        () => activeBuildRefsOf(node, { timeoutMs: TIMEOUT_MS }),
        (r) => r?.length === 1,
      );
      expect(refs, stderr).toHaveLength(1);
      expect(refs?.[0]).toMatch(/^[a-z0-9]{20,}$/);
      expect(await busyOfNodes([node], { timeoutMs: TIMEOUT_MS })).toEqual(new Map([['busy0', 1]]));
    } finally {
      const [code] = await exited;
      expect(code, stderr).toBe(0);
    }
    expect(
      await until(
        () => activeBuildsOf(node, { timeoutMs: TIMEOUT_MS }),
        (n) => n === 0,
      ),
    ).toBe(0);
  });

  it('undefined for a node that is down, not reached over TLS, or asked after the signal fired', async () => {
    const k = kit!;
    const down = nodeOf(k, `tcp://127.0.0.1:${await freePort()}`);
    expect(await activeBuildsOf(down, { timeoutMs: TIMEOUT_MS })).toBeUndefined();
    expect(await activeBuildsOf({ ...nodeOf(k), tls: undefined }, { timeoutMs: TIMEOUT_MS })).toBeUndefined();
    const aborted = AbortSignal.abort();
    expect(await activeBuildsOf(nodeOf(k), { timeoutMs: TIMEOUT_MS, signal: aborted })).toBeUndefined();
    const all = await busyOfNodes([{ ...down, name: 'down0' }, nodeOf(k)], { timeoutMs: TIMEOUT_MS });
    expect(all).toEqual(
      new Map([
        ['down0', undefined],
        ['busy0', 0],
      ]),
    );
  });
});
