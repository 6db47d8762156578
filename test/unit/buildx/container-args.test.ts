import { describe, expect, it } from 'vitest';
import {
  containerCreateArgs,
  containerInspectArgs,
  parseContainerInspect,
  parseVolumeList,
  splitWords,
  volumeListArgs,
} from '../../../src/buildx/container-args.js';

// The shape of `docker container inspect` (Engine API ContainerJSON), trimmed to the fields mpb reads and a
// few it must ignore. No Docker daemon runs where the buildx captures were made, so this is not a capture.
function inspected(status: string, labels: Record<string, string> | null): string {
  return JSON.stringify(
    [
      {
        Id: 'f1e2d3c4b5a6',
        Name: '/mpb-buildkit-fleet-mac',
        Image: 'sha256:5a0e1ab1e0c5',
        State: { Status: status, Running: status === 'running', Pid: 4242, ExitCode: 0 },
        Config: { Image: 'moby/buildkit:buildx-stable-1', Labels: labels, Cmd: ['--debug'] },
        Mounts: [{ Type: 'volume', Name: 'mpb-buildkit-fleet-mac-state', Destination: '/var/lib/buildkit' }],
      },
    ],
    null,
    4,
  );
}

describe('containerCreateArgs', () => {
  it('runs buildkitd privileged, with its state volume, the config mounted read-only and the flags last', () => {
    const argv = containerCreateArgs({
      name: 'mpb-buildkit-fleet-mac',
      volume: 'mpb-buildkit-fleet-mac-state',
      image: 'moby/buildkit:v0.13.2',
      buildkitdFlags: ['--debug', '--allow-insecure-entitlement=network.host'],
      buildkitdConfig: '/Users/me/my,config/buildkitd.toml',
      labels: { 'mpb.spec-hash': 'abc', 'mpb.builder': 'fleet' },
    });
    expect(argv).toEqual([
      'container',
      'create',
      '--name',
      'mpb-buildkit-fleet-mac',
      '--privileged',
      '--restart',
      'unless-stopped',
      '--label',
      'mpb.builder=fleet',
      '--label',
      'mpb.spec-hash=abc',
      '--volume',
      'mpb-buildkit-fleet-mac-state:/var/lib/buildkit',
      '--mount',
      // --mount is a CSV record: the comma in the path is quoted.
      'type=bind,"source=/Users/me/my,config/buildkitd.toml",target=/etc/buildkit/buildkitd.toml,readonly',
      'moby/buildkit:v0.13.2',
      '--config',
      '/etc/buildkit/buildkitd.toml',
      '--debug',
      '--allow-insecure-entitlement=network.host',
    ]);
  });

  it('puts the container on the declared network, before the image', () => {
    const argv = containerCreateArgs({
      name: 'c',
      volume: 'c-state',
      image: 'moby/buildkit:v0.13.2',
      buildkitdFlags: [],
      buildkitdConfig: undefined,
      network: 'host',
      labels: {},
    });
    expect(argv).toEqual([
      'container',
      'create',
      '--name',
      'c',
      '--privileged',
      '--restart',
      'unless-stopped',
      '--network',
      'host',
      '--volume',
      'c-state:/var/lib/buildkit',
      'moby/buildkit:v0.13.2',
    ]);
  });

  it('asks for inspect JSON and volume names', () => {
    expect(containerInspectArgs('c')).toEqual(['container', 'inspect', 'c']);
    expect(volumeListArgs('mpb-buildkit-')).toEqual([
      'volume',
      'ls',
      '--quiet',
      '--filter',
      'name=mpb-buildkit-',
    ]);
    expect(parseVolumeList('mpb-buildkit-a-state\nmpb-buildkit-b-state\n')).toEqual([
      'mpb-buildkit-a-state',
      'mpb-buildkit-b-state',
    ]);
  });
});

describe('parseContainerInspect', () => {
  const image = 'moby/buildkit:buildx-stable-1';
  it.each([
    ['running', { 'mpb.spec-hash': 'abc' }, { state: 'running', status: 'running', image, specHash: 'abc' }],
    ['exited', { 'mpb.spec-hash': 'abc' }, { state: 'stopped', status: 'exited', image, specHash: 'abc' }],
    ['created', {}, { state: 'stopped', status: 'created', image, specHash: undefined }],
    ['paused', null, { state: 'unusable', status: 'paused', image, specHash: undefined }],
    ['dead', null, { state: 'unusable', status: 'dead', image, specHash: undefined }],
  ])('%s', (status, labels, expected) => {
    expect(parseContainerInspect(inspected(status, labels))).toEqual({
      ok: true,
      value: expected,
      unparsed: [],
    });
  });

  it('reads `[]` (docker prints it for a missing container, with exit 1) as missing', () => {
    expect(parseContainerInspect('[]\n')).toEqual({ ok: true, value: { state: 'missing' }, unparsed: [] });
  });

  it.each([
    ['not JSON', 'Error: No such object'],
    ['expected a JSON array', '{"State":{}}'],
    ['no State.Status or Config.Image', '[{"State":{}}]'],
  ])('fails with "%s"', (message, text) => {
    const parsed = parseContainerInspect(text);
    expect(parsed.ok ? undefined : parsed.error.message).toBe(message);
  });
});

describe('splitWords', () => {
  it.each([
    ['', []],
    ['--debug', ['--debug']],
    ['  --debug   --oci-worker-gc=false ', ['--debug', '--oci-worker-gc=false']],
    [`--a "x y" --b 'p q'`, ['--a', 'x y', '--b', 'p q']],
    ['--a=""', ['--a=']],
    ['--a x\\ y', ['--a', 'x y']],
    [`"say \\"hi\\""`, ['say "hi"']],
  ])('%j', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });
});
