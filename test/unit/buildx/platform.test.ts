// Platform names in containerd's normal form: the config, --platform and --expect-platforms all use these.
import { describe, expect, it } from 'vitest';
import { normalizePlatform, normalizePlatforms, PLATFORM_PATTERN } from '../../../src/buildx/platform.js';

describe('normalizePlatform', () => {
  it.each([
    ['linux/amd64', 'linux/amd64'],
    ['amd64', 'linux/amd64'],
    ['x86_64', 'linux/amd64'],
    ['linux/x86-64', 'linux/amd64'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/amd64/v2', 'linux/amd64/v2'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['arm64', 'linux/arm64'],
    ['aarch64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['arm64/v8', 'linux/arm64'],
    ['linux/arm64/8', 'linux/arm64'],
    ['linux/arm64/v9', 'linux/arm64/v9'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/arm', 'linux/arm/v7'],
    ['arm', 'linux/arm/v7'],
    ['arm/v6', 'linux/arm/v6'],
    ['armhf', 'linux/arm/v7'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['386', 'linux/386'],
    ['i386', 'linux/386'],
    ['linux/riscv64', 'linux/riscv64'],
    ['linux/s390x', 'linux/s390x'],
    ['linux/ppc64le', 'linux/ppc64le'],
    ['windows/amd64', 'windows/amd64'],
    [' LINUX/AMD64 ', 'linux/amd64'],
  ])('%j → %s', (text, expected) => expect(normalizePlatform(text)).toBe(expected));

  it.each([
    '',
    'linux',
    'unknown',
    'linux/',
    '/amd64',
    'linux/amd46',
    'linus/amd64',
    'linux/amd64/v2/x',
    'linux/arm/seven',
    'linux//amd64',
    'linux/amd64;reboot',
    'linux/amd64\n',
    '$(reboot)',
  ])('%j is not a platform', (text) => expect(normalizePlatform(text)).toBeUndefined());
});

describe('normalizePlatforms', () => {
  it('normalises, keeps the first of duplicates and returns the rest apart', () => {
    expect(normalizePlatforms(['amd64', 'linux/arm64/v8', 'linux/amd64', 'linux/arm64', 'nope'])).toEqual({
      platforms: ['linux/amd64', 'linux/arm64'],
      invalid: ['nope'],
    });
  });
});

describe('PLATFORM_PATTERN (the editor schema)', () => {
  const re = new RegExp(PLATFORM_PATTERN, 'u');
  it.each([
    'amd64',
    'linux/amd64',
    'LINUX/X86_64',
    ' linux/arm/v7 ',
    'arm64/v8',
    'windows/amd64/v2',
    'linux/x86-64',
    'linux/arm/7',
    'linux/arm/v7.1',
    'aarch64/v8',
    'js/wasm',
    'armhf',
    'linux',
    'linux/amd46',
    'linux/amd64/',
    '/amd64',
    'linux//amd64',
    'linux/arm64/v8/x',
    'linux/arm/x7',
    'linux/amd64,linux/arm64',
  ])('agrees with normalizePlatform on %j', (text) => {
    expect(re.test(text)).toBe(normalizePlatform(text) !== undefined);
  });
});
