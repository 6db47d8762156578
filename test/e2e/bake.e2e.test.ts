// Real tier, issue 24's proof: `mpb bake` on three real BuildKit v0.32.2 daemons with mutual TLS — amd1 and amd2
// amd64 workers (native here), arm1 an arm64 worker (`--oci-worker-platform linux/arm64`, run through QEMU here as
// a real arm64 machine would list it) — declared as one remote builder with a pool of two amd64 nodes, real buildx
// 0.29.1 (the first with `buildx history`, where builtOn and the step counts come from), a real registry holding
// the busybox base. An HCL bake file of four targets (app built from base through `contexts`), two platforms each.
// Who built what is read from the daemons' own disks (daemon-truth.ts), what a tag holds from the registry's HTTP
// API; mpb's report is checked against them, never taken on its word.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { activeBuildsOf } from '../../src/probe/busy.js';
import type { ProbeNodeSpec } from '../../src/probe/node.js';
import { bakeHcl } from '../helpers/bake-hcl.mjs';
import type { Daemon } from '../helpers/buildkit.js';
import { type Hold, truthNonce, truthSteps, waitForStep, whoBuilt } from '../helpers/daemon-truth.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { runMpb } from '../helpers/fake-docker.js';
import { writeRemoteConfig } from '../helpers/real-remote.js';
import { readTag, type TagIndex } from '../helpers/registry.js';
import { itUnless } from '../helpers/skip.js';

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const PLATFORMS = [AMD64, ARM64];
/** base first; app is built from it (`contexts = { base = "target:base" }`). */
const TARGETS = ['base', 'app', 'web', 'api'] as const;
type Target = (typeof TARGETS)[number];
const AMD_DAEMONS = ['amd1', 'amd2'];
const BUILD_TIMEOUT_MS = 300_000;
/** The issue's acceptance figure: a bake's wall time against the ideal bound for the fleet. */
const BOUND_FACTOR = 1.3;
/**
 * Each target's work, a step after its marker: the bound counts the jobs alone, and a bake also pays once for
 * what no placement changes — a helper builder made on first use (~0.8 s here), the last target's merge after its
 * last job (~0.5–1 s) — so jobs of a second or less would miss 1.3× under any scheduler. Jobs of a few seconds
 * (sleep: no CPU, so QEMU costs nothing) make the figure say how well the jobs were placed.
 */
const WORK_S = 6;

const world = await e2eWorld({
  qemu: [ARM64],
  daemons: [
    { name: 'amd1', platform: AMD64 },
    { name: 'amd2', platform: AMD64 },
    { name: 'arm1', platform: ARM64 },
  ],
  suites: ['sid', 'trixie'],
});
const bx = world.suite('sid');
const test = itUnless(bx.skip, BUILD_TIMEOUT_MS);
const old = world.suite('trixie');
const oldTest = itUnless(old.skip ?? bx.skip, BUILD_TIMEOUT_MS);

/** The `mpb --json bake` document's names scripts rely on (src/build/bake-document.ts). */
interface JobRow {
  target: string;
  platform: string;
  node: string;
  builtOn: string | null;
  verdict: string;
  outcome: string;
  durationMs: number;
  cachedSteps: number | null;
  totalSteps: number | null;
  retries: number;
  movedFrom: string[];
}
interface BakeDoc {
  ok: boolean;
  mode: string;
  wallMs: number;
  boundMs: number;
  jobs: JobRow[];
  nodes: { node: string; jobs: number; busyMs: number; share: number }[];
  targets: { target: string; outcome: string; digest: string | null }[];
}

/** Each target's marker prefix in a run: its own, so whoBuilt tells the targets apart. */
const markOf = (nonce: string, target: string) => `${nonce}${target}`;

/** `{ 'TARGET PLATFORM': [[daemon, uname -m], …] }`: who ran each target's RUN step for each platform. */
async function truthOf(nonce: string) {
  const out: Record<string, [string, string][]> = {};
  for (const target of TARGETS) {
    for (const [platform, records] of Object.entries(
      await whoBuilt(world.kit.daemons, markOf(nonce, target)),
    ))
      out[`${target} ${platform}`] = records.map((r) => [r.daemon, r.machine]);
  }
  return out;
}

/** The platforms of an index's images (attestation manifests left out). */
function platformsOf(index: TagIndex): string[] {
  return index.manifests
    .filter((m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')
    .map((m) => `${m.platform?.os}/${m.platform?.architecture}`)
    .sort();
}

describe('mpb bake on three real daemons (two amd64, one arm64) with real buildx 0.29.1', () => {
  let env: NodeJS.ProcessEnv;
  let oldEnv: NodeJS.ProcessEnv;
  let config = '';
  let registry = '';
  /** Scenario a's project, which scenario c rebuilds after a change. */
  let project = '';

  /**
   * A project folder: docker-bake.hcl and one Dockerfile per target, each RUN leaving the target's marker of
   * `nonce`; `hold` makes that target's step wait on that platform.
   */
  async function writeProject(nonce: string, hold?: { target: Target } & Hold): Promise<string> {
    const dir = world.temp('mpb-e2e-bake-');
    for (const target of TARGETS) {
      await mkdir(join(dir, target));
      const from = target === 'app' ? 'base' : world.base.image;
      const steps = truthSteps(markOf(nonce, target), hold?.target === target ? hold : undefined);
      await writeFile(join(dir, target, 'Dockerfile'), `FROM ${from}\n${steps}\nRUN sleep ${WORK_S}\n`);
    }
    const tagOf = (target: Target) => `${registry}/bake/${target}:1`;
    await writeFile(join(dir, 'docker-bake.hcl'), bakeHcl({ targets: TARGETS, platforms: PLATFORMS, tagOf }));
    return dir;
  }

  const mpb = (args: string[], cwd?: string, withEnv = env) =>
    runMpb(['--config', config, ...args], withEnv, cwd ? { cwd } : {});

  async function bake(dir: string, withEnv = env): Promise<{ doc: BakeDoc; said: string }> {
    const r = await mpb(['--json', 'bake', '--push'], dir, withEnv);
    const said = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, said).toBe(0);
    return { doc: JSON.parse(r.stdout) as BakeDoc, said };
  }

  /** Every target's tag is an index of exactly its two platforms, read from the registry. */
  async function expectTagged() {
    for (const target of TARGETS) {
      const index = await readTag(registry, `bake/${target}`, '1');
      expect(index, `${target} was not tagged`).toBeDefined();
      expect(platformsOf(index!), target).toEqual([...PLATFORMS].sort());
    }
  }

  beforeAll(async () => {
    if (bx.skip) return;
    ({ env } = bx.dockerEnv());
    if (!old.skip) ({ env: oldEnv } = old.dockerEnv());
    registry = world.base.registry.host;
    // writeRemoteConfig names certs/ beside the file: the kit's dir holds them.
    config = join(world.kit.dir, 'bake.yaml');
    await writeRemoteConfig(config, 'fleet', [
      { name: 'amd1', port: world.daemon('amd1').port, platforms: [AMD64] },
      { name: 'amd2', port: world.daemon('amd2').port, platforms: [AMD64] },
      { name: 'arm1', port: world.daemon('arm1').port, platforms: [ARM64] },
    ]);
  });

  /**
   * Scenario a with the buildx of `withEnv`: every target × platform on a native daemon (markers), both amd64
   * daemons used, each tag an index of its platforms, builtOn the truth, the wall within 1.3× of the bound.
   * Returns the project, which scenario c rebuilds.
   */
  async function proveBake(withEnv: NodeJS.ProcessEnv): Promise<string> {
    const nonce = truthNonce();
    const dir = await writeProject(nonce);
    const { doc, said } = await bake(dir, withEnv);

    const truth = await truthOf(nonce);
    const expected: Record<string, [string, string][]> = {};
    const amdUsed = new Set<string>();
    for (const target of TARGETS) {
      for (const platform of PLATFORMS) {
        const key = `${target} ${platform}`;
        const records = truth[key] ?? [];
        expect(records, `${key}: ${said}`).toHaveLength(1);
        const [daemon, machine] = records[0]!;
        if (platform === AMD64) {
          expect(AMD_DAEMONS, key).toContain(daemon);
          expect(machine, key).toBe('x86_64');
          amdUsed.add(daemon);
        } else expect([daemon, machine], key).toEqual(['arm1', 'aarch64']);
        expected[key] = records;
      }
    }
    expect([...amdUsed].sort()).toEqual(AMD_DAEMONS);
    await expectTagged();

    expect(doc).toMatchObject({ ok: true, mode: 'fleet' });
    expect(doc.jobs).toHaveLength(TARGETS.length * PLATFORMS.length);
    for (const job of doc.jobs) {
      const [daemon] = expected[`${job.target} ${job.platform}`]![0]!;
      expect([job.node, job.builtOn, job.verdict, job.retries], `${job.target} ${job.platform}`).toEqual([
        daemon,
        daemon,
        'native',
        0,
      ]);
    }
    for (const t of doc.targets) {
      const index = await readTag(registry, `bake/${t.target}`, '1');
      expect([t.outcome, t.digest], t.target).toEqual(['tagged', index!.digest]);
    }
    expect(doc.boundMs).toBeGreaterThan(0);
    expect(
      doc.wallMs,
      JSON.stringify({ wall: doc.wallMs, bound: doc.boundMs, nodes: doc.nodes }),
    ).toBeLessThanOrEqual(BOUND_FACTOR * doc.boundMs);
    return dir;
  }

  test('a. --push: every target × platform on a native daemon, both amd64 daemons used, each tag an index of its platforms, builtOn the truth, wall within 1.3× of the bound', async () => {
    project = await proveBake(env);
  });

  // buildx 0.13.1 (Debian trixie) has no history: builtOn comes from each job's build ref there too.
  oldTest(
    'a, with buildx 0.13.1 (Debian trixie): every job on a native daemon, both amd64 daemons used, tags, builtOn and bound',
    async () => {
      await proveBake(oldEnv);
    },
  );

  // c runs before b: it rebuilds a's project on the cache a left, before b kills a daemon.
  test('c. a rebuild after a one-line change in web: every other job fully cached, web not', async () => {
    expect(project, 'scenario a did not build').not.toBe('');
    await appendFile(join(project, 'web', 'Dockerfile'), 'RUN echo changed > /changed\n');
    const { doc } = await bake(project);
    await expectTagged();
    for (const job of doc.jobs) {
      const id = `${job.target} ${job.platform}`;
      expect(job.totalSteps, id).toBeGreaterThan(0);
      if (job.target === 'web') expect(job.cachedSteps, id).toBeLessThan(job.totalSteps!);
      else expect(job.cachedSteps, id).toBe(job.totalSteps);
    }
  });

  test('b. an amd64 daemon killed mid-bake: every target still tagged with its platforms, the moved jobs retried once and built on the other amd64 daemon', async () => {
    const nonce = truthNonce();
    // web's amd64 step holds after its marker: its daemon dies inside it. It holds again where it moves to.
    const dir = await writeProject(nonce, { target: 'web', platform: AMD64, seconds: 15 });
    const baking = mpb(['--json', 'bake', '--push'], dir);
    let victim: Daemon | undefined;
    try {
      const name = await waitForStep(world.kit.daemons, markOf(nonce, 'web'), AMD64, 180_000);
      victim = world.daemon(name);
      await victim.kill();
      const r = await baking;
      const said = `${r.stdout}\n${r.stderr}`;
      expect(r.exitCode, said).toBe(0);
      await expectTagged();
      const doc = JSON.parse(r.stdout) as BakeDoc;
      const other = AMD_DAEMONS.find((d) => d !== name)!;
      const truth = await truthOf(nonce);
      const moved = doc.jobs.filter((j) => j.retries > 0);
      expect(moved.map((j) => j.target)).toContain('web');
      for (const job of moved) {
        const id = `${job.target} ${job.platform}`;
        expect([job.platform, job.retries, job.movedFrom, job.node, job.builtOn], id).toEqual([
          AMD64,
          1,
          [name],
          other,
          other,
        ]);
        expect(truth[id], id).toContainEqual([other, 'x86_64']);
      }
      // A job that did not move finished where it was placed: its marker is there.
      for (const job of doc.jobs.filter((j) => j.retries === 0)) {
        expect(truth[`${job.target} ${job.platform}`]?.map(([d]) => d)).toContain(job.node);
      }
    } finally {
      await baking.catch(() => undefined);
      await victim?.restart({ keepRoot: true });
    }
  });

  test('d. two concurrent mpb build --strategy split --push of different images land on different amd64 daemons', async () => {
    const nonces = [truthNonce(), truthNonce()];
    const contexts: string[] = [];
    for (const [i, nonce] of nonces.entries()) {
      const dir = world.temp('mpb-e2e-pair-');
      // The first holds its amd64 step, so it still runs when the second asks the daemons how busy they are.
      const hold = i === 0 ? { platform: AMD64, seconds: 10 } : undefined;
      await writeFile(join(dir, 'Dockerfile'), `FROM ${world.base.image}\n${truthSteps(nonce, hold)}\n`);
      contexts.push(dir);
    }
    const build = (i: number) =>
      mpb([
        '--json',
        'build',
        '--strategy',
        'split',
        '-p',
        'amd64,arm64',
        '-t',
        `${registry}/pair/img${i}:1`,
        '--push',
        contexts[i]!,
      ]);
    const first = build(0);
    // The marker, or the first build's end: one that ended before its step showed failed, and says why.
    const ended = first.then((r) => {
      throw new Error(
        `the first build ended before its amd64 step showed (exit ${r.exitCode}): ${r.stdout}\n${r.stderr}`,
      );
    });
    ended.catch(() => {});
    const firstOn = await Promise.race([
      waitForStep(world.kit.daemons, nonces[0]!, AMD64, 120_000).catch(async (e: Error) => {
        // Still running without its step: what it said by a minute more, to tell where it waits.
        const r = await Promise.race([
          first,
          new Promise<undefined>((ok) => setTimeout(() => ok(undefined), 60_000)),
        ]);
        throw new Error(
          `${e.message}; the first build ${r ? `said (exit ${r.exitCode}): ${r.stdout}\n${r.stderr}` : 'was still running a minute later'}`,
        );
      }),
      ended,
    ]);
    // The daemon's own count, as the second mpb will ask it.
    expect(await activeBuildsOf(probeNodeOf(world.daemon(firstOn)), { timeoutMs: 3_000 })).toBeGreaterThan(0);
    const second = build(1);
    const results = await Promise.all([first, second]);
    for (const r of results) expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const on = await Promise.all(
      nonces.map(async (nonce) => (await whoBuilt(world.kit.daemons, nonce))[AMD64]?.map((r) => r.daemon)),
    );
    expect(on[0]).toEqual([firstOn]);
    expect(on[1]).toEqual([AMD_DAEMONS.find((d) => d !== firstOn)]);
  });
});

/** The daemon as the probe reaches it: its endpoint and the kit's client files. */
function probeNodeOf(daemon: Daemon): ProbeNodeSpec {
  const { certs } = world.kit;
  return {
    name: daemon.name,
    endpoint: daemon.endpoint,
    tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: undefined },
    local: undefined,
    driverOpts: {},
  };
}
