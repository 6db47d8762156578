// The runner stopping a child on abort, with real processes: `docker buildx` is docker plus its plugin, and docker
// does not pass SIGINT on (docs/buildx.md#signals-to-the-plugin). A shell that ignores SIGINT and waits on its
// own child stands in for them: aborting must end both, not leave the child behind.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../src/buildx/exec.js';

/** The processes whose command line starts with `text`. */
function processesRunning(text: string): string[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return cmdline.startsWith(text) ? [cmdline] : [];
      } catch {
        return []; // ended meanwhile
      }
    });
}

describe.skipIf(process.platform !== 'linux')('createRunner: an aborted run', () => {
  it('ends the child and what it started, even when the child ignores SIGINT', async () => {
    // A fraction no other process on the machine sleeps for, so only this test's sleep matches.
    const seconds = `60.${process.pid}`;
    const stop = new AbortController();
    const running = createRunner()('sh', ['-c', `trap '' INT; sleep ${seconds}; :`], {
      signal: stop.signal,
      abortGraceMs: 300,
      timeoutMs: 0,
      // As a build runs: no pipes, so the run ends when the shell does, whatever it left behind.
      stdio: 'inherit',
    });
    for (let i = 0; i < 100 && processesRunning(`sleep ${seconds}`).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processesRunning(`sleep ${seconds}`)).toHaveLength(1);
    stop.abort();
    const r = await running;
    expect(r.exitCode).not.toBe(0);
    // SIGKILL is delivered, not awaited: give the kernel a moment (on a loaded machine) before looking.
    for (let i = 0; i < 100 && processesRunning(`sleep ${seconds}`).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processesRunning(`sleep ${seconds}`)).toEqual([]);
  });
});
