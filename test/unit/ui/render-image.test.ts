import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ImageReport } from '../../../src/buildx/parse/imagetools.js';
import { humanSize, renderImageReport, shortDigest } from '../../../src/ui/render-image.js';

describe('humanSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1625, '1.6 KiB'],
    [5 * 1024 * 1024 + 300_000, '5.3 MiB'],
    [3 * 1024 ** 4, '3072.0 GiB'],
  ])('%d → %s', (bytes, text) => expect(humanSize(bytes)).toBe(text));
});

describe('shortDigest', () => {
  it.each([
    ['sha256:11a125ddd7954dcdb56e343762c519515184c79caf4fafdb37dfb9d725bfd054', 'sha256:11a125ddd795'],
    ['not-a-digest', 'not-a-digest'],
  ])('%s → %s', (digest, short) => expect(shortDigest(digest)).toBe(short));
});

describe('renderImageReport', () => {
  it('Windows OS versions, and attestations that point at no image', () => {
    const m = (hex: string, size: number) => ({ digest: `sha256:${hex.repeat(64)}`, size, mediaType: 'm' });
    const report: ImageReport = {
      ref: 'r:1',
      kind: 'index',
      ...m('a', 2048),
      platforms: [{ platform: 'windows/amd64', osVersion: '10.0.20348', ...m('b', 10), attestations: [] }],
      attestationsUnattached: [m('c', 20)],
    };
    expect(renderImageReport(report, new Chalk({ level: 0 }))).toBe(
      [
        'r:1',
        `index sha256:${'a'.repeat(64)}  2.0 KiB  m`,
        '',
        'PLATFORM                    DIGEST               SIZE  MEDIA TYPE',
        'windows/amd64 (10.0.20348)  sha256:bbbbbbbbbbbb  10 B  m',
        'attestation (no image)      sha256:cccccccccccc  20 B  m',
      ].join('\n'),
    );
  });
});
