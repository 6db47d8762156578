// `mpb rm` against the fake buildx (and the fake Docker engine for local nodes): only declared builders,
// confirmation without a TTY, builders already gone, --all, --keep-state, --dry-run, containers and volumes.
import { describe, expect, it } from 'vitest';
import type { FakeVersion } from '../helpers/fake-docker.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { FLOW_VERSIONS as VERSIONS } from '../helpers/versions.js';

const builder = (name: string, port: number) => `  ${name}:
    driver: remote
    nodes:
      - name: ${name}0
        endpoint: tcp://127.0.0.1:${port}
`;

/** alpha and beta declared, other not; all three made. */
async function setUp(version: FakeVersion) {
  const config = `version: 1\nbuilders:\n${builder('alpha', 1234)}${builder('beta', 1235)}`;
  const w = await flowWorld({ version, mode: 'path', config });
  for (const [name, port] of [
    ['alpha', 1234],
    ['beta', 1235],
    ['other', 1236],
  ] as const)
    w.docker(
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
  return w;
}

const builders = (w: FlowWorld) => Object.keys(w.fake.state().builders).sort();
const mpb = (w: FlowWorld, ...args: string[]) => w.mpb(args);

describe.each(VERSIONS)('buildx %s', (version) => {
  it('without --yes and without a terminal: exit 2 with the hint, nothing removed', async () => {
    const w = await setUp(version);
    const r = await mpb(w, 'rm', 'alpha');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('mpb rm asks before removing anything, and stdin is not a terminal');
    expect(r.stderr).toContain('pass --yes to remove "alpha"');
    expect(builders(w)).toEqual(['alpha', 'beta', 'other']);
  });

  it('--yes removes the named builder only', async () => {
    const w = await setUp(version);
    const r = await mpb(w, 'rm', 'alpha', '--yes');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('✓ docker buildx rm alpha\n');
    expect(builders(w)).toEqual(['beta', 'other']);
    expect(w.buildxCalls('rm')).toEqual([['docker', 'buildx', 'rm', 'alpha']]);
  });

  it('a builder already gone is not an error, and buildx rm is not called for it', async () => {
    const w = await setUp(version);
    w.docker('buildx', 'rm', 'alpha');
    const r = await mpb(w, 'rm', 'alpha');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('builder "alpha" is already gone; nothing to remove\n');
    expect(w.buildxCalls('rm')).toHaveLength(1);
  });

  it('removed meanwhile by another run: buildx rm says so (exit 1) and mpb rm still succeeds', async () => {
    const w = await setUp(version);
    // buildx's own words when the builder vanished between mpb's ls and its rm (capture rm-missing).
    const stderr =
      version === '0.10.5'
        ? 'ERROR: no builder "alpha" found\n'
        : 'failed to remove alpha: no builder "alpha" found\nERROR: failed to remove one or more builders\n';
    w.fake.setState((s) => {
      s.fail = [{ command: 'rm', exit: 1, stderr }];
    });
    const r = await mpb(w, '--json', 'rm', 'alpha', '--yes');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, raced: ['docker buildx rm alpha'] });
  });

  it('--all removes every declared builder and leaves undeclared ones; --keep-state is passed on', async () => {
    const w = await setUp(version);
    const r = await mpb(w, 'rm', '--all', '--keep-state', '--yes');
    expect(r.exitCode).toBe(0);
    expect(builders(w)).toEqual(['other']);
    expect(w.buildxCalls('rm')).toEqual([
      ['docker', 'buildx', 'rm', '--keep-state', 'alpha'],
      ['docker', 'buildx', 'rm', '--keep-state', 'beta'],
    ]);
  });

  it('an undeclared builder is refused (exit 2), whatever the flags', async () => {
    const w = await setUp(version);
    const r = await mpb(w, 'rm', 'other', '--yes');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('builder "other" is not declared in');
    expect(r.stderr).toContain('mpb only removes builders the config declares');
    expect(builders(w)).toEqual(['alpha', 'beta', 'other']);
  });

  it('--dry-run prints the commands with their reasons and changes nothing', async () => {
    const w = await setUp(version);
    const r = await mpb(w, 'rm', 'alpha', 'beta', '--dry-run');
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
    expect(builders(w)).toEqual(['alpha', 'beta', 'other']);
  });
});

// Each case runs ensure-builder first: slower than the others.
describe('a local node: its BuildKit container and state volume', { timeout: 90_000 }, () => {
  const NAME = 'mpb-buildkit-mixed-mac';
  async function ensured() {
    const w = await flowWorld({
      version: '0.29.1',
      mode: 'path',
      daemon: true,
      config: `version: 1
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
    });
    expect((await mpb(w, 'ensure-builder')).exitCode).toBe(0);
    expect(Object.keys(w.fake.state().containers)).toEqual([NAME]);
    expect(Object.keys(w.fake.state().volumes)).toEqual([`${NAME}-state`]);
    return w;
  }

  it('rm removes the builder, then the container and its volume', async () => {
    const w = await ensured();
    const r = await mpb(w, '--json', 'rm', 'mixed', '--yes');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).plans[0].actions.map((a: { argv: string[] }) => a.argv)).toEqual([
      ['buildx', 'rm', 'mixed'],
      ['container', 'rm', '--force', NAME],
      ['volume', 'rm', `${NAME}-state`],
    ]);
    expect(w.fake.state().builders).toEqual({});
    expect(w.fake.state().containers).toEqual({});
    expect(w.fake.state().volumes).toEqual({});
  });

  it('rm --keep-state keeps the volume for next time', async () => {
    const w = await ensured();
    const r = await mpb(w, 'rm', 'mixed', '--keep-state', '--yes');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      ['✓ docker buildx rm --keep-state mixed', `✓ docker container rm --force ${NAME}`, ''].join('\n'),
    );
    expect(w.fake.state().containers).toEqual({});
    expect(Object.keys(w.fake.state().volumes)).toEqual([`${NAME}-state`]);
  });
});
