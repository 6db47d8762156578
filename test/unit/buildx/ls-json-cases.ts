// Every captured `docker buildx ls --format json` (0.13+), with the builders it shows in full.
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import {
  amd64Box,
  badcert,
  builder,
  dead0,
  defaultDown,
  defaultNode,
  json,
  linuxAmd64,
  linuxArm64,
  macArm64,
  nativeAmd64,
  notls0,
  qemu0,
  type Version,
} from './world.js';

type JsonVersion = Exclude<Version, '0.10.5'>;

// When each builder was last used, as `~/.docker/buildx/activity/` had it during each session.
const ACTIVITY = {
  '0.13.1': { builder: '2026-11-28T01:13:16Z', dead: '2026-11-28T01:13:17Z', mixed: '2026-11-28T01:35:54Z' },
  '0.29.1': { builder: '2026-11-28T01:14:02Z', dead: '2026-11-28T01:14:03Z', mixed: '2026-11-28T01:35:55Z' },
} as const;

function casesOf(v: JsonVersion): [JsonVersion, string, BuildxBuilder[]][] {
  const at = ACTIVITY[v];
  // `Current` exists from 0.24: 0.13.1 marks no builder current, 0.29.1 marks `default`.
  const down = defaultDown(v === '0.29.1');
  const remote = (name: string, lastActivity: string, nodes: BuildxBuilder['nodes']) =>
    builder({ name, driver: 'remote', lastActivity, nodes: nodes.map(json) });
  const twoNodes = remote('builder', at.builder, [linuxAmd64(v), linuxArm64(v)]);
  const engine = builder({
    name: 'default',
    driver: 'docker',
    current: v === '0.29.1',
    nodes: [json(defaultNode(v))],
  });
  const mac = builder({
    name: 'mac',
    driver: 'docker-container',
    lastActivity: '2026-11-28T01:45:38Z',
    nodes: [json(macArm64('running')), json(amd64Box(v, 'running'))],
  });
  const rows: [string, BuildxBuilder[]][] = [
    ['ls-json', [twoNodes, down]],
    [
      'ls-mixed-json',
      [twoNodes, remote('deadb', at.dead, [dead0, badcert]), remote('notls', at.dead, [notls0]), down],
    ],
    ['qemu-ls-json', [remote('mixed', at.mixed, [nativeAmd64(v), qemu0(v)]), down]],
    // 0.13.1 never created `mac` (see ls-text-cases).
    ['dc-ls-json', v === '0.29.1' ? [mac, engine] : [engine]],
  ];
  return rows.map(([name, expected]) => [v, name, expected]);
}

export const LS_JSON_CASES = (['0.13.1', '0.29.1'] as const).flatMap(casesOf);
