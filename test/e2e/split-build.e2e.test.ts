// Real tier, issue 16's proof: split builds on real BuildKit v0.32.2 daemons with mutual TLS — alpha declares
// linux/amd64 (native here), bravo's worker is linux/arm64 (run through QEMU, as a real arm64 machine would list
// it) and it also emulates linux/riscv64 — real buildx 0.29.1 and 0.13.1, a real registry with a busybox base.
// Who built what comes from the daemons' own disks (daemon-truth.ts) and what a tag holds from the registry's
// HTTP API, never from mpb's words; mpb's report is then checked against them.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect } from 'vitest';
import { type Hold, truthNonce, truthSteps, waitForStep, whoBuilt } from '../helpers/daemon-truth.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { runMpb } from '../helpers/fake-docker.js';
import { createUnpinnedBuilder, writeRemoteConfig } from '../helpers/real-remote.js';
import { readTag, type TagIndex, tagsOf } from '../helpers/registry.js';
import { itUnless, type SkipReason } from '../helpers/skip.js';
import type { Suite } from '../helpers/versions.js';

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';
const RISCV64 = 'linux/riscv64';
const THREE = [AMD64, ARM64, RISCV64];
/** buildx 0.29.1 has `buildx history`, where the report's builtOn and step counts come from; 0.13.1 has not. */
const HAS_HISTORY: Record<Suite, boolean> = { sid: true, trixie: false };
const BUILD_TIMEOUT_MS = 600_000;

const world = await e2eWorld({
  qemu: [ARM64, RISCV64],
  daemons: [
    { name: 'alpha', platform: AMD64 },
    { name: 'bravo', platform: ARM64 },
  ],
});
// Newest first: the release people run.
const SUITES = [...world.suites].reverse();
const live = (skip: SkipReason) => itUnless(skip, BUILD_TIMEOUT_MS);
const daemon = (name: 'alpha' | 'bravo') => world.daemon(name);
const exec = promisify(execFile);

/** The contract's `--json` report of `mpb build` (issue 16): the names scripts rely on. */
interface PlatformRow {
  platform: string;
  node: string | null;
  builtOn: string | null;
  verdict: string;
  durationMs: number | null;
  cachedSteps: number | null;
  totalSteps: number | null;
}
interface Report {
  strategy: string;
  reason: string;
  digest: string | null;
  wallMs: number;
  platforms: PlatformRow[];
  emulation: string | null;
  warnings: string[];
}

function reportOf(stdout: string): Report {
  const doc = JSON.parse(stdout) as Report;
  expect(doc).toMatchObject({ strategy: expect.any(String), reason: expect.any(String) });
  return doc;
}

const rowOf = (report: Report, platform: string) => report.platforms.find((p) => p.platform === platform);

/** The platforms of an index's images, and how many attestation manifests it holds beside them. */
function contentsOf(index: TagIndex) {
  const isAttestation = (m: TagIndex['manifests'][number]) =>
    m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
  const images = index.manifests.filter((m) => !isAttestation(m));
  const attestations = index.manifests.filter(isAttestation);
  return {
    platforms: images
      .map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'))
      .sort(),
    // Each attestation names the image it is about: they must be the index's own images.
    attested: attestations.map((m) => m.annotations?.['vnd.docker.reference.digest']).sort(),
    imageDigests: images.map((m) => m.digest).sort(),
  };
}

/**
 * A record's vertices per platform, read from buildx's plain replay of it (`history logs REF`: `#N [linux/arm64
 * 2/3] RUN …` headers, `#N CACHED`, `#N DONE 5.6s`), not from mpb's parser of the rawjson one; `-` holds the
 * vertices no platform is named for.
 */
function plainVertices(text: string) {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  const done = new Map<string, number>();
  for (const [, n, rest] of text.matchAll(/^#(\d+) (.+)$/gm)) {
    if (rest === 'CACHED') cached.add(n!);
    else if (rest!.startsWith('DONE ')) done.set(n!, Number.parseFloat(rest!.slice(5)) * 1000);
    else if (!names.has(n!)) names.set(n!, rest!);
  }
  const byPlatform: Record<string, { total: number; cached: number; longestMs: number }> = {};
  for (const [n, name] of names) {
    const platform = /^\[([a-z0-9]+\/[a-z0-9]+)[ \]]/.exec(name)?.[1] ?? '-';
    const p = byPlatform[platform] ?? { total: 0, cached: 0, longestMs: 0 };
    byPlatform[platform] = p;
    p.total += 1;
    if (cached.has(n)) p.cached += 1;
    p.longestMs = Math.max(p.longestMs, done.get(n) ?? 0);
  }
  return byPlatform;
}

/** `{ platform: [daemon, uname -m] }`: the truth in the shape it is compared in. */
const truthOf = async (nonce: string) =>
  Object.fromEntries(
    Object.entries(await whoBuilt(world.kit.daemons, nonce)).map(([p, records]) => [
      p,
      records.map((r) => [r.daemon, r.machine]),
    ]),
  );

describe.each(SUITES)('split builds on real daemons with real buildx from Debian %s (%s)', (suite) => {
  const bx = world.suite(suite);
  const test = live(bx.skip);
  const historyTest = live(
    bx.skip ??
      (!HAS_HISTORY[suite] &&
        `buildx ${bx.buildx.version.raw} has no buildx history, where cached steps come from`),
  );
  let env: NodeJS.ProcessEnv;
  let config = '';
  let registry = '';
  const app = `app-${suite}`;
  /** Scenario 1's run, which scenario 5 checks the report of. */
  let first: { report: Report; nonce: string; summary: string } | undefined;

  /** A fresh build context whose Dockerfile leaves the truth of `nonce`, plus any further lines. */
  async function contextWith(nonce: string, options: { hold?: Hold; more?: string } = {}) {
    const { base } = world;
    const dir = world.temp('mpb-e2e-split-');
    const lines = [`FROM ${base.image}`, truthSteps(nonce, options.hold), options.more ?? ''];
    await writeFile(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
    return dir;
  }
  const mpb = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    runMpb(['--config', config, ...args], { ...env, ...extraEnv });

  beforeAll(async () => {
    if (bx.skip) return;
    const { kit, base } = world;
    ({ env } = bx.dockerEnv());
    registry = base.registry.host;
    // writeRemoteConfig names certs/ beside the file: the kit's dir holds them.
    config = join(kit.dir, `split-${suite}.yaml`);
    await writeRemoteConfig(config, `split-${suite}`, [
      { name: 'alpha', port: daemon('alpha').port, platforms: [AMD64] },
      { name: 'bravo', port: daemon('bravo').port, platforms: [ARM64], emulate: [RISCV64] },
    ]);
  });

  test('1. --strategy split: amd64 on alpha, arm64 and riscv64 on bravo; the tag is an index of exactly those three plus their attestations', async () => {
    const nonce = truthNonce();
    const context = await contextWith(nonce);
    const summaryFile = join(world.temp('mpb-e2e-summary-'), 'summary.md');
    const tag = `${registry}/${app}:1`;
    const built = await mpb(
      ['--json', 'build', '--strategy', 'split', '-p', 'amd64,arm64,riscv64', '-t', tag, '--push', context],
      { GITHUB_STEP_SUMMARY: summaryFile },
    );
    expect(built.exitCode, built.stderr).toBe(0);

    expect(await truthOf(nonce)).toEqual({
      [AMD64]: [['alpha', 'x86_64']],
      [ARM64]: [['bravo', 'aarch64']],
      [RISCV64]: [['bravo', 'riscv64']],
    });
    const index = await readTag(registry, app, '1');
    expect(index, `${tag} was not pushed`).toBeDefined();
    const contents = contentsOf(index!);
    expect(contents.platforms).toEqual([...THREE].sort());
    expect(contents.attested).toEqual(contents.imageDigests);
    // Each node pushed by digest only: the one tag is the merged index's.
    expect(await tagsOf(registry, app)).toEqual(['1']);

    const report = reportOf(built.stdout);
    expect(report.strategy).toBe('split');
    expect(report.digest).toBe(index!.digest);
    expect(report.platforms.map((p) => [p.platform, p.node, p.verdict])).toEqual([
      [AMD64, 'alpha', 'native'],
      [ARM64, 'bravo', 'native'],
      [RISCV64, 'bravo', 'emulated'],
    ]);
    expect(report.emulation).toContain(RISCV64);
    // riscv64 ran the same RUN step as amd64 (alpha) and arm64 (bravo) natively, in this build.
    if (HAS_HISTORY[suite]) expect(report.emulation).toContain('(measured in this build)');
    first = { report, nonce, summary: await readFile(summaryFile, 'utf8') };
  });

  test(`5. the report's builtOn is the daemon truth${HAS_HISTORY[suite] ? '' : ' or, without buildx history, null'}, and GITHUB_STEP_SUMMARY holds the table`, async () => {
    expect(first, 'scenario 1 did not build').toBeDefined();
    const { report, nonce, summary } = first!;
    const truth = await whoBuilt(world.kit.daemons, nonce);
    for (const platform of THREE) {
      const row = rowOf(report, platform)!;
      // history-based: 0.29.1 says where each platform was built; 0.13.1 cannot, and the row says so with null.
      expect(row.builtOn, platform).toBe(HAS_HISTORY[suite] ? truth[platform]![0]!.daemon : null);
      if (HAS_HISTORY[suite]) {
        expect(row.totalSteps, platform).toBeGreaterThan(0);
        expect(row.durationMs, platform).toBeGreaterThan(0);
      }
    }
    // A Markdown table: a header, its |---| rule, then one row per platform naming where it was built.
    const lines = summary.split('\n').filter((l) => l.trim().startsWith('|'));
    expect(lines.length, summary).toBeGreaterThanOrEqual(2 + THREE.length);
    expect(lines[1]).toMatch(/^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/);
    for (const platform of THREE) {
      const row = lines.find((l) => l.includes(platform));
      expect(row, `no row for ${platform} in:\n${summary}`).toBeDefined();
      expect(row).toContain(platform === AMD64 ? 'alpha' : 'bravo');
    }
  });

  test('3. bravo killed mid-build: the tag stays on the previous index, no tag is pushed, and the error names bravo and its platforms', async () => {
    const previous = await readTag(registry, app, '1');
    expect(previous, 'scenario 1 left no tag to keep').toBeDefined();
    const nonce = truthNonce();
    // arm64's step sleeps for up to two minutes after its marker: bravo dies inside it.
    const context = await contextWith(nonce, { hold: { platform: ARM64, seconds: 120 } });
    const tags = ['-t', `${registry}/${app}:1`, '-t', `${registry}/${app}:killed`];
    const building = mpb([
      'build',
      '--strategy',
      'split',
      '-p',
      'amd64,arm64,riscv64',
      ...tags,
      '--push',
      context,
    ]);
    const bravo = daemon('bravo');
    try {
      expect(await waitForStep([bravo], nonce, ARM64, 300_000)).toBe('bravo');
      await bravo.kill();
      const built = await building;
      const said = `${built.stdout}\n${built.stderr}`;
      // buildx fails at once on a killed daemon; mpb probes the job's node, finds it down: node.died, exit 3.
      expect(built.exitCode, said).toBe(3);
      expect(said).toMatch(/\bsplit\b/);
      expect(said).toMatch(/\bbravo\b/);
      expect(said).toContain(ARM64);
      expect(said).toContain(RISCV64);
      expect((await readTag(registry, app, '1'))?.digest).toBe(previous!.digest);
      expect(await tagsOf(registry, app)).toEqual(['1']);
    } finally {
      await building;
      await bravo.restart({ keepRoot: true });
    }
  });

  test('2. a hand-made builder without pins: single would emulate arm64 on alpha; auto splits, says why, and bravo builds arm64', async () => {
    const builder = `hand-${suite}`;
    await createUnpinnedBuilder(
      env,
      builder,
      [
        { name: 'alpha', endpoint: daemon('alpha').endpoint },
        { name: 'bravo', endpoint: daemon('bravo').endpoint },
      ],
      world.kit.certs,
    );
    const nonce = truthNonce();
    const context = await contextWith(nonce);
    const args = ['build', '--builder', builder, '-p', 'amd64,arm64'];

    const single = await mpb(['--json', ...args, '--strategy', 'single', '--dry-run', context]);
    expect(single.exitCode, single.stderr).toBe(0);
    const routes = (
      JSON.parse(single.stdout) as { routes: { platform: string; node: string; verdict: string }[] }
    ).routes;
    expect(routes.map((r) => [r.platform, r.node, r.verdict])).toEqual([
      [AMD64, 'alpha', 'native'],
      [ARM64, 'alpha', 'emulated'],
    ]);

    const tag = `${registry}/${builder}:1`;
    const auto = await mpb(['--json', ...args, '-t', tag, '--push', context]);
    expect(auto.exitCode, auto.stderr).toBe(0);
    const report = reportOf(auto.stdout);
    expect(report.strategy).toBe('split');
    // Why: single would emulate arm64 on alpha while bravo runs it natively.
    expect(report.reason).toContain(ARM64);
    expect(await truthOf(nonce)).toEqual({
      [AMD64]: [['alpha', 'x86_64']],
      [ARM64]: [['bravo', 'aarch64']],
    });
    expect(contentsOf((await readTag(registry, builder, '1'))!).platforms).toEqual([AMD64, ARM64]);
  });

  // Only where buildx has history: below 0.23 mpb asks for none and the rows stay null (unit-tested).
  historyTest(
    '6. single, amd64 and arm64 on one node (arm64 emulated): each row its own time and steps, as the daemon counts them',
    async () => {
      const builder = `solo-${suite}`;
      await createUnpinnedBuilder(
        env,
        builder,
        [{ name: 'alpha', endpoint: daemon('alpha').endpoint }],
        world.kit.certs,
      );
      const nonce = truthNonce();
      // The same RUN steps on both platforms (the marker, then CPU-bound work), then one for arm64 only: different
      // times, different steps.
      const context = world.temp('mpb-e2e-figures-');
      const dockerfile = [
        `FROM ${world.base.image} AS common`,
        truthSteps(nonce),
        'RUN for i in $(seq 16); do head -c 1048576 /dev/zero | sha256sum > /dev/null; done',
        'FROM common AS final-amd64',
        'FROM common AS final-arm64',
        'RUN echo arm64 only > /arm64-only',
        'FROM final-${TARGETARCH}',
      ];
      await writeFile(join(context, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
      const out = world.temp('mpb-e2e-figures-meta-');
      const build = (platforms: string, metadata: string) =>
        mpb([
          '--json',
          'build',
          '--builder',
          builder,
          '--strategy',
          'single',
          '-p',
          platforms,
          '-t',
          `${registry}/${builder}:1`,
          '--push',
          '--metadata-file',
          join(out, metadata),
          context,
        ]);
      const refOf = async (metadata: string) =>
        (JSON.parse(await readFile(join(out, metadata), 'utf8')) as Record<string, string>)[
          'buildx.build.ref'
        ]!.split('/')[2]!;
      // amd64 alone first: in the two-platform build its RUN steps are then cached, arm64's run under QEMU.
      const first = await build('amd64', 'amd64.json');
      expect(first.exitCode, first.stderr).toBe(0);
      const built = await build('amd64,arm64', 'two.json');
      expect(built.exitCode, built.stderr).toBe(0);
      expect(await truthOf(nonce)).toEqual({
        [AMD64]: [['alpha', 'x86_64']],
        [ARM64]: [['alpha', 'aarch64']],
      });
      const report = reportOf(built.stdout);
      const [amd64, arm64] = [rowOf(report, AMD64)!, rowOf(report, ARM64)!];
      expect([amd64.builtOn, amd64.verdict, arm64.builtOn, arm64.verdict]).toEqual([
        'alpha',
        'native',
        'alpha',
        'emulated',
      ]);
      // The daemon's truth: its record of the build, as buildx lists and replays it.
      const ref = await refOf('two.json');
      const ls = await exec('docker', ['buildx', 'history', 'ls', '--builder', builder, '--format', 'json'], {
        env,
      });
      const record = ls.stdout
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              ref: string;
              total_steps: number;
              cached_steps: number;
              created_at: string;
              completed_at: string;
            },
        )
        .find((r) => r.ref === `${builder}/alpha/${ref}`)!;
      const replay = await exec('docker', ['buildx', 'history', 'logs', '--builder', builder, ref], { env });
      const truth = plainVertices(replay.stderr);
      expect(Object.keys(truth).sort()).toEqual(['-', AMD64, ARM64]);
      expect(truth['-']!.total + truth[AMD64]!.total + truth[ARM64]!.total).toBe(record.total_steps);
      for (const [row, platform] of [
        [amd64, AMD64],
        [arm64, ARM64],
      ] as const) {
        expect([row.totalSteps, row.cachedSteps], platform).toEqual([
          truth[platform]!.total,
          truth[platform]!.cached,
        ]);
        // Its own span: at least its longest step (DONE is rounded to 0.1 s), at most the whole record.
        expect(row.durationMs!, platform).toBeGreaterThanOrEqual(truth[platform]!.longestMs - 50);
        expect(row.durationMs!, platform).toBeLessThanOrEqual(
          Date.parse(record.completed_at) - Date.parse(record.created_at) + 1,
        );
      }
      // Different steps (arm64 has one more), different cache (amd64's two RUN steps came from the build before).
      expect([amd64.totalSteps, amd64.cachedSteps, arm64.totalSteps, arm64.cachedSteps]).toEqual([
        4, 2, 5, 0,
      ]);
      expect(arm64.durationMs).toBeGreaterThan(amd64.durationMs!);
      // amd64 ran those RUN steps natively in the build before, on the same node: measured there, and said so.
      const before = await refOf('amd64.json');
      expect(report.emulation).toMatch(
        new RegExp(
          `^linux/arm64 took [\\d.]+ s emulated \\(QEMU\\) on "alpha", [\\d.]+× the [\\d.]+ s of native linux/amd64 on "alpha" for the same 2 RUN steps \\(measured in earlier build ${before}\\)\\.$`,
        ),
      );
    },
  );

  historyTest(
    '4. after both daemons lose their state, a rebuild with --cache-ref reports cached steps on every platform',
    async () => {
      const { kit } = world;
      const nonce = truthNonce();
      const context = await contextWith(nonce, { more: 'RUN echo second > /second' });
      const build = [
        '--json',
        'build',
        '-p',
        'amd64,arm64,riscv64',
        '--cache-ref',
        `${registry}/cache-${suite}`,
        '-t',
        `${registry}/cached-${suite}:1`,
        '--push',
        context,
      ];
      const cold = await mpb(build);
      expect(cold.exitCode, cold.stderr).toBe(0);
      // A cache ref on a build over several nodes is a reason for auto to split: per-platform cache needs it.
      expect(reportOf(cold.stdout)).toMatchObject({
        strategy: 'split',
        reason: expect.stringContaining('cache'),
      });
      expect((await tagsOf(registry, `cache-${suite}`)).sort()).toEqual([
        'linux-amd64',
        'linux-arm64',
        'linux-riscv64',
      ]);

      await Promise.all(kit.daemons.map((d) => d.restart()));
      expect(await whoBuilt(kit.daemons, nonce)).toEqual({});

      const warm = await mpb(build);
      expect(warm.exitCode, warm.stderr).toBe(0);
      const [before, after] = [reportOf(cold.stdout), reportOf(warm.stdout)];
      for (const platform of THREE) {
        const cached = rowOf(after, platform)?.cachedSteps;
        expect(cached, platform).toBeGreaterThan(0);
        // The cold build found only the base image cached (earlier builds pulled it); with no state left, more
        // cached steps can only have come from the registry cache: the RUN steps.
        expect(cached, platform).toBeGreaterThan(rowOf(before, platform)?.cachedSteps ?? 0);
      }
    },
  );

  test("7. native is the node's word: alpha (an amd64 daemon) declared arm64 builds it emulated, and the report says so with its own time", async () => {
    const liar = `liar-${suite}`;
    const liarConfig = join(world.kit.dir, `liar-${suite}.yaml`);
    await writeRemoteConfig(liarConfig, liar, [
      { name: 'alpha', port: daemon('alpha').port, platforms: [ARM64] },
    ]);
    const nonce = truthNonce();
    const context = await contextWith(nonce);
    const built = await runMpb(['--config', liarConfig, '--json', 'build', '-p', 'arm64', context], env);
    expect(built.exitCode, built.stderr).toBe(0);
    // The daemons' truth: alpha ran the arm64 step, on an x86_64 CPU through QEMU.
    expect(await truthOf(nonce)).toEqual({ [ARM64]: [['alpha', 'aarch64']] });
    const doc = JSON.parse(built.stdout) as Report & { routes: { platform: string; verdict: string }[] };
    expect(doc.routes.map((r) => [r.platform, r.verdict])).toEqual([[ARM64, 'emulated']]);
    expect(rowOf(doc, ARM64)).toMatchObject({ node: 'alpha', verdict: 'emulated' });
    if (HAS_HISTORY[suite]) expect(rowOf(doc, ARM64)!.durationMs).toBeGreaterThan(0);
    expect(doc.warnings.join('\n')).toContain(
      'node "alpha" declares linux/arm64 native, but it runs linux/amd64 (its BuildKit worker\'s native platform)',
    );
    // bravo's worker lists arm64 first (--oci-worker-platform linux/arm64): declared arm64 is native there.
    const honest = await mpb([
      '--json',
      'build',
      '--strategy',
      'single',
      '-p',
      'arm64',
      '--dry-run',
      context,
    ]);
    expect(honest.exitCode, honest.stderr).toBe(0);
    const routes = (JSON.parse(honest.stdout) as { routes: { node: string; verdict: string }[] }).routes;
    expect(routes.map((r) => [r.node, r.verdict])).toEqual([['bravo', 'native']]);
  });
});
