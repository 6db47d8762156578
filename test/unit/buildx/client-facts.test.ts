// What `docker info` says of the image store, and what `--platform local` means: buildx's readings of both.
import { describe, expect, it } from 'vitest';
import { parsePlatforms } from '../../../src/build/request.js';
import { parseImageStore } from '../../../src/buildx/docker-info.js';
import { clientPlatformOf } from '../../../src/buildx/local-platform.js';

describe('parseImageStore (docker info --format "{{.Driver}} {{json .DriverStatus}}")', () => {
  it.each([
    // Docker's docs (engine/storage/containerd.md): `[[driver-type io.containerd.snapshotter.v1]]`.
    ['overlayfs [["driver-type","io.containerd.snapshotter.v1"]]', { kind: 'containerd' }],
    [
      'overlay2 [["Backing Filesystem","extfs"],["Supports d_type","true"]]',
      { kind: 'classic', driver: 'overlay2' },
    ],
    // A real dockerd 20.10.24 with --storage-driver vfs printed `vfs null`.
    ['vfs null\n', { kind: 'classic', driver: 'vfs' }],
    ['[["driver-type","io.containerd.snapshotter.v1"]]', { kind: 'containerd' }],
    ['[["Backing Filesystem","extfs"]]', { kind: 'classic', driver: '' }],
  ])('%s', (text, expected) => {
    expect(parseImageStore(text)).toEqual(expected);
  });

  it('says what it could not read', () => {
    expect(parseImageStore('overlay2 <no value>')).toMatchObject({ kind: 'unknown' });
    expect(parseImageStore('overlay2 {"a":1}')).toMatchObject({ kind: 'unknown' });
  });
});

describe('--platform local: containerd platforms.DefaultSpec() of the machine buildx runs on', () => {
  it.each([
    [{ platform: 'linux', arch: 'x64' }, 'linux/amd64'],
    [{ platform: 'linux', arch: 'arm64' }, 'linux/arm64'],
    // buildx keeps the client's OS: a Mac's `local` is darwin, not its Docker VM's linux.
    [{ platform: 'darwin', arch: 'arm64' }, 'darwin/arm64'],
    [{ platform: 'win32', arch: 'x64' }, 'windows/amd64'],
    [{ platform: 'linux', arch: 'arm', armVersion: '6' }, 'linux/arm/v6'],
    [{ platform: 'linux', arch: 'arm' }, 'linux/arm/v7'],
    [{ platform: 'linux', arch: 'ia32' }, 'linux/386'],
    [{ platform: 'linux', arch: 'ppc64', endianness: 'LE' as const }, 'linux/ppc64le'],
    [{ platform: 'linux', arch: 's390x' }, 'linux/s390x'],
  ])('%o → %s', (facts, expected) => {
    expect(clientPlatformOf(facts)).toBe(expected);
  });

  it('parsePlatforms reads local (any case) as the given platform, among others, deduplicated', () => {
    expect(parsePlatforms(['local', 'arm64', 'LOCAL', 'linux/amd64'], 'linux/amd64')).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });
});
