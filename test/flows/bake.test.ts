// mpb bake on the fake buildx 0.29.1: a JSON bake file of three targets (one built from another) × two platforms
// over a pool of two amd64 nodes and one arm64 node: jobs per target × platform, a merge per target, a failed
// target that leaves its tag alone, the dry run, the refusal, and buildx's own error for a bad bake file.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPB_BIN } from '../helpers/built-cli.js';
import type { FakeDockerOptions } from '../helpers/fake-docker.js';
import { flowWorld } from '../helpers/flow-world.js';
import { type Listener, loopbackListeners } from '../helpers/listeners.js';
import { loopbackConfig } from '../helpers/loopback-config.js';

let listeners: Listener[];
let ports: number[];

beforeAll(async () => {
  listeners = await loopbackListeners(3);
  ports = listeners.map((l) => l.port);
});
afterAll(() => Promise.all(listeners.map((l) => l.close())));

// A pool of two amd64 nodes and one arm64 node, on the shared listeners or on ports of the test's own.
const config = ([amd1, amd2, arm] = ports) =>
  loopbackConfig(
    {
      fleet: [
        { name: 'amd-1', port: amd1!, platforms: ['linux/amd64'] },
        { name: 'amd-2', port: amd2!, platforms: ['linux/amd64'] },
        { name: 'arm-1', port: arm!, platforms: ['linux/arm64'] },
      ],
    },
    'fleet',
  );

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const REG = 'localhost:5000/bake';
const BAKE = {
  group: { default: { targets: ['base', 'app', 'web'] } },
  target: {
    base: { context: 'base', platforms: PLATFORMS, tags: [`${REG}/base:1`] },
    app: { context: 'app', contexts: { base: 'target:base' }, platforms: PLATFORMS, tags: [`${REG}/app:1`] },
    web: { context: 'web', platforms: PLATFORMS, tags: [`${REG}/web:1`, `${REG}/web:latest`] },
  },
};

async function setup(
  fail?: { command: string; exit: number; match?: string; stderr?: string; times?: number }[],
  options: Pick<FakeDockerOptions, 'slow' | 'mode' | 'down'> = {},
) {
  const w = await flowWorld({ version: '0.29.1', fail, ...options, config: config() });
  w.fake.setState((s) => {
    s.workers[`tcp://127.0.0.1:${ports[2]}`] = { platforms: ['linux/arm64'] };
  });
  for (const dir of ['base', 'app', 'web']) {
    const d = join(w.dir, dir);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'Dockerfile'), `FROM scratch\nCOPY . /${dir}\n`);
  }
  writeFileSync(join(w.dir, 'docker-bake.json'), JSON.stringify(BAKE, null, 2));
  return w;
}

type JobRow = { target: string; platform: string; node: string; builtOn: string | null; retries: number };

describe('mpb bake (fake buildx 0.29.1)', () => {
  it('--push: every target × platform on a native node, both amd64 nodes used, each target merged', async () => {
    const w = await setup();
    const summary = join(w.dir, 'summary.md');
    const r = await w.mpb(['--json', 'bake', '--push', '--metadata-file', 'meta.json'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, mode: 'fleet', builder: 'fleet' });
    const jobs: JobRow[] = doc.jobs;
    expect(jobs).toHaveLength(6);
    for (const j of jobs) {
      expect(j.platform === 'linux/arm64' ? ['arm-1'] : ['amd-1', 'amd-2']).toContain(j.node);
      expect(j.builtOn).toBe(j.node);
      expect(j.retries).toBe(0);
    }
    expect(new Set(jobs.filter((j) => j.platform === 'linux/amd64').map((j) => j.node))).toEqual(
      new Set(['amd-1', 'amd-2']),
    );
    // Each bake job: one target, one platform, untagged, pushed by digest.
    const bakes = w.buildxCalls('bake').filter((argv) => !argv.includes('--print'));
    expect(bakes).toHaveLength(6);
    for (const argv of bakes) {
      expect(
        argv.filter((a) => a.endsWith('.platform=linux/amd64') || a.endsWith('.platform=linux/arm64')).length,
      ).toBeGreaterThan(0);
      expect(
        argv.some((a) => /\.output=type=image,name=localhost:5000\/bake\/\w+,push-by-digest=true/.test(a)),
      ).toBe(true);
    }
    // One merge per target; every tag holds exactly both platforms (the fake's registry).
    expect(w.buildxCalls('imagetools create')).toHaveLength(3);
    const registry = w.fake.state().registry;
    for (const tag of [`${REG}/base:1`, `${REG}/app:1`, `${REG}/web:1`, `${REG}/web:latest`]) {
      expect(registry[tag], tag).toBeDefined();
    }
    // 0.29.1 prints a group's targets sorted (test/fixtures/bake/README.md).
    expect(doc.targets.map((t: { target: string; outcome: string }) => [t.target, t.outcome])).toEqual([
      ['app', 'tagged'],
      ['base', 'tagged'],
      ['web', 'tagged'],
    ]);
    expect(doc.nodes.map((n: { node: string }) => n.node)).toEqual(['amd-1', 'amd-2', 'arm-1']);
    expect(doc.boundMs).toEqual(expect.any(Number));
    expect(readFileSync(summary, 'utf8')).toContain('### mpb bake');
    // --metadata-file as bake writes it, each target's merged index; no job's own file reached it.
    const meta = JSON.parse(readFileSync(join(w.dir, 'meta.json'), 'utf8'));
    expect(Object.keys(meta).sort()).toEqual(['app', 'base', 'web']);
    expect(meta.web).toMatchObject({
      'containerimage.digest': registry[`${REG}/web:1`],
      'image.name': `${REG}/web:1,${REG}/web:latest`,
    });
    for (const argv of bakes) expect(argv.join(' ')).not.toContain('meta.json');
  });

  it('a failed job: its target keeps its tag, the others are tagged, exit 1, the report names it', async () => {
    const w = await setup([
      { command: 'bake', match: 'web.platform=linux/arm64', exit: 1, stderr: 'ERROR: web broke' },
    ]);
    const r = await w.mpb(['bake', '--push']);
    expect(r.exitCode, r.stderr).toBe(1);
    const registry = w.fake.state().registry;
    expect(registry[`${REG}/web:1`]).toBeUndefined();
    expect(registry[`${REG}/app:1`]).toBeDefined();
    expect(registry[`${REG}/base:1`]).toBeDefined();
    expect(r.stdout).toMatch(/not tagged web: web linux\/arm64 failed/);
    expect(r.stderr).toContain('[web linux/arm64] ERROR: web broke');
    expect(r.stderr).toContain('error: bake failed: web not tagged (their tags are where they were)');
  });

  it("a job whose push lost the registry's upload race runs once more on its node; every target tagged", async () => {
    const race = 'ERROR: failed to push: unknown: blob unknown to registry';
    const w = await setup([
      { command: 'bake', match: 'web.platform=linux/arm64', exit: 1, stderr: race, times: 1 },
    ]);
    const r = await w.mpb(['--json', 'bake', '--push']);
    expect(r.exitCode, r.stderr).toBe(0);
    const web = w.buildxCalls('bake').filter((argv) => argv.includes('web.platform=linux/arm64'));
    expect(web).toHaveLength(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.targets.every((t: { outcome: string }) => t.outcome === 'tagged')).toBe(true);
    expect(r.stderr).toContain('web linux/arm64 on node "arm-1": the registry lost a race');
  });

  it('the only arm64 node down: refused before anything runs, exit 3, never emulated elsewhere', async () => {
    // Down to buildx (the fake) and to mpb's probe (its listener closed): as a dead machine is.
    const [arm] = await loopbackListeners(1);
    const w = await setup(undefined, { down: ['arm-1'] });
    w.writeConfig(config([ports[0]!, ports[1]!, arm!.port]));
    await arm!.close();
    const r = await w.mpb(['bake', '--push']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toContain('not baking: no node that runs linux/arm64 natively is up (arm-1 down)');
    expect(w.buildxCalls('bake').filter((argv) => !argv.includes('--print'))).toEqual([]);
  });

  it('--dry-run: the pools, each job and its command; nothing built', async () => {
    const w = await setup();
    const r = await w.mpb(['bake', '--push', '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/linux\/amd64\s+amd-1, amd-2\s+native/);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('docker buildx bake'))).toHaveLength(6);
    expect(lines).toContain('# web linux/arm64 on node "arm-1"');
    expect(lines.filter((l) => l.startsWith('docker buildx imagetools create'))).toEqual(
      expect.arrayContaining([
        `docker buildx imagetools create --tag ${REG}/web:1 --tag ${REG}/web:latest '${REG}/web@<digest of web linux/amd64>' '${REG}/web@<digest of web linux/arm64>'`,
      ]),
    );
    expect(w.buildxCalls('bake').filter((argv) => !argv.includes('--print'))).toHaveLength(0);
  });

  it('without --push: one docker buildx bake on the builder, as buildx runs it', async () => {
    const w = await setup();
    const r = await w.mpb(['bake']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('bake: bake (no --push');
    const bakes = w.buildxCalls('bake').filter((argv) => !argv.includes('--print'));
    expect(bakes).toEqual([['docker', 'buildx', 'bake', '--builder', 'fleet']]);
  });

  it("an unknown target: buildx's own words, exit 2", async () => {
    const w = await setup();
    const r = await w.mpb(['bake', '--push', 'nosuch']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('buildx cannot read the bake file: failed to find target nosuch');
  });

  it('--platform, which bake lacks: exit 2 before buildx runs, and how to set platforms with --set', async () => {
    const w = await setup();
    const r = await w.mpb(['bake', '--platform', 'linux/arm64', '--push']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: unknown option '--platform'\n" +
        "  → a bake target's platforms come from the bake file, or from --set, e.g.: mpb bake --set '*.platform=linux/amd64,linux/arm64'\n" +
        '(run with --help for usage)\n',
    );
    expect(w.buildxCalls('bake')).toEqual([]);
  });

  it('an amd64 node lost mid-bake: its jobs move to the other amd64 node once, every target is tagged', async () => {
    // The fake's bakes take 3 s; amd-1's listener closes once every job runs, so --node-timeout 1 stops its jobs
    // about 1.5 s in. Its own listeners: the shared ones stay open for the other tests.
    const [a1, a2, arm] = await loopbackListeners(3);
    const w = await setup(undefined, { slow: { bake: 3_000 }, mode: 'path' });
    w.writeConfig(config([a1!.port, a2!.port, arm!.port]));
    w.fake.setState((s) => {
      s.workers[`tcp://127.0.0.1:${arm!.port}`] = { platforms: ['linux/arm64'] };
    });
    try {
      const running = w.mpb(['--json', 'bake', '--push', '--node-timeout', '1']);
      const jobs = () => w.buildxCalls('bake').filter((argv) => !argv.includes('--print'));
      while (jobs().length < 6) await new Promise((r) => setTimeout(r, 50));
      await a1!.close();
      const r = await running;
      expect(r.exitCode, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      const moved = doc.jobs.filter((j: JobRow) => j.retries > 0);
      expect(moved.length).toBeGreaterThan(0);
      for (const j of moved)
        expect(j).toMatchObject({ platform: 'linux/amd64', node: 'amd-2', movedFrom: ['amd-1'] });
      expect(doc.targets.every((t: { outcome: string }) => t.outcome === 'tagged')).toBe(true);
      expect(r.stderr).toMatch(/node "amd-1" .* moves to "amd-2"/);
    } finally {
      await Promise.all([a1!.close(), a2!.close(), arm!.close()]);
    }
  });

  it('Ctrl-C mid-bake: every job stopped, nothing tagged, no temp folder left, exit 130', async () => {
    const w = await setup(undefined, { slow: { bake: 20_000 }, mode: 'path' });
    const tmp = mkdtempSync(join(w.dir, 'tmp-'));
    const child = spawn(process.execPath, [MPB_BIN, 'bake', '--push'], {
      cwd: w.dir,
      env: { ...w.env, TMPDIR: tmp },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const jobs = () => w.buildxCalls('bake').filter((argv) => !argv.includes('--print'));
    while (jobs().length < 6) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    // Each of the six jobs' buildx got SIGINT from mpb.
    expect(w.fake.signals().filter((s) => s === 'SIGINT')).toHaveLength(6);
    expect(w.buildxCalls('imagetools create')).toEqual([]);
    expect(Object.keys(w.fake.state().registry).filter((ref) => ref.startsWith(REG))).toEqual([]);
    expect(readdirSync(tmp).filter((name) => name.startsWith('mpb-'))).toEqual([]);
  }, 40_000);
});
