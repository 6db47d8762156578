// The builder lock across real processes: several mpb processes (the built dist/) and a holder that has exited.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isStale, withLock } from '../../../src/state/lock.js';

const run = promisify(execFile);
const DIST_LOCK = new URL('../../../dist/state/lock.js', import.meta.url).href;

describe('builder lock, across processes', () => {
  it('serialises holders across processes: no two critical sections overlap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-lock-'));
    const journal = join(dir, 'journal');
    writeFileSync(journal, '');
    // Each process appends "start" and "end" around a short critical section under the lock.
    const script = `
      import { appendFileSync } from 'node:fs';
      const { withLock } = await import(${JSON.stringify(DIST_LOCK)});
      await withLock(${JSON.stringify(dir)}, 'fleet', { waitMs: 20000, staleMs: 60000 }, async () => {
        appendFileSync(${JSON.stringify(journal)}, 'start ' + process.pid + '\\n');
        await new Promise((r) => setTimeout(r, 30));
        appendFileSync(${JSON.stringify(journal)}, 'end ' + process.pid + '\\n');
      });`;
    await Promise.all(
      Array.from({ length: 6 }, () => run(process.execPath, ['--input-type=module', '-e', script])),
    );
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(12);
    for (let i = 0; i < lines.length; i += 2) {
      const [, pid] = lines[i]!.split(' ');
      expect(lines[i]).toBe(`start ${pid}`);
      expect(lines[i + 1]).toBe(`end ${pid}`);
    }
    expect(existsSync(join(dir, 'fleet.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-lock-'));
    const path = join(dir, 'fleet.lock');
    const { stdout } = await run(process.execPath, ['-e', 'console.log(process.pid)']); // a pid that has exited
    const owner = { pid: Number(stdout), host: hostname(), since: new Date().toISOString() };
    writeFileSync(path, JSON.stringify(owner));
    expect(isStale(path, owner, 60_000)).toBe(true);
    const value = await withLock(dir, 'fleet', { waitMs: 2_000, staleMs: 60_000 }, async () => 'ran');
    expect(value).toBe('ran');
  });
});
