// "did you mean" for a text that is not a platform: Docker Hub's names, other separators, near misses.
import { describe, expect, it } from 'vitest';
import { normalizePlatform } from '../../../src/buildx/platform.js';
import { nearValue } from '../../../src/config/schema-issues.js';
import { suggestPlatform } from '../../../src/config/suggest-platform.js';

describe('suggestPlatform', () => {
  it.each([
    ['arm64v8', 'linux/arm64'],
    ['arm32v7', 'linux/arm/v7'],
    ['linux/arm64v8', 'linux/arm64'],
    ['armv7l', 'linux/arm/v7'],
    ['linux-amd64', 'linux/amd64'],
    ['linux_x86_64', 'linux/amd64'],
    ['linux-aarch64', 'linux/arm64'],
    ['linux-armhf', 'linux/arm/v7'],
    ['amd65', 'linux/amd64'],
    ['linux/arm46', 'linux/arm64'],
  ])('%s → %s', (text, platform) => {
    expect(normalizePlatform(text)).toBeUndefined();
    expect(suggestPlatform(text)).toBe(platform);
  });

  it('the uname names are platforms already: x86_64, aarch64, armhf', () => {
    expect(['x86_64', 'aarch64', 'armhf'].map(normalizePlatform)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
    ]);
  });

  it('suggests nothing far from any platform', () => {
    expect(suggestPlatform('potato')).toBeUndefined();
  });
});

describe('nearValue', () => {
  const drivers = ['docker-container', 'remote', 'kubernetes'];
  it.each([
    ['docker_container', 'docker-container'],
    ['Docker-Container', 'docker-container'],
    ['dockercontainer', 'docker-container'],
    ['remot', 'remote'],
    ['kubernets', 'kubernetes'],
  ])('%s → %s', (text, value) => {
    expect(nearValue(text, drivers)).toBe(value);
  });
  it('nothing for a value far from all', () => {
    expect(nearValue('docker', drivers)).toBeUndefined();
  });
});
