// Platform names in containerd's normal form: the config, --platform and --expect-platforms all use these.
import { describe, expect, it } from 'vitest';
import {
  normalizePlatform,
  normalizePlatforms,
  PLATFORM_PATTERN,
  printedPlatform,
} from '../../../src/buildx/platform.js';

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
    ['linux/arm64/9.0', 'linux/arm64/v9'],
    ['linux/arm64/v8.0', 'linux/arm64'],
    ['linux/arm64/v8.2', 'linux/arm64/v8.2'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/arm', 'linux/arm/v7'],
    ['arm', 'linux/arm/v7'],
    ['arm/v6', 'linux/arm/v6'],
    ['armhf', 'linux/arm/v7'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['armel', 'linux/arm/v6'],
    ['linux/amd64/2', 'linux/amd64/v2'],
    ['i686', 'linux/386'],
    ['linux/ppc64', 'linux/ppc64'],
    ['linux/loong64', 'linux/loong64'],
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

describe('printedPlatform: an OCI platform as buildx prints it (containerd Normalize, then Format)', () => {
  const oci = (os: string, architecture: string, variant?: string) => ({ os, architecture, variant });
  it.each([
    // BuildKit's worker list with every QEMU emulator registered: 32-bit Arm without a variant.
    [oci('linux', 'arm'), 'linux/arm/v7'],
    [oci('linux', 'arm', 'v6'), 'linux/arm/v6'],
    [oci('linux', 'ppc64'), 'linux/ppc64'],
    [oci('linux', 'loong64'), 'linux/loong64'],
    [oci('linux', 'amd64', 'v2'), 'linux/amd64/v2'],
    [oci('linux', 'amd64', 'v1'), 'linux/amd64'],
    [oci('linux', 'arm64', 'v8'), 'linux/arm64'],
    [oci('linux', 'arm64', '8'), 'linux/arm64'],
    [oci('linux', 'aarch64'), 'linux/arm64'],
    [oci('linux', 'x86_64'), 'linux/amd64'],
    [oci('linux', 'x86-64'), 'linux/amd64'],
    [oci('linux', 'i386'), 'linux/386'],
    [oci('linux', 'armhf'), 'linux/arm/v7'],
    [oci('linux', 'armel'), 'linux/arm/v6'],
    [oci('linux', 'arm', '7'), 'linux/arm/v7'],
    [oci('linux', 'arm', '5'), 'linux/arm/v5'],
    [oci('Linux', 'AMD64', 'V3'), 'linux/amd64/v3'],
    [oci('macos', 'arm64'), 'darwin/arm64'],
    [oci('linux', 'arm64', 'v8.2'), 'linux/arm64/v8.2'],
  ])('%j → %s', (p, expected) => expect(printedPlatform(p)).toBe(expected));

  it.each([
    // buildx 0.13 … 0.19 print these as they come, 0.20 … 0.29 as linux/arm64 or linux/arm64/v9.
    oci('linux', 'arm64', 'v8.0'),
    oci('linux', 'arm64', '9'),
    oci('linux', 'aarch64', 'v9.0'),
    // buildx prints `linux/amd64/2`, which mpb writes `linux/amd64/v2`.
    oci('linux', 'amd64', '2'),
    // containerd keeps i686 and an unknown arch as they are; mpb does not know them.
    oci('linux', 'i686'),
    oci('linux', 'sparc64'),
    oci('', 'amd64'),
    oci('plan10', 'amd64'),
    oci('linux', ''),
  ])('%j: not certain to be buildx’s text and mpb’s', (p) => expect(printedPlatform(p)).toBeUndefined());

  it('is mpb’s form wherever it answers', () => {
    for (const arch of ['arm', 'arm64', 'amd64', 'aarch64', 'armhf', '386', 'riscv64'])
      for (const variant of [undefined, 'v5', 'v6', 'v7', 'v8', '8', 'v9', 'v2']) {
        const text = printedPlatform(oci('linux', arch, variant));
        if (text !== undefined) expect(normalizePlatform(text)).toBe(text);
      }
  });
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
