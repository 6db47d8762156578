import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDirOf, withLock } from '../../../src/state/lock.js';

describe('builder lock', () => {
  it('lives beside buildx state', () => {
    expect(lockDirOf({ BUILDX_CONFIG: '/x/buildx' })).toBe('/x/buildx/mpb-locks');
    expect(lockDirOf({ DOCKER_CONFIG: '/d' })).toBe('/d/buildx/mpb-locks');
  });

  it('waits for a live holder, then gives up with exit 3 and the holder named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-lock-'));
    const owner = { pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, 'fleet.lock'), JSON.stringify(owner));
    const waits: unknown[] = [];
    const attempt = withLock(
      dir,
      'fleet',
      { waitMs: 300, staleMs: 60_000, onWait: (o) => waits.push(o) },
      async () => 1,
    );
    await expect(attempt).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    expect(waits).toEqual([owner]);
  });

  it('releases the lock when the work throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-lock-'));
    await expect(
      withLock(dir, 'fleet', { waitMs: 100, staleMs: 60_000 }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(join(dir, 'fleet.lock'))).toBe(false);
  });
});
