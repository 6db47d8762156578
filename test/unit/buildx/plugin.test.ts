// Running `docker buildx ARGS` as the plugin itself: only when docker is there and the plugin docker would pick
// is certain; everything else goes through docker as it always did.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnedAs } from '../../../src/buildx/exec.js';
import { directPlugin, dockerOnPath } from '../../../src/buildx/plugin.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpb-plugin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(path: string) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('spawnedAs', () => {
  it('runs `docker buildx ARGS` as `PLUGIN ARGS`, and nothing else', () => {
    expect(spawnedAs('docker', ['buildx', 'ls', '--format', 'json'], '/p/docker-buildx')).toEqual({
      file: '/p/docker-buildx',
      args: ['ls', '--format', 'json'],
    });
    expect(spawnedAs('docker', ['container', 'ls'], '/p/docker-buildx')).toEqual({
      file: 'docker',
      args: ['container', 'ls'],
    });
    expect(spawnedAs('docker', ['--context', 'x', 'buildx', 'ls'], '/p/docker-buildx').file).toBe('docker');
    expect(spawnedAs('docker', ['buildx', 'ls'], undefined)).toEqual({
      file: 'docker',
      args: ['buildx', 'ls'],
    });
  });
});

describe('directPlugin', () => {
  it('is the plugin in DOCKER_CONFIG when docker is on PATH', () => {
    const docker = executable(join(dir, 'bin', 'docker'));
    const plugin = executable(join(dir, 'config', 'cli-plugins', 'docker-buildx'));
    const env = { PATH: `${join(dir, 'empty')}:${join(dir, 'bin')}`, DOCKER_CONFIG: join(dir, 'config') };
    expect(dockerOnPath(env, 'linux')).toBe(docker);
    expect(directPlugin(env, 'linux')).toBe(plugin);
  });

  it('is none with MPB_BUILDX_DIRECT=0, without docker on PATH, or on Windows', () => {
    executable(join(dir, 'bin', 'docker'));
    executable(join(dir, 'config', 'cli-plugins', 'docker-buildx'));
    const env = { PATH: join(dir, 'bin'), DOCKER_CONFIG: join(dir, 'config') };
    expect(directPlugin({ ...env, MPB_BUILDX_DIRECT: '0' }, 'linux')).toBeUndefined();
    expect(directPlugin({ ...env, PATH: join(dir, 'config') }, 'linux')).toBeUndefined();
    expect(directPlugin(env, 'win32')).toBeUndefined();
  });
});
