// Every captured `docker buildx ls` table, with the builders it shows in full.
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../../helpers/versions.js';
import {
  amd64Box,
  amd64BoxShort,
  badcert,
  builder,
  dead0,
  defaultDown,
  defaultNode,
  defaultShort,
  linuxAmd64,
  linuxAmd64Short,
  linuxArm64,
  linuxArm64Short,
  macArm64,
  macArm64Short,
  nativeAmd64,
  nativeAmd64Short,
  notls0,
  qemu0,
  qemuShort,
  text,
  type Version,
} from './world.js';

// 0.18+ abbreviates platform lists in tables unless --no-trunc (0.29.1 here).
const short = (v: Version) => v === '0.29.1';

const remote = (name: string, nodes: BuildxBuilder['nodes'], current = false) =>
  builder({ name, driver: 'remote', current, nodes });

const twoNodes = (v: Version, current: boolean, full = !short(v)) =>
  remote(
    'builder',
    [
      text(linuxAmd64(v), full ? undefined : linuxAmd64Short),
      text(linuxArm64(v), full ? undefined : linuxArm64Short),
    ],
    current,
  );
const deadb = remote('deadb', [text(dead0), text(badcert)]);
const notls = remote('notls', [text(notls0)]);
const mixed = (v: Version, full = !short(v)) =>
  remote('mixed', [
    text(nativeAmd64(v), full ? undefined : nativeAmd64Short),
    text(qemu0(v), full ? undefined : qemuShort),
  ]);
const engine = (v: Version) =>
  builder({
    name: 'default',
    driver: 'docker',
    current: true,
    nodes: [text(defaultNode(v), short(v) ? defaultShort : undefined)],
  });
const mac = (nodes: BuildxBuilder['nodes']) => builder({ name: 'mac', driver: 'docker-container', nodes });

function casesOf(v: Version): [Version, string, BuildxBuilder[]][] {
  const rows: [string, BuildxBuilder[]][] = [
    ['ls-empty', [defaultDown(true)]],
    ['ls-two-nodes-not-bootstrapped', [twoNodes(v, false), defaultDown(true)]],
    ['ls-two-nodes', [twoNodes(v, false), defaultDown(true)]],
    ['ls-mixed', [twoNodes(v, false), deadb, notls, defaultDown(true)]],
    ['ls-after-use', [twoNodes(v, true), deadb, notls, defaultDown(false)]],
    [
      'ls-after-leave',
      [
        remote('builder', [text(linuxAmd64(v), short(v) ? linuxAmd64Short : undefined)], true),
        deadb,
        notls,
        defaultDown(false),
      ],
    ],
    ['ls-final', [twoNodes(v, true), notls, defaultDown(false)]],
    ['qemu-ls', [mixed(v), defaultDown(true)]],
    ['default-ls', [engine(v)]],
  ];
  if (v === '0.10.5') {
    // `mac` holds only the SSH node: creating the local one failed on `default-load` (dc-create-local).
    rows.push(
      ['dc-ls-before-bootstrap', [engine(v)]],
      ['dc-ls', [mac([text(amd64Box(v, 'running'))]), engine(v)]],
      ['dc-ls-stopped', [mac([text(amd64Box(v, 'stopped'))]), engine(v)]],
    );
  }
  if (v === '0.13.1') {
    // 0.13.1 rejected `default-load` too, and refused to append to the missing builder: no `mac` at all.
    rows.push(
      ['dc-ls-before-bootstrap', [engine(v)]],
      ['dc-ls', [engine(v)]],
      ['dc-ls-stopped', [engine(v)]],
    );
  }
  if (v === '0.29.1') {
    rows.push(
      ['ls-no-trunc', [twoNodes(v, false, true), defaultDown(true)]],
      ['qemu-ls-no-trunc', [mixed(v, true), defaultDown(true)]],
      ['dc-ls-before-bootstrap', [mac([text(macArm64('inactive'))]), engine(v)]],
      [
        'dc-ls',
        [
          mac([text(macArm64('running'), macArm64Short), text(amd64Box(v, 'running'), amd64BoxShort)]),
          engine(v),
        ],
      ],
      ['dc-ls-stopped', [mac([text(macArm64('stopped')), text(amd64Box(v, 'stopped'))]), engine(v)]],
    );
  }
  return rows.map(([name, expected]) => [v, name, expected]);
}

export const LS_TEXT_CASES = VERSIONS.flatMap(casesOf);
