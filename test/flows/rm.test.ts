// `mpb rm` against the fake buildx (and the fake Docker engine for local nodes): only declared builders,
// confirmation without a TTY, builders already gone, --all, --keep-state, --dry-run, containers and volumes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDocker, type FakeVersion, runMpb, withFakeDocker } from '../helpers/fake-docker.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

let fake: FakeDocker | undefined;
afterEach(() => fake?.cleanup());

function docker(f: FakeDocker, ...args: string[]): void {
  const r = spawnSync('docker', args, { env: f.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
}

const create = (f: FakeDocker, name: string, port: number) =>
  docker(
    f,
    'buildx',
    'create',
    '--name',
    name,
    '--node',
    `${name}0`,
    '--driver',
    'remote',
    `tcp://127.0.0.1:${port}`,
  );

function writeConfig(f: FakeDocker): string {
  const file = join(f.dir, 'builders.yaml');
  const builder = (name: string, port: number) => `  ${name}:
    driver: remote
    nodes:
      - name: ${name}0
        endpoint: tcp://127.0.0.1:${port}
`;
  writeFileSync(file, `version: 1\nbuilders:\n${builder('alpha', 1234)}${builder('beta', 1235)}`);
  return file;
}

async function setUp(version: FakeVersion) {
  fake = await withFakeDocker({ version, mode: 'path' });
  const config = writeConfig(fake);
  create(fake, 'alpha', 1234);
  create(fake, 'beta', 1235);
  create(fake, 'other', 1236);
  return { f: fake, config };
}

const builders = (f: FakeDocker) => Object.keys(f.state().builders).sort();
const rmCalls = (f: FakeDocker) => f.calls().filter((c) => c[1] === 'buildx' && c[2] === 'rm');
const mpb = (f: FakeDocker, config: string, ...args: string[]) =>
  runMpb(['--config', config, ...args], f.env);

describe.each(VERSIONS)('buildx %s', (version) => {
  it('without --yes and without a terminal: exit 2 with the hint, nothing removed', async () => {
    const { f, config } = await setUp(version);
    const r = await mpb(f, config, 'rm', 'alpha');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('mpb rm asks before removing anything, and stdin is not a terminal');
    expect(r.stderr).toContain('pass --yes to remove "alpha"');
    expect(builders(f)).toEqual(['alpha', 'beta', 'other']);
  });

  it('--yes removes the named builder only', async () => {
    const { f, config } = await setUp(version);
    const r = await mpb(f, config, 'rm', 'alpha', '--yes');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('✓ docker buildx rm alpha\n');
    expect(builders(f)).toEqual(['beta', 'other']);
    expect(rmCalls(f)).toEqual([['docker', 'buildx', 'rm', 'alpha']]);
  });

  it('a builder already gone is not an error, and buildx rm is not called for it', async () => {
    const { f, config } = await setUp(version);
    docker(f, 'buildx', 'rm', 'alpha');
    const r = await mpb(f, config, 'rm', 'alpha');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('builder "alpha" is already gone; nothing to remove\n');
    expect(rmCalls(f)).toHaveLength(1);
  });

  it('removed meanwhile by another run: buildx rm says so (exit 1) and mpb rm still succeeds', async () => {
    const { f, config } = await setUp(version);
    // buildx's own words when the builder vanished between mpb's ls and its rm (capture rm-missing).
    const stderr =
      version === '0.10.5'
        ? 'ERROR: no builder "alpha" found\n'
        : 'failed to remove alpha: no builder "alpha" found\nERROR: failed to remove one or more builders\n';
    f.setState((s) => {
      s.fail = [{ command: 'rm', exit: 1, stderr }];
    });
    const r = await mpb(f, config, '--json', 'rm', 'alpha', '--yes');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, raced: ['docker buildx rm alpha'] });
  });

  it('--all removes every declared builder and leaves undeclared ones; --keep-state is passed on', async () => {
    const { f, config } = await setUp(version);
    const r = await mpb(f, config, 'rm', '--all', '--keep-state', '--yes');
    expect(r.exitCode).toBe(0);
    expect(builders(f)).toEqual(['other']);
    expect(rmCalls(f)).toEqual([
      ['docker', 'buildx', 'rm', '--keep-state', 'alpha'],
      ['docker', 'buildx', 'rm', '--keep-state', 'beta'],
    ]);
  });

  it('an undeclared builder is refused (exit 2), whatever the flags', async () => {
    const { f, config } = await setUp(version);
    const r = await mpb(f, config, 'rm', 'other', '--yes');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('builder "other" is not declared in');
    expect(r.stderr).toContain('mpb only removes builders the config declares');
    expect(builders(f)).toEqual(['alpha', 'beta', 'other']);
  });

  it('--dry-run prints the commands with their reasons and changes nothing', async () => {
    const { f, config } = await setUp(version);
    const r = await mpb(f, config, 'rm', 'alpha', 'beta', '--dry-run');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'Plan (dry run: nothing changed)',
        '# remove builder "alpha"',
        'docker buildx rm alpha',
        '# remove builder "beta"',
        'docker buildx rm beta',
        '',
      ].join('\n'),
    );
    expect(builders(f)).toEqual(['alpha', 'beta', 'other']);
  });
});

// Each case runs ensure-builder first: slower than the others.
describe('a local node: its BuildKit container and state volume', { timeout: 90_000 }, () => {
  const NAME = 'mpb-buildkit-mixed-mac';
  async function ensured() {
    fake = await withFakeDocker({ version: '0.29.1', mode: 'path', daemon: true });
    const file = join(fake.dir, 'builders.yaml');
    writeFileSync(
      file,
      `version: 1
builders:
  mixed:
    driver: remote
    nodes:
      - name: mac
        local: true
        platforms: [linux/arm64]
      - name: amd64
        endpoint: tcp://127.0.0.1:1234
        platforms: [linux/amd64]
`,
    );
    expect((await mpb(fake, file, 'ensure-builder')).exitCode).toBe(0);
    expect(Object.keys(fake.state().containers)).toEqual([NAME]);
    expect(Object.keys(fake.state().volumes)).toEqual([`${NAME}-state`]);
    return { f: fake, file };
  }

  it('rm removes the builder, then the container and its volume', async () => {
    const { f, file } = await ensured();
    const r = await mpb(f, file, '--json', 'rm', 'mixed', '--yes');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).plans[0].actions.map((a: { argv: string[] }) => a.argv)).toEqual([
      ['buildx', 'rm', 'mixed'],
      ['container', 'rm', '--force', NAME],
      ['volume', 'rm', `${NAME}-state`],
    ]);
    expect(f.state().builders).toEqual({});
    expect(f.state().containers).toEqual({});
    expect(f.state().volumes).toEqual({});
  });

  it('rm --keep-state keeps the volume for next time', async () => {
    const { f, file } = await ensured();
    const r = await mpb(f, file, 'rm', 'mixed', '--keep-state', '--yes');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      ['✓ docker buildx rm --keep-state mixed', `✓ docker container rm --force ${NAME}`, ''].join('\n'),
    );
    expect(f.state().containers).toEqual({});
    expect(Object.keys(f.state().volumes)).toEqual([`${NAME}-state`]);
  });
});
