// Ctrl-C in the middle of a real split build (issue 21): two real BuildKit v0.32.2 daemons over mutual TLS, real
// buildx 0.29.1, a real registry. mpb gets SIGINT while the amd64 job's RUN step holds on its daemon; it must
// exit 130 and leave no temp folder, no buildx process and no tag. What ran is read from the daemons' disks,
// what is left from /proc and the registry's HTTP API, never from mpb's words.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { MPB_BIN, ROOT } from '../helpers/built-cli.js';
import { truthNonce, truthSteps, waitForStep } from '../helpers/daemon-truth.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { writeRemoteConfig } from '../helpers/real-remote.js';
import { tagsOf } from '../helpers/registry.js';
import { itUnless } from '../helpers/skip.js';

const AMD64 = 'linux/amd64';
const ARM64 = 'linux/arm64';

const world = await e2eWorld({
  qemu: [ARM64],
  daemons: [
    { name: 'alpha', platform: AMD64 },
    { name: 'bravo', platform: ARM64 },
  ],
  suites: ['sid'],
});
const sid = world.suite('sid');

/** The processes whose command line holds `text` (the build's context folder names every buildx of it). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmdline.includes(text) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z')
        found.push(`${pid}: ${cmdline}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

describe('Ctrl-C during a real split build', () => {
  let env: NodeJS.ProcessEnv;
  let config = '';

  beforeAll(async () => {
    if (sid.skip) return;
    env = sid.dockerEnv().env;
    // writeRemoteConfig names certs/ beside the file: the kit's dir holds them.
    config = join(world.kit.dir, 'interrupt.yaml');
    await writeRemoteConfig(config, 'interrupt', [
      { name: 'alpha', port: world.daemon('alpha').port, platforms: [AMD64] },
      { name: 'bravo', port: world.daemon('bravo').port, platforms: [ARM64] },
    ]);
  });

  itUnless(sid.skip, 300_000)(
    'exits 130 and leaves no temp folder, no buildx process and no tag',
    async () => {
      const { kit, base } = world;
      const nonce = truthNonce();
      const context = world.temp('mpb-e2e-interrupt-');
      const tmp = join(context, 'tmp');
      await mkdir(tmp);
      const hold = { platform: AMD64, seconds: 120 };
      await writeFile(join(context, 'Dockerfile'), `FROM ${base.image}\n${truthSteps(nonce, hold)}\n`);
      const tag = `${base.registry.host}/interrupt:1`;
      const args = [
        '--config',
        config,
        'build',
        '--strategy',
        'split',
        '-p',
        'amd64,arm64',
        '-t',
        tag,
        '--push',
      ];
      const child = spawn(process.execPath, [MPB_BIN, ...args, context], {
        cwd: ROOT,
        env: { ...env, TMPDIR: tmp },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      // The amd64 job is inside its RUN step on alpha: both jobs' buildx are running.
      expect(await waitForStep(kit.daemons, nonce, AMD64, 180_000)).toBe('alpha');
      expect(processesNaming(context).length, stderr).toBeGreaterThan(0);
      child.kill('SIGINT'); // to mpb alone, as CI's runner would: mpb stops its children itself
      expect(await exited, stderr).toBe(130);
      // mpb's own (Node 22+ may keep its compile cache in TMPDIR too).
      expect(
        readdirSync(tmp).filter((name) => name.startsWith('mpb-')),
        'mpb left its temp folder',
      ).toEqual([]);
      expect(processesNaming(context), 'buildx left running').toEqual([]);
      expect(await tagsOf(base.registry.host, 'interrupt')).toEqual([]);
    },
  );
});
