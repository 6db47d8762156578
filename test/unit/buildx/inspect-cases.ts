// Every captured `docker buildx inspect` that printed a builder (exit 0, or killed by `timeout` mid-way).
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../../helpers/versions.js';
import {
  amd64Box,
  badcert,
  builder,
  dead0,
  defaultNode,
  linuxAmd64,
  linuxArm64,
  macArm64,
  nativeAmd64,
  notls0,
  qemu0,
  type Version,
} from './world.js';

// `Last Activity:` as printed (`2026-11-28 01:11:02 +0000 UTC`), read as RFC 3339.
const ACTIVITY = {
  '0.10.5': { builder: '2026-11-28T01:11:02Z', dead: '2026-11-28T01:11:03Z', mixed: '2026-11-28T01:35:52Z' },
  '0.13.1': { builder: '2026-11-28T01:13:16Z', dead: '2026-11-28T01:13:17Z', mixed: '2026-11-28T01:35:54Z' },
  '0.29.1': { builder: '2026-11-28T01:14:02Z', dead: '2026-11-28T01:14:03Z', mixed: '2026-11-28T01:35:55Z' },
} as const;

function casesOf(v: Version): [Version, string, BuildxBuilder][] {
  const at = ACTIVITY[v];
  const remote = (name: string, lastActivity: string, nodes: BuildxBuilder['nodes']) =>
    builder({ name, driver: 'remote', lastActivity, nodes });
  const mac = (lastActivity: string, nodes: BuildxBuilder['nodes']) =>
    builder({ name: 'mac', driver: 'docker-container', lastActivity, nodes });
  const twoNodes = remote('builder', at.builder, [linuxAmd64(v), linuxArm64(v)]);
  const deadb = remote('deadb', at.dead, [dead0, badcert]);
  const rows: [string, BuildxBuilder][] = [
    ['inspect-bootstrap', twoNodes],
    ['inspect', twoNodes],
    ['inspect-dead', deadb],
    ['qemu-inspect-bootstrap', remote('mixed', at.mixed, [nativeAmd64(v), qemu0(v)])],
    ['default-inspect', builder({ name: 'default', driver: 'docker', nodes: [defaultNode(v)] })],
  ];
  if (v === '0.10.5') {
    // 0.10.5 hangs bootstrapping a dead node: `timeout 60` killed it (exit 124) after it printed the builder.
    rows.push(
      ['inspect-dead-bootstrap', deadb],
      ['inspect-notls-bootstrap', remote('notls', at.dead, [notls0])],
      ['dc-inspect-bootstrap', mac('2026-11-28T01:45:28Z', [amd64Box(v, 'running')])],
      ['dc-inspect', mac('2026-11-28T01:45:28Z', [amd64Box(v, 'running')])],
      ['dc-inspect-stopped', mac('2026-11-28T01:45:33Z', [amd64Box(v, 'stopped')])],
    );
  }
  if (v === '0.29.1') {
    const running = [macArm64('running'), amd64Box(v, 'running')];
    rows.push(
      ['dc-inspect-before-bootstrap', mac('2026-11-28T01:45:38Z', [macArm64('inactive')])],
      ['dc-inspect-bootstrap', mac('2026-11-28T01:45:38Z', running)],
      ['dc-inspect', mac('2026-11-28T01:45:38Z', running)],
      ['dc-inspect-stopped', mac('2026-11-28T01:45:45Z', [macArm64('stopped'), amd64Box(v, 'stopped')])],
    );
  }
  return rows.map(([name, expected]) => [v, name, expected]);
}

export const INSPECT_CASES = VERSIONS.flatMap(casesOf);
