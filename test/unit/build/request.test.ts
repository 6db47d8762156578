import { describe, expect, it } from 'vitest';
import { parsePlatforms, splitOperands } from '../../../src/build/request.js';

describe('splitOperands', () => {
  // What commander hands runBuild for each command line: [context, buildxArgs].
  it.each<[string, string, string[], { context: string; extra: string[] }]>([
    ['mpb build', '.', [], { context: '.', extra: [] }],
    ['mpb build app', 'app', [], { context: 'app', extra: [] }],
    [
      'mpb build app -- --attest type=sbom',
      'app',
      ['--attest', 'type=sbom'],
      { context: 'app', extra: ['--attest', 'type=sbom'] },
    ],
    ['mpb build -- --foo', '--foo', [], { context: '.', extra: ['--foo'] }],
    ['mpb build -- --shm-size 2g', '--shm-size', ['2g'], { context: '.', extra: ['--shm-size', '2g'] }],
    ['mpb build - (the context from stdin)', '-', [], { context: '-', extra: [] }],
  ])('%s', (_line, context, rest, expected) => {
    expect(splitOperands(context, rest)).toEqual(expected);
  });
});

describe('parsePlatforms', () => {
  it('normalises and deduplicates; a near miss is a usage error saying what it probably means', () => {
    expect(parsePlatforms(['amd64', 'linux/arm64/v8', 'linux/amd64'])).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(() => parsePlatforms(['arm64v8'])).toThrow(
      '--platform: "arm64v8" is not a platform: did you mean linux/arm64?',
    );
    expect(() => parsePlatforms(['banana'])).toThrow(/^--platform: "banana" is not a platform$/);
  });
});
