// Every flag of a real `docker buildx build --help` (captures-local/v*/build-help.stdout) through
// `mpb build --dry-run --json` into the argv of both strategies, or refused with its reason (issue 23); a flag
// the installed buildx lacks, an unknown one, `--platform local` and `--load` of several platforms.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_FLAGS, type BuildFlagRow, MPB_OWN_FLAGS } from '../../src/buildx/build-flags.js';
import { clientPlatform } from '../../src/buildx/local-platform.js';
import { type FakeDocker, type FakeVersion, runMpb, withFakeDocker } from '../helpers/fake-docker.js';
import { type Listener, loopbackListeners } from '../helpers/listeners.js';
import { loopbackConfig } from '../helpers/loopback-config.js';
import { FLOW_VERSIONS } from '../helpers/versions.js';

const LOCAL = fileURLToPath(new URL('../fixtures/captures-local/', import.meta.url));
const HELP_VERSIONS = ['0.13.1', '0.29.1'] as const satisfies readonly FakeVersion[];
const TAG = 'localhost:5000/app:1';

let ports: { a: number; b: number };
let listeners: Listener[];
beforeAll(async () => {
  listeners = await loopbackListeners(2);
  ports = { a: listeners[0]!.port, b: listeners[1]!.port };
});
afterAll(() => Promise.all(listeners.map((l) => l.close())));

const config = () =>
  loopbackConfig(
    {
      fleet: [
        { name: 'a', port: ports.a, platforms: ['linux/amd64'] },
        { name: 'b', port: ports.b, platforms: ['linux/arm64'] },
      ],
    },
    'fleet',
  );

interface World {
  fake: FakeDocker;
  dir: string;
  env: NodeJS.ProcessEnv;
}
let world: World | undefined;
afterEach(() => {
  world?.fake.cleanup();
  world = undefined;
});

async function setup(
  version: FakeVersion,
  engine: { daemon?: boolean; imageStore?: 'containerd' } = {},
): Promise<World> {
  // `docker info` must reach the fake engine, not a real docker CLI's daemon: the fake `docker` on PATH.
  const fake = await withFakeDocker({ version, daemon: engine.daemon, mode: 'path' });
  fake.setState((s) => {
    s.workers[`tcp://127.0.0.1:${ports.b}`] = { platforms: ['linux/arm64'] };
    if (engine.imageStore) (s as { engine?: object }).engine = { imageStore: engine.imageStore };
  });
  const dir = join(fake.dir, 'work');
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(join(dir, 'app', 'hello.txt'), 'hello\n');
  writeFileSync(join(dir, 'builders.yaml'), config());
  const env = { ...fake.env, XDG_CONFIG_HOME: join(fake.dir, 'xdg'), HOME: fake.dir, NO_COLOR: '1' };
  world = { fake, dir, env };
  return world;
}

const mpb = (w: World, args: string[]) => runMpb(args, w.env, { cwd: w.dir });
const buildCalls = (w: World) => w.fake.calls().filter((c) => c[1] === 'buildx' && c[2] === 'build');

interface DryRun {
  ok: boolean;
  strategy: string;
  reason: string;
  platforms: string[];
  jobs: { node: string | null; command: string }[];
  errors?: { message: string; hint: string }[];
}

/** The flags (long form) of a help capture, as the unit test reads them. */
function helpFlags(version: string): string[] {
  const text = readFileSync(`${LOCAL}v${version}/build-help.stdout`, 'utf8');
  return [...text.matchAll(/^ {2,}(?:-[a-zA-Z], )?(--[a-z][a-z0-9-]*)(?: [a-zA-Z]+)? {2,}/gm)].map(
    (m) => m[1]!,
  );
}

const rowOf = (long: string): BuildFlagRow =>
  Object.values(BUILD_FLAGS).find((r: BuildFlagRow) => r.long === long) as BuildFlagRow;

/** A word for each flag's value that needs no shell quoting; the words a job's argv should then hold. */
function sample(long: string): { args: string[]; words: string[] } {
  const row = rowOf(long);
  if (row.arity === 'boolean') return { args: [long], words: [long] };
  const value =
    { '--call': 'outline', '--annotation': 'org.example.title=x', '--progress': 'plain' }[long] ??
    `${long.slice(2)}-value`;
  return { args: [long, value], words: row.joined ? [`${long}=${value}`] : [long, value] };
}

/** True when `words` stand one after another in the shell-quoted command. */
const holds = (command: string, words: string[]) => ` ${command} `.includes(` ${words.join(' ')} `);

describe.each(HELP_VERSIONS)('every flag of buildx %s --help reaches buildx', (version) => {
  const passThrough = helpFlags(version).filter((f) => !(MPB_OWN_FLAGS as readonly string[]).includes(f));

  it('has the flags to check', () => {
    expect(passThrough.length).toBeGreaterThan(28);
  });

  it('single: one buildx build with every flag (--load: one platform)', async () => {
    const w = await setup(version);
    const all = passThrough.filter((f) => f !== '--load');
    const r = await mpb(w, [
      '--json',
      'build',
      '--dry-run',
      '--strategy',
      'single',
      '-p',
      'amd64,arm64',
      ...all.flatMap((f) => sample(f).args),
      'app',
    ]);
    const doc = JSON.parse(r.stdout) as DryRun;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(doc.jobs).toHaveLength(1);
    for (const f of all) expect(holds(doc.jobs[0]!.command, sample(f).words), f).toBe(true);

    const load = await mpb(w, ['--json', 'build', '--dry-run', '-p', 'amd64', '--load', 'app']);
    expect(load.exitCode, load.stderr).toBe(0);
    expect(holds((JSON.parse(load.stdout) as DryRun).jobs[0]!.command, ['--load'])).toBe(true);
  });

  it('split: each job gets every flag it should, the merged and the split’s own stay with mpb', async () => {
    const w = await setup(version);
    const kinds = (kind: string) => passThrough.filter((f) => rowOf(f).split.kind === kind);
    const everyJob = kinds('every-job');
    const mpbKeeps = [...kinds('merged'), ...kinds('own').filter((f) => f !== '--output')];
    const r = await mpb(w, [
      '--json',
      'build',
      '--dry-run',
      '--strategy',
      'split',
      '-p',
      'amd64,arm64',
      '--tag',
      TAG,
      '--push',
      ...[...everyJob, ...mpbKeeps.filter((f) => f !== '--tag' && f !== '--push')].flatMap(
        (f) => sample(f).args,
      ),
      // Split's own rules, with values that do not need one build.
      ...(passThrough.includes('--call') ? ['--call', 'build'] : []),
      '--annotation',
      'manifest:org.example.title=x',
      'app',
    ]);
    const doc = JSON.parse(r.stdout) as DryRun;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(doc.strategy).toBe('split');
    expect(doc.jobs.map((j) => j.node)).toEqual(['a', 'b']);
    for (const job of doc.jobs) {
      for (const f of everyJob.filter((f) => f !== '--annotation'))
        expect(holds(job.command, sample(f).words), `${f} in ${job.command}`).toBe(true);
      expect(holds(job.command, ['--annotation', 'manifest:org.example.title=x'])).toBe(true);
      if (passThrough.includes('--call')) expect(holds(job.command, ['--call', 'build'])).toBe(true);
      for (const f of mpbKeeps) expect(holds(job.command, [f]), `${f} in ${job.command}`).toBe(false);
      expect(job.command).toContain('push-by-digest=true');
    }
  });

  const singleOnly: [string, string[], RegExp][] = [
    ['--load', ['--load'], /--load loads one image into the local Docker/],
    ['--output', ['--output', 'type=local,dest=out'], /writes its own exporter/],
    ['--annotation', ['--annotation', 'index:org.example.title=x'], /index annotations belong on the index/],
    ['--call', ['--call', 'outline'], /--call evaluates the build and exports nothing/],
    ['--check', ['--check'], /--check evaluates the build and exports nothing/],
  ];
  it.each(singleOnly)(
    'split with %s: refused, exit 2, with the reason; auto builds single',
    async (flag, args, why) => {
      if (!helpFlags(version).includes(flag)) return;
      const w = await setup(version);
      // --load of one platform: two would be refused on their own first (the classic image store, below).
      const base = [
        '--json',
        'build',
        '--dry-run',
        '-p',
        flag === '--load' ? 'amd64' : 'amd64,arm64',
        '--tag',
        TAG,
        '--push',
        ...args,
        'app',
      ];
      const split = await mpb(w, [...base.slice(0, 3), '--strategy', 'split', ...base.slice(3)]);
      expect(split.exitCode).toBe(2);
      const doc = JSON.parse(split.stdout) as DryRun;
      expect(doc.errors?.[0]?.message).toMatch(why);
      expect(doc.errors?.[0]?.hint).toMatch(/--strategy single/);
      const auto = await mpb(w, base);
      expect(auto.exitCode, auto.stderr).toBe(0);
      expect((JSON.parse(auto.stdout) as DryRun).strategy).toBe('single');
    },
  );
});

describe('a flag the installed buildx lacks: exit 2 before buildx runs, naming the release that added it', () => {
  it.each([
    ['--check', [], '--check needs buildx 0.15.0 or newer'],
    ['--call', ['outline'], '--call needs buildx 0.15.0 or newer'],
    ['--debug', [], '--debug needs buildx 0.17.0 or newer'],
    ['--policy', ['filename=p.rego'], '--policy needs buildx 0.31.0 or newer'],
  ])('%s on buildx 0.13.1', async (flag, value, message) => {
    const w = await setup('0.13.1');
    const r = await mpb(w, ['build', '-p', 'amd64', flag, ...value, 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error: ${message}, and this is buildx 0.13.1\n`);
    expect(r.stderr).toContain('→ Upgrade buildx to');
    expect(buildCalls(w)).toEqual([]);
    expect(w.fake.calls().filter((c) => c[2] === 'create')).toEqual([]);
  });

  it('on buildx 0.29.1 --check runs (single, whatever the strategy asked of auto)', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, ['build', '-p', 'amd64', '--check', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(buildCalls(w)[0]).toContain('--check');
  });
});

describe('an unknown option', () => {
  it('exit 2, and how to pass it to buildx anyway (after --)', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, ['build', '--frobnicate', 'x', 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: unknown option '--frobnicate'\n" +
        '  → mpb build passes the flags of docker buildx build --help itself (see mpb build --help); put any other buildx flag after --, e.g.: mpb build . -- --frobnicate ...\n' +
        '(run with --help for usage)\n',
    );
    expect(w.fake.calls()).toEqual([]);
  });

  it('--json: the error document on stdout, before or after the option', async () => {
    const w = await setup('0.29.1');
    for (const args of [
      ['--json', 'build', '--frobnicate', 'app'],
      ['build', '--frobnicate', '--json', 'app'],
    ]) {
      const r = await mpb(w, args);
      expect(r.exitCode).toBe(2);
      const doc = JSON.parse(r.stdout) as { ok: boolean; errors: { message: string; hint: string }[] };
      expect(doc.ok).toBe(false);
      expect(doc.errors[0]!.message).toBe("unknown option '--frobnicate'");
      expect(doc.errors[0]!.hint).toContain('mpb build . -- --frobnicate');
    }
  });

  it('after -- it goes to buildx as it is', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, ['--json', 'build', '--dry-run', '-p', 'amd64', 'app', '--', '--invoke', 'sh']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as DryRun).jobs[0]!.command).toMatch(/ --invoke sh app$/);
  });
});

describe('--platform local', () => {
  it("is this machine's platform, as buildx takes it", async () => {
    const w = await setup('0.29.1');
    const local = clientPlatform();
    const r = await mpb(w, ['--json', 'build', '--dry-run', '-p', 'local', 'app']);
    const doc = JSON.parse(r.stdout) as DryRun;
    expect(doc.platforms).toEqual([local]);
    // This machine's platform is one the fleet serves (amd64 or arm64) or not: either way `local` was read.
    if (local === 'linux/amd64' || local === 'linux/arm64') {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(doc.jobs[0]!.command).toContain(`--platform ${local} `);
    } else expect(r.exitCode).toBe(3);
  });
});

describe.each(FLOW_VERSIONS)('--load of several platforms on buildx %s', (version) => {
  const args = ['build', '-p', 'amd64,arm64', '--load', '--strategy', 'single', 'app'];

  it("Docker's classic image store: refused, exit 2, with that reason; nothing built", async () => {
    const w = await setup(version, { daemon: true });
    const r = await mpb(w, args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'error: not building: --load of several platforms (linux/amd64, linux/arm64): ',
    );
    expect(r.stderr).toContain(
      version === '0.10.5'
        ? 'buildx 0.10.5 loads one platform only (several need buildx 0.11 or newer)'
        : "the local Docker's image store is the classic overlay2 driver, which holds one platform per image, not containerd",
    );
    expect(buildCalls(w)).toEqual([]);
  });

  it('no Docker daemon: refused, saying docker info could not tell', async () => {
    const w = await setup(version);
    const r = await mpb(w, args);
    expect(r.exitCode).toBe(2);
    if (version !== '0.10.5')
      expect(r.stderr).toContain("could not tell the local Docker's image store (docker info failed: ");
  });

  it('the containerd image store: buildx loads them (0.11+), and the build runs', async () => {
    const w = await setup(version, { daemon: true, imageStore: 'containerd' });
    const r = await mpb(w, args);
    if (version === '0.10.5') {
      expect(r.exitCode).toBe(2);
      return;
    }
    expect(r.exitCode, r.stderr).toBe(0);
    expect(buildCalls(w)[0]).toContain('--load');
    expect(w.fake.state().builds.at(-1)).toMatchObject({ load: true, exitCode: 0 });
  });

  it('one platform: docker is not asked', async () => {
    const w = await setup(version);
    const r = await mpb(w, ['build', '-p', 'amd64', '--load', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.fake.calls().filter((c) => c[1] === 'info')).toEqual([]);
  });
});

describe('a split build gives --iidfile, --metadata-file and -q the merged result', () => {
  it('the index digest in the iidfile and alone on stdout', async () => {
    const w = await setup('0.29.1');
    const r = await mpb(w, [
      'build',
      '--strategy',
      'split',
      '-p',
      'amd64,arm64',
      '-t',
      TAG,
      '--push',
      '--iidfile',
      'id.txt',
      '--metadata-file',
      'meta.json',
      '-q',
      'app',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const digest = w.fake.state().registry[TAG];
    expect(digest).toMatch(/^sha256:/);
    expect(r.stdout).toBe(`${digest}\n`);
    expect(readFileSync(join(w.dir, 'id.txt'), 'utf8')).toBe(digest);
    expect(JSON.parse(readFileSync(join(w.dir, 'meta.json'), 'utf8'))['containerimage.digest']).toBe(digest);
    for (const call of buildCalls(w)) {
      expect(call).not.toContain('--iidfile');
      expect(call).not.toContain('--quiet');
    }
  });
});
