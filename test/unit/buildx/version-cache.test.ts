// `docker buildx version` remembered per plugin binary: read back only while the very binary docker would run
// is unchanged, and asked again whenever anything about it is unclear.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePlugin } from '../../../src/buildx/plugin.js';
import { detectVersion } from '../../../src/buildx/read.js';
import { capture, fakeRun } from '../../helpers/fake-run.js';

const VERSION = ['docker', 'buildx', 'version'];
let home: string;
let env: NodeJS.ProcessEnv;
let plugin: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mpb-version-cache-'));
  env = { HOME: home, DOCKER_CONFIG: join(home, 'docker') };
  plugin = join(home, 'docker', 'cli-plugins', 'docker-buildx');
  mkdirSync(join(home, 'docker', 'cli-plugins'), { recursive: true });
  writeFileSync(plugin, 'plugin v1\n');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const answering = (v: '0.13.1' | '0.29.1') => fakeRun([[VERSION, capture(v, 'version')]]);

describe('detectVersion with the version cache', () => {
  it('asks docker once, then reads the remembered answer while the plugin is unchanged', async () => {
    const first = answering('0.29.1');
    expect((await detectVersion(first, env)).raw).toBe('0.29.1+ds1');
    expect(first.calls).toEqual([VERSION]);
    const second = answering('0.13.1');
    expect((await detectVersion(second, env)).raw).toBe('0.29.1+ds1');
    expect(second.calls).toEqual([]);
    const cache = join(home, 'docker', 'buildx', 'mpb-cache', 'buildx-version.json');
    expect(statSync(cache).mode & 0o777).toBe(0o600);
  });

  it('asks again when the plugin binary changed: its size or its mtime', async () => {
    await detectVersion(answering('0.13.1'), env);
    writeFileSync(plugin, 'plugin v2, longer\n');
    const afterResize = answering('0.29.1');
    expect((await detectVersion(afterResize, env)).raw).toBe('0.29.1+ds1');
    expect(afterResize.calls).toEqual([VERSION]);
    utimesSync(plugin, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const afterTouch = answering('0.13.1');
    expect((await detectVersion(afterTouch, env)).raw).toBe('0.13.1+ds1');
    expect(afterTouch.calls).toEqual([VERSION]);
  });

  it('asks every time when docker would look in folders mpb does not follow', async () => {
    writeFileSync(join(home, 'docker', 'config.json'), '{"cliPluginsExtraDirs": ["/opt/plugins"]}');
    expect(resolvePlugin(env, 'linux')).toBeUndefined();
    await detectVersion(answering('0.13.1'), env);
    const again = answering('0.13.1');
    await detectVersion(again, env);
    expect(again.calls).toEqual([VERSION]);
  });

  it('asks docker when the cache holds something else than a version record', async () => {
    await detectVersion(answering('0.13.1'), env);
    writeFileSync(join(home, 'docker', 'buildx', 'mpb-cache', 'buildx-version.json'), '{"path": 1}');
    const again = answering('0.29.1');
    expect((await detectVersion(again, env)).raw).toBe('0.29.1+ds1');
    expect(again.calls).toEqual([VERSION]);
  });

  it('finds the user plugin before the system folders, and nothing on Windows', () => {
    expect(resolvePlugin(env, 'linux')?.path).toBe(plugin);
    expect(resolvePlugin(env, 'win32')).toBeUndefined();
    rmSync(plugin);
    mkdirSync(plugin);
    chmodSync(plugin, 0o755);
    expect(resolvePlugin(env, 'linux')).toBeUndefined(); // a folder in the way: unclear, ask docker
  });
});
