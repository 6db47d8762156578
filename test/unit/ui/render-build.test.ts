import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../src/core/routing.js';
import { formatDuration, renderRoutes, renderSummary } from '../../../src/ui/render-build.js';

const c = new Chalk({ level: 0 });
const routes: Route[] = [
  { platform: 'linux/amd64', node: 'linux-amd64', verdict: 'native', nodeDown: false },
  { platform: 'linux/arm64', node: 'mac', verdict: 'emulated', nodeDown: false },
  { platform: 'linux/riscv64', node: 'linux-amd64', verdict: 'not-served', nodeDown: false },
  { platform: 'linux/s390x', node: 'dead0', verdict: 'native', nodeDown: true },
  { platform: 'linux/ppc64le', node: undefined, verdict: 'not-served', nodeDown: false },
];

describe('renderRoutes', () => {
  it('shows each platform, its node and how it is built', () => {
    expect(renderRoutes(routes, c)).toEqual([
      'PLATFORM       NODE         BUILD',
      'linux/amd64    linux-amd64  native',
      'linux/arm64    mac          emulated (QEMU)',
      'linux/riscv64  linux-amd64  not served',
      'linux/s390x    dead0        native, node down',
      'linux/ppc64le  -            not served',
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [12_345, '12.3 s'],
    [59_940, '59.9 s'],
    [245_000, '4 min 05 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('renderSummary', () => {
  it('names the images, the digest from the metadata file, and each platform with its node', () => {
    expect(
      renderSummary(
        {
          builder: 'builder',
          images: ['localhost:5000/capture/hello:0.29.1'],
          // capture v0.29.1 build-push.metadata.json
          digest: 'sha256:7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0',
          routes: routes.slice(0, 2),
          durationMs: 12_345,
        },
        c,
      ),
    ).toEqual([
      '✓ built on builder "builder" in 12.3 s',
      '  image   localhost:5000/capture/hello:0.29.1',
      '  digest  sha256:7b4c02f9146c99f56c32855a3f170fd3a6fa9ecc2dbcaba36d506f8e28d41ee0',
      '  PLATFORM     NODE         BUILD',
      '  linux/amd64  linux-amd64  native',
      '  linux/arm64  mac          emulated (QEMU)',
    ]);
  });

  it('a build that exported nothing: the result is in the build cache only, the tag names no image, and what to add', () => {
    expect(
      renderSummary(
        {
          builder: 'builder',
          images: ['app:1'],
          digest: undefined,
          routes: [],
          durationMs: 850,
          cacheOnly: true,
        },
        c,
      ),
    ).toEqual([
      '✓ built on builder "builder" in 850 ms: the result is in the build cache only',
      '  nothing exported it (no --push, --load or --output). To get the image out,',
      '  build again with --push (and -t REPO:TAG), --load or -o type=oci,dest=FILE.',
      '  tag  app:1 (not exported)',
    ]);
  });

  it('leaves out what the build did not produce', () => {
    expect(
      renderSummary({ builder: 'b', images: [], digest: undefined, routes: [], durationMs: 850 }, c),
    ).toEqual(['✓ built on builder "b" in 850 ms']);
  });
});
