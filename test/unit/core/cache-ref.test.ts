import { describe, expect, it } from 'vitest';
import { cacheFlagsOf, cacheTagOf, checkCacheRef } from '../../../src/core/cache-ref.js';

describe('cacheTagOf', () => {
  it.each([
    ['linux/amd64', 'reg:5000/app/cache:linux-amd64'],
    ['linux/arm64', 'reg:5000/app/cache:linux-arm64'],
    ['linux/arm/v7', 'reg:5000/app/cache:linux-arm-v7'],
  ])('%s → %s', (platform, ref) => {
    expect(cacheTagOf('reg:5000/app/cache', platform)).toBe(ref);
  });
});

describe('cacheFlagsOf', () => {
  it('reads and writes one registry cache per platform, mode=max', () => {
    expect(cacheFlagsOf('localhost:5000/cache', ['linux/amd64'])).toEqual({
      cacheFrom: ['type=registry,ref=localhost:5000/cache:linux-amd64'],
      cacheTo: ['type=registry,ref=localhost:5000/cache:linux-amd64,mode=max'],
    });
  });
  it('a job of two platforms writes its cache to both refs and reads both', () => {
    expect(cacheFlagsOf('c', ['linux/amd64', 'linux/riscv64'])).toEqual({
      cacheFrom: ['type=registry,ref=c:linux-amd64', 'type=registry,ref=c:linux-riscv64'],
      cacheTo: ['type=registry,ref=c:linux-amd64,mode=max', 'type=registry,ref=c:linux-riscv64,mode=max'],
    });
  });
});

describe('checkCacheRef', () => {
  it.each([
    ['localhost:5000/app/cache', { ok: true, repo: 'localhost:5000/app/cache' }],
    ['ghcr.io/me/cache', { ok: true, repo: 'ghcr.io/me/cache' }],
  ])('accepts the repository %s', (text, expected) => {
    expect(checkCacheRef(text)).toEqual(expected);
  });
  it.each([
    ['localhost:5000/app/cache:v1', /Write the repository alone: --cache-ref localhost:5000\/app\/cache$/],
    ['ghcr.io/me/cache@sha256:abc', /--cache-ref ghcr\.io\/me\/cache$/],
    ['', /e\.g\./],
  ])('refuses %j', (text, hint) => {
    const check = checkCacheRef(text);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.hint).toMatch(hint);
  });
});
