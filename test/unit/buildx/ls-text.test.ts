import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { NO_REASON, parseLsText } from '../../../src/buildx/parse/ls-text.js';
import { capture } from '../../helpers/fake-run.js';
import { LS_TEXT_CASES } from './ls-text-cases.js';
import { builder, node, plats } from './world.js';

const reference = (name: string) =>
  readFileSync(new URL(`../../fixtures/reference/${name}`, import.meta.url), 'utf8');
/** The docs' console blocks start with the `$ docker buildx ls` prompt line. */
const withoutPrompt = (text: string) => text.replace(/^\$ .*\n/, '');

describe('parseLsText on every captured `docker buildx ls` table', () => {
  it.each(LS_TEXT_CASES)('%s %s', (version, name, expected) => {
    const { stdout, stderr, exitCode } = capture(version, name);
    expect(exitCode).toBe(0);
    expect(parseLsText(stdout, stderr)).toStrictEqual({ ok: true, value: expected, unparsed: [] });
  });
});

// The composed reference tables (docs/buildx.md#ls-text-layouts): same sample data in both layouts.
const SOCK = 'unix:///var/run/docker.sock';
const SSH = 'ssh://ubuntu@192.0.2.10';
const AMD64 = plats('linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386');
const QEMU = plats(
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/s390x',
  'linux/386',
  'linux/mips64le',
  'linux/mips64',
  'linux/arm/v7',
  'linux/arm/v6',
);
const running = (name: string, endpoint: string, bk: string, platforms = AMD64) =>
  node({ name, endpoint, status: 'running', buildkitVersion: bk, platforms });
const engine = (bk: string, platforms = AMD64) =>
  builder({ name: 'default', driver: 'docker', nodes: [running('default', 'default', bk, platforms)] });
const dc = (name: string, nodes: BuildxBuilder['nodes'], current = false) =>
  builder({ name, driver: 'docker-container', current, nodes });

const threeBuilders = (bk: string, engineBk: string) => [
  dc(
    'mybuilder',
    [
      running('mybuilder0', SOCK, bk),
      running('mybuilder1', SSH, bk, plats('linux/arm64*', 'linux/arm/v7', 'linux/arm/v6')),
    ],
    true,
  ),
  builder({
    name: 'remote-bk',
    driver: 'remote',
    nodes: [node({ name: 'remote-bk0', endpoint: 'tcp://buildkitd.example.com:1234', status: 'inactive' })],
  }),
  engine(engineBk),
];
const multiarch = (bk: string) =>
  dc(
    'multiarch',
    [
      running('multiarch0', SOCK, bk, QEMU),
      running('multiarch1', SSH, bk, plats('linux/arm64*', 'linux/arm/v7*', 'linux/arm/v6')),
    ],
    true,
  );
const DOCKER_DOWN =
  'Cannot connect to the Docker daemon at unix:///run/user/1000/docker.sock. Is the docker daemon running?';
const errors = (bk: string, why: { node: string; builder: string }) => {
  const broken = dc(
    'broken',
    [
      node({
        name: 'broken0',
        endpoint: 'unix:///run/user/1000/docker.sock',
        status: 'error',
        platformsComplete: false,
        error: why.node,
      }),
    ],
    true,
  );
  const gone = builder({ name: 'gone', driver: 'foo', error: why.builder });
  const stopped = dc('mybuilder', [node({ name: 'mybuilder0', endpoint: SOCK, status: 'stopped' })]);
  // 0.13+ moves builders that failed to load to the end.
  return bk === 'v0.11.6' ? [broken, gone, stopped, engine(bk)] : [broken, stopped, engine(bk), gone];
};
const GIVEN = { node: DOCKER_DOWN, builder: 'failed to find driver "foo"' };

describe('parseLsText on the reference tables', () => {
  it.each<[string, string, BuildxBuilder[]]>([
    ['ls-v0.10-three-builders.stdout.txt', '', threeBuilders('v0.11.6', '20.10.24')],
    ['ls-v0.13-tree.stdout.txt', '', threeBuilders('v0.12.5', 'v0.12.5')],
    ['ls-v0.10-qemu.stdout.txt', '', [multiarch('v0.11.6'), engine('v0.11.6')]],
    ['ls-v0.13-qemu.stdout.txt', '', [multiarch('v0.12.5'), engine('v0.12.5')]],
    ['ls-v0.18-qemu-no-trunc.stdout.txt', '', [multiarch('v0.17.2'), engine('v0.17.2')]],
    ['ls-v0.10-errors.stdout.txt', 'ls-v0.10-errors.stderr.txt', errors('v0.11.6', GIVEN)],
    ['ls-v0.13-errors.stdout.txt', 'ls-v0.13-errors.stderr.txt', errors('v0.12.5', GIVEN)],
    // Without stderr the rows still say `error`, and that no reason was given.
    ['ls-v0.13-errors.stdout.txt', '', errors('v0.12.5', { node: NO_REASON, builder: NO_REASON })],
  ])('%s %s', (stdout, stderr, expected) => {
    const parsed = parseLsText(reference(stdout), stderr ? reference(stderr) : '');
    expect(parsed).toStrictEqual({ ok: true, value: expected, unparsed: [] });
  });

  it('reads the 0.18+ abbreviated lists as their groups, marked incomplete', () => {
    const abbreviated = (platforms: ReturnType<typeof plats>) => ({ platforms, platformsComplete: false });
    const parsed = parseLsText(reference('ls-v0.18-qemu-truncated.stdout.txt'));
    const [arch, engineBuilder] = [multiarch('v0.17.2'), engine('v0.17.2')];
    expect(parsed).toStrictEqual({
      ok: true,
      value: [
        {
          ...arch,
          nodes: [
            {
              ...arch.nodes[0],
              ...abbreviated(plats('linux/amd64', 'linux/arm64', 'linux/arm', 'linux/ppc64le')),
            },
            { ...arch.nodes[1], ...abbreviated(plats('linux/arm64*', 'linux/arm*')) },
          ],
        },
        {
          ...engineBuilder,
          nodes: [{ ...engineBuilder.nodes[0], ...abbreviated(plats('linux/amd64', 'linux/386')) }],
        },
      ],
      unparsed: [],
    });
  });

  it.each([
    ['ls-v0.10.0-docs.console.txt', '20.10.14'],
    ['ls-v0.13.0-docs.console.txt', 'v0.8.2'],
  ])('reads the docs example %s (trailing blanks stripped)', (file, engineBk) => {
    const tesla = dc(
      'elated_tesla',
      [
        running('elated_tesla0', SOCK, 'v0.10.3', plats('linux/amd64')),
        running(
          'elated_tesla1',
          'ssh://ubuntu@1.2.3.4',
          'v0.10.3',
          plats('linux/arm64*', 'linux/arm/v7', 'linux/arm/v6'),
        ),
      ],
      true,
    );
    expect(parseLsText(withoutPrompt(reference(file)))).toStrictEqual({
      ok: true,
      value: [tesla, engine(engineBk, plats('linux/amd64'))],
      unparsed: [],
    });
  });
});

describe('parseLsText on what it cannot read', () => {
  const HEADER = 'NAME/NODE     DRIVER/ENDPOINT      STATUS  BUILDKIT PLATFORMS';
  it.each([
    ['', 1, '', 'header'],
    ['unknown flag: --format\n', 1, 'unknown flag: --format', 'header'],
    [
      `${HEADER}\n  linux-amd64 tcp://127.0.0.1:1234 running v0.11.6  linux/amd64*\n`,
      2,
      '',
      'node row before',
    ],
    [
      `${HEADER}\nbuilder       remote\n  linux-amd64 tcp://127.0.0.1:1234 running v0.11.6  linux/amd64, ???\n`,
      3,
      '',
      '"???"',
    ],
    [`${HEADER}\nbuil der *    remote\n`, 2, 'buil der *    remote', 'builder name'],
    [`${HEADER}\nbuilder       remote               running\n`, 2, '', 'line up'],
  ])('%j → a parse error at line %i', (stdout, line, text, message) => {
    const parsed = parseLsText(stdout);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ kind: 'parse-error', format: 'buildx ls', line });
    expect(parsed.error.text).toBe(text || stdout.split('\n')[line - 1]);
    expect(parsed.error.message).toContain(message);
  });
});
