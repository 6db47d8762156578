// mpb build --strategy split|auto on the fake buildx 0.29.1: jobs per node pushed by digest, one merge, the
// report (JSON and GitHub summary), helper builders for a builder made by hand without pins.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDockerOptions } from '../helpers/fake-docker.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { type Listener, loopbackListeners } from '../helpers/listeners.js';
import { loopbackConfig } from '../helpers/loopback-config.js';

let ports: { a: number; b: number };
let listeners: Listener[];

beforeAll(async () => {
  listeners = await loopbackListeners(2);
  const [a, b] = listeners;
  ports = { a: a!.port, b: b!.port };
});
afterAll(() => Promise.all(listeners.map((l) => l.close())));

const config = (a = ports.a, b = ports.b) =>
  loopbackConfig(
    {
      fleet: [
        { name: 'a', port: a, platforms: ['linux/amd64'] },
        { name: 'b', port: b, platforms: ['linux/arm64'] },
      ],
    },
    'fleet',
  );

async function setup(
  fail?: { command: string; exit: number; match?: string; stderr?: string; times?: number }[],
  options: Pick<FakeDockerOptions, 'slow' | 'mode'> = {},
) {
  const w = await flowWorld({ version: '0.29.1', fail, ...options, config: config() });
  w.fake.setState((s) => {
    s.workers[`tcp://127.0.0.1:${ports.b}`] = { platforms: ['linux/arm64'] };
  });
  mkdirSync(join(w.dir, 'app'));
  writeFileSync(join(w.dir, 'app', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(join(w.dir, 'app', 'hello.txt'), 'hello\n');
  return w;
}

const mpb = (w: FlowWorld, args: string[], env: NodeJS.ProcessEnv = {}) => w.mpb(args, { env });

/** A builder made by hand, without --platform pins: a first, b second (b's worker is arm64). */
function handBuilder(w: FlowWorld) {
  w.docker(
    'buildx',
    'create',
    '--name',
    'hand',
    '--node',
    'a',
    '--driver',
    'remote',
    `tcp://127.0.0.1:${ports.a}`,
  );
  w.docker('buildx', 'create', '--append', '--name', 'hand', '--node', 'b', `tcp://127.0.0.1:${ports.b}`);
}

const TAG = 'localhost:5000/app:1';

describe('mpb build --strategy split (fake buildx 0.29.1)', () => {
  it('split: one job per node pushed by digest, one merge, the tag holds both, report and summary', async () => {
    const w = await setup();
    const summary = join(w.dir, 'summary.md');
    const r = await mpb(
      w,
      [
        '--json',
        'build',
        '--strategy',
        'split',
        '-p',
        'amd64,arm64',
        '-t',
        TAG,
        '--push',
        '--metadata-file',
        'meta.json',
        'app',
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const builds = w.buildxCalls('build');
    expect(builds).toHaveLength(2);
    for (const b of builds) {
      expect(b).toContain(
        'type=image,name=localhost:5000/app,push-by-digest=true,name-canonical=true,push=true',
      );
      expect(b).not.toContain('--tag');
    }
    expect(w.buildxCalls('imagetools create')).toHaveLength(1);
    const doc = JSON.parse(r.stdout);
    const digest = w.fake.state().registry[TAG];
    expect(doc).toMatchObject({ ok: true, strategy: 'split', reason: '--strategy split', digest });
    expect(doc.wallMs).toEqual(expect.any(Number));
    expect(doc.platforms).toEqual([
      {
        platform: 'linux/amd64',
        node: 'a',
        builtOn: 'a',
        verdict: 'native',
        durationMs: expect.any(Number),
        cachedSteps: 0,
        totalSteps: expect.any(Number),
      },
      {
        platform: 'linux/arm64',
        node: 'b',
        builtOn: 'b',
        verdict: 'native',
        durationMs: expect.any(Number),
        cachedSteps: 0,
        totalSteps: expect.any(Number),
      },
    ]);
    expect(doc.emulation).toBeNull();
    expect(doc.warnings).toEqual([]);
    expect(r.stderr).toContain('strategy: split (--strategy split)');
    expect(r.stderr).toMatch(/^\[linux\/arm64\] /m);
    const meta = JSON.parse(readFileSync(join(w.dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ 'containerimage.digest': digest, 'image.name': TAG });
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### mpb build');
    expect(md).toMatch(/\| linux\/arm64 \| b \| b \| native \|/);
  });

  it('split without --push: refused, exit 2, with the reason', async () => {
    const w = await setup();
    const r = await mpb(w, ['build', '--strategy', 'split', '-p', 'amd64,arm64', '-t', TAG, 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--strategy split needs --push');
    expect(w.buildxCalls('build')).toHaveLength(0);
  });

  it("a push that lost the registry's upload race runs once more: tagged, exit 0, said", async () => {
    const race =
      'ERROR: failed to push localhost:5000/app: unknown: provided digest did not match uploaded content';
    const w = await setup([{ command: 'build', match: 'linux/arm64', exit: 1, stderr: race, times: 1 }]);
    const r = await mpb(w, ['build', '--strategy', 'split', '-p', 'amd64,arm64', '-t', TAG, '--push', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.buildxCalls('build').filter((argv) => argv.includes('linux/arm64'))).toHaveLength(2);
    expect(w.fake.state().registry[TAG]).toBeDefined();
    expect(r.stderr).toContain('linux/arm64 on node "b": the registry lost a race between two uploads');
  });

  it('a job that fails for another reason is not run again', async () => {
    const w = await setup([
      { command: 'build', match: 'linux/arm64', exit: 1, stderr: 'ERROR: arm64 broke', times: 1 },
    ]);
    const r = await mpb(w, ['build', '--strategy', 'split', '-p', 'amd64,arm64', '-t', TAG, '--push', 'app']);
    expect(r.exitCode).toBe(1);
    expect(w.buildxCalls('build').filter((argv) => argv.includes('linux/arm64'))).toHaveLength(1);
  });

  it('one job failing: no merge, nothing tagged, exit 1, the digest already pushed shown', async () => {
    const w = await setup([
      { command: 'build', match: 'linux/arm64', exit: 1, stderr: 'ERROR: arm64 broke' },
    ]);
    const r = await mpb(w, ['build', '--strategy', 'split', '-p', 'amd64,arm64', '-t', TAG, '--push', 'app']);
    expect(r.exitCode).toBe(1);
    expect(w.buildxCalls('imagetools create')).toHaveLength(0);
    expect(w.fake.state().registry[TAG]).toBeUndefined();
    expect(r.stderr).toContain('linux/arm64 on node "b" failed (exit 1)');
    expect(r.stderr).toContain('arm64 broke');
    expect(r.stderr).toMatch(/localhost:5000\/app@sha256:[0-9a-f]{64} \(linux\/amd64 on "a"\)/);
  });

  it('a node that stops answering mid-job: that job is stopped and named, no merge, no tag, exit 3', async () => {
    // The fake's jobs take 4 s; nodes a and b answer until b's listener closes once both jobs run, so b's job
    // is stopped about 1.5 s in (--node-timeout 1).
    // 'path': the fake docker gets mpb's SIGINT itself (how docker forwards it to a plugin is not tested here).
    const w = await setup(undefined, { slow: { build: 4_000 }, mode: 'path' });
    const [a, b] = await loopbackListeners(2);
    const bPort = b!.port;
    w.writeConfig(config(a!.port, bPort));
    w.fake.setState((s) => {
      s.workers[`tcp://127.0.0.1:${bPort}`] = { platforms: ['linux/arm64'] };
    });
    const args = ['--json', 'build', '--strategy', 'split', '-p', 'amd64,arm64', '-t', TAG, '--push'];
    const running = mpb(w, [...args, '--node-timeout', '1', 'app']);
    try {
      while (w.buildxCalls('build').length < 2) await new Promise((r) => setTimeout(r, 50));
      await b!.close();
      const r = await running;
      expect(r.exitCode, r.stderr).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.died).toMatchObject({
        code: 'node.died',
        builder: 'fleet',
        node: 'b',
        endpoint: `tcp://127.0.0.1:${bPort}`,
        platforms: ['linux/arm64'],
        last: { state: 'down', code: 'tcp.refused' },
      });
      expect(doc.errors).toEqual([
        expect.objectContaining({ code: 'node.died', message: expect.stringContaining('node "b"') }),
      ]);
      expect(doc.jobs.map((j: { node: string; died: unknown }) => [j.node, j.died !== null])).toEqual([
        ['a', false],
        ['b', true],
      ]);
      // Only b's job was stopped; a's finished and stays pushed by digest, untagged.
      expect(w.fake.signals()).toEqual(['SIGINT']);
      expect(w.buildxCalls('imagetools create')).toHaveLength(0);
      expect(w.fake.state().registry[TAG]).toBeUndefined();
      expect(r.stderr).toMatch(
        /node "b" \(tcp:\/\/127\.0\.0\.1:\d+\) of builder "fleet" stopped answering for \d+ s while building linux\/arm64: .*\[node\.died\]/,
      );
      expect(r.stderr).toContain('nothing was tagged.');
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('auto on a hand-made builder without pins: splits, says why, uses helper builders, reused', async () => {
    const w = await setup();
    // a is an amd64 host with QEMU: it lists arm64 too (after its own), so buildx sends arm64 there.
    w.fake.setState((st) => {
      st.workers[`tcp://127.0.0.1:${ports.a}`] = { preset: 'buildkit-v0.32.2' };
    });
    handBuilder(w);
    const args = ['--json', 'build', '--builder', 'hand', '-p', 'amd64,arm64', '-t', TAG, '--push', 'app'];
    const r = await mpb(w, args);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.strategy).toBe('split');
    expect(doc.reason).toContain('single would emulate linux/arm64 on "a" while "b" runs it natively');
    expect(r.stderr).toContain(doc.reason);
    expect(doc.platforms.map((p: { platform: string; builtOn: string }) => [p.platform, p.builtOn])).toEqual([
      ['linux/amd64', 'a'],
      ['linux/arm64', 'b'],
    ]);
    const creates = () => w.buildxCalls('create --name mpb-via-hand-');
    expect(creates().length).toBeGreaterThan(0);
    const made = creates().length;
    const again = await mpb(w, args);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(creates()).toHaveLength(made);
    const ls = JSON.parse((await mpb(w, ['--json', 'ls'])).stdout);
    expect(ls.helpers.map((h: { name: string; helperOf: string }) => [h.name, h.helperOf])).toEqual([
      ['mpb-via-hand-a', 'hand'],
      ['mpb-via-hand-b', 'hand'],
    ]);
    expect(ls.builders.map((b: { name: string }) => b.name)).not.toContain('mpb-via-hand-a');
  }, 300_000);

  it('mpb rm BUILDER removes its helper builders too; --dry-run shows them', async () => {
    const w = await setup();
    w.docker(
      'buildx',
      'create',
      '--name',
      'mpb-via-fleet-b',
      '--node',
      'b',
      '--driver',
      'remote',
      `tcp://127.0.0.1:${ports.b}`,
    );
    const dry = await mpb(w, ['rm', 'fleet', '--dry-run']);
    expect(dry.stdout).toContain('docker buildx rm mpb-via-fleet-b');
    const r = await mpb(w, ['rm', 'fleet', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Object.keys(w.fake.state().builders)).not.toContain('mpb-via-fleet-b');
  });
});
