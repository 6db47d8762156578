import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDriverOpts, unquoteGo } from '../../../src/buildx/parse/driver-opts.js';
import { activityOf, parsePlatformCell } from '../../../src/buildx/parse/text.js';
import { plats } from './world.js';

// buildx's own TestTruncPlatforms cases (commands/ls_test.go@v0.18.0): the input list, and the cell 0.18+ prints.
const TSV = readFileSync(
  new URL('../../fixtures/reference/ls-v0.18.0-truncplatforms-cases-from-ls_test.go.tsv', import.meta.url),
  'utf8',
);
const TRUNC_CASES = TSV.split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string, string]);

describe('parsePlatformCell', () => {
  it.each(TRUNC_CASES)('%s: the full list reads back exactly, pins included', (_name, input) => {
    expect(parsePlatformCell(input.replaceAll(',', ', '))).toStrictEqual({
      entries: plats(...input.split(',')),
      complete: true,
    });
  });

  // The groups each abbreviated cell keeps: os/arch heads, `*` when some member is pinned.
  const HEADS: Record<string, string[]> = {
    'arm64 preferred and emulated': ['linux/amd64', 'linux/arm64*', 'linux/arm', 'linux/ppc64le'],
    'riscv64 preferred only': ['linux/riscv64*'],
    'amd64 no preferred and emulated': ['linux/amd64', 'linux/arm64', 'linux/arm', 'linux/ppc64le'],
    'amd64 no preferred': ['linux/amd64', 'linux/386'],
    'arm64 no preferred': ['linux/arm64', 'linux/arm'],
    'all preferred': ['linux/arm64*', 'linux/arm*', 'darwin/arm64*', 'windows/arm64*'],
    'no major preferred': ['linux/amd64*', 'linux/arm64', 'linux/arm*', 'linux/ppc64le'],
    'no major with multiple variants': ['linux/arm64', 'linux/arm', 'linux/mips64le'],
  };
  it.each(TRUNC_CASES)('%s: the abbreviated cell reads as its groups', (name, _input, _max, cell) => {
    const abbreviated = cell.includes('(');
    expect(parsePlatformCell(cell)).toStrictEqual({
      entries: plats(...HEADS[name]!),
      complete: !abbreviated,
    });
  });

  it.each(['linux/amd64,linux/arm64', 'linux/amd64, (more)', 'Linux/AMD64', 'linux/amd64 *', 'amd64'])(
    'refuses %j',
    (cell) => {
      expect(parsePlatformCell(cell)).toMatch(/^not a platform: /);
    },
  );
});

describe('parseDriverOpts', () => {
  it.each<[string, Record<string, string>]>([
    ['', {}],
    ['default-load="true" network="host"', { 'default-load': 'true', network: 'host' }],
    ['env.BUILDKIT_STEP_LOG_MAX_SIZE="10485760"', { 'env.BUILDKIT_STEP_LOG_MAX_SIZE': '10485760' }],
    // Go %q: quotes, backslashes, control characters and non-printables come back escaped.
    [
      String.raw`k="a \"q\" b\\c" t="1\t2\n" x="\x41\u00e9\U0001F600\101"`,
      { k: 'a "q" b\\c', t: '1\t2\n', x: 'A\u00e9\u{1F600}A' },
    ],
    ['cacert="/a b/ca.pem" key="p=q"', { cacert: '/a b/ca.pem', key: 'p=q' }],
  ])('%s', (value, expected) => {
    expect(parseDriverOpts(value)).toStrictEqual(expected);
  });

  it('gives the keys sorted: inspect prints them in Go map order, different from one run to the next', () => {
    const [one, other] = [
      'cacert="/c/ca.pem" cert="/c/cert.pem" key="/c/key.pem"',
      'key="/c/key.pem" cacert="/c/ca.pem" cert="/c/cert.pem"',
    ].map((v) => JSON.stringify(parseDriverOpts(v)));
    expect(one).toBe(other);
    expect(Object.keys(JSON.parse(one!))).toEqual(['cacert', 'cert', 'key']);
  });

  it.each(['key=bare', 'k="unterminated', 'k="v"x="w"', '="v"'])('refuses %j', (value) => {
    expect(parseDriverOpts(value)).toMatch(/^driver options: cannot read from /);
  });

  it('leaves an escape beyond Unicode as written instead of throwing', () => {
    expect(unquoteGo(String.raw`\UFFFFFFFF`)).toBe(String.raw`\UFFFFFFFF`);
  });
});

describe('activityOf', () => {
  it.each([
    ['2026-11-28 01:13:16 +0000 UTC', '2026-11-28T01:13:16Z'],
    ['2026-11-28 01:13:16.5 +0000 UTC', '2026-11-28T01:13:16.5Z'],
    ['2026-11-28T01:13:16Z', '2026-11-28T01:13:16Z'],
    ['0001-01-01T00:00:00Z', undefined],
    ['', undefined],
    [undefined, undefined],
    ['2022-11-30 12:42:47 +0100 CET', '2022-11-30 12:42:47 +0100 CET'],
  ])('%j → %j', (printed, expected) => {
    expect(activityOf(printed)).toBe(expected);
  });
});
