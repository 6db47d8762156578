// Which builder a command uses: --builder, MPB_BUILDER, BUILDX_BUILDER, defaultBuilder, the only one, then buildx's
// current builder (undefined here: the caller asks buildx); never a guess.
import { describe, expect, it } from 'vitest';
import {
  choiceLine,
  chosenBuilder,
  declaredChoice,
  findBuilder,
  selectBuilder,
} from '../../../src/config/select.js';
import type { BuilderSpec, ResolvedConfig } from '../../../src/config/types.js';
import { UsageError } from '../../../src/errors.js';

const builder = (name: string): BuilderSpec => ({
  name,
  driver: 'docker-container',
  use: false,
  nodes: [],
  pos: { path: 'builders.yaml', line: 1, column: 1 },
});
const config = (names: string[], defaultBuilder?: string): ResolvedConfig => ({
  file: '/repo/builders.yaml',
  version: 1,
  defaultBuilder,
  builders: names.map(builder),
});

describe('selectBuilder', () => {
  it.each([
    ['--builder wins', config(['a', 'b'], 'a'), 'b', { MPB_BUILDER: 'a' }, 'b'],
    ['then MPB_BUILDER', config(['a', 'b'], 'a'), undefined, { MPB_BUILDER: 'b' }, 'b'],
    ['an empty MPB_BUILDER is not set', config(['a', 'b'], 'a'), undefined, { MPB_BUILDER: '' }, 'a'],
    ['then defaultBuilder', config(['a', 'b'], 'b'), undefined, {}, 'b'],
    ['then the only builder', config(['solo']), undefined, {}, 'solo'],
  ])('%s', (_what, cfg, flag, env, expected) => {
    expect(selectBuilder(cfg, { flag, env }).name).toBe(expected);
  });

  it.each([
    [
      'an undeclared --builder',
      config(['a', 'b']),
      'c',
      {},
      '--builder names "c", which /repo/builders.yaml does not declare',
      'Declared builders: a, b',
    ],
    [
      'an undeclared MPB_BUILDER',
      config(['a']),
      undefined,
      { MPB_BUILDER: 'x' },
      'MPB_BUILDER names "x", which /repo/builders.yaml does not declare',
      'Declared builders: a',
    ],
    [
      'several builders and no default',
      config(['a', 'b']),
      undefined,
      {},
      '/repo/builders.yaml declares 2 builders: which one?',
      'Pass --builder NAME, set MPB_BUILDER, or set defaultBuilder in the file. Declared: a, b',
    ],
  ])('%s is a usage error listing the declared names', (_what, cfg, flag, env, message, hint) => {
    let thrown: unknown;
    try {
      selectBuilder(cfg, { flag, env });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect(thrown).toMatchObject({ message, hint, exitCode: 2 });
  });
});

describe('chosenBuilder', () => {
  it.each([
    ['--builder first', config(['a', 'b'], 'a'), 'c', { MPB_BUILDER: 'a', BUILDX_BUILDER: 'b' }, 'c', 'flag'],
    [
      'MPB_BUILDER before BUILDX_BUILDER',
      config(['a'], 'a'),
      undefined,
      { MPB_BUILDER: 'x', BUILDX_BUILDER: 'y' },
      'x',
      'MPB_BUILDER',
    ],
    [
      'BUILDX_BUILDER before defaultBuilder',
      config(['a', 'b'], 'a'),
      undefined,
      { BUILDX_BUILDER: 'qemu' },
      'qemu',
      'BUILDX_BUILDER',
    ],
    [
      'an empty BUILDX_BUILDER is not set',
      config(['a', 'b'], 'a'),
      undefined,
      { BUILDX_BUILDER: '' },
      'a',
      'defaultBuilder',
    ],
    ['the only declared builder', config(['solo']), undefined, {}, 'solo', 'only-declared'],
    [
      'BUILDX_BUILDER without a config',
      undefined,
      undefined,
      { BUILDX_BUILDER: 'qemu' },
      'qemu',
      'BUILDX_BUILDER',
    ],
  ])('%s', (_what, cfg, flag, env, name, from) => {
    expect(chosenBuilder(cfg, { flag, env })).toEqual({ name, from });
  });

  it.each([
    ['several builders and no default', config(['a', 'b'])],
    ['no config file', undefined],
  ])("%s: undefined, buildx's current builder decides", (_what, cfg) => {
    expect(chosenBuilder(cfg, { flag: undefined, env: {} })).toBeUndefined();
  });

  it('says the choice and where it came from in one line', () => {
    expect(choiceLine({ name: 'fleet', from: 'BUILDX_BUILDER' })).toBe('builder fleet (from BUILDX_BUILDER)');
  });

  it("buildx's current builder that the file does not declare is a usage error that says so", () => {
    expect(() => declaredChoice(config(['a', 'b']), { name: 'default', from: 'buildx-current' })).toThrow(
      /declares 2 builders and no defaultBuilder, and buildx's current builder "default" is not one of them/,
    );
  });
});

describe('findBuilder', () => {
  it('finds by exact name, or gives undefined', () => {
    expect(findBuilder(config(['a', 'b']), 'b')?.name).toBe('b');
    expect(findBuilder(config(['a', 'b']), 'B')).toBeUndefined();
  });
});
