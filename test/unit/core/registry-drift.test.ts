// A changed mirror on an existing docker-container builder: read from what buildx 0.29.1 really prints for the
// node (test/fixtures/captures-local/buildkitd-config), and repaired by re-creating the builder on its state.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseRegistryTables } from '../../../src/buildx/parse/registry-tables.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { RegistrySpec } from '../../../src/config/types.js';
import { planEnsure } from '../../../src/core/plan.js';
import { registryChanges } from '../../../src/core/registry-drift.js';
import { builderSpec, nodeSpec } from './fixtures.js';

const captured = (version: string, name: string) => {
  const text = readFileSync(
    new URL(`../../fixtures/captures-local/buildkitd-config/v${version}/${name}.stdout`, import.meta.url),
    'utf8',
  );
  const parsed = parseInspect(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const stored = (version: string, name: string) => captured(version, name).nodes[0]?.files?.['buildkitd.toml'];

describe('parseRegistryTables on the files buildx 0.29.1 keeps', () => {
  it.each<[string, Record<string, RegistrySpec>]>([
    ['inspect-mirror', { 'docker.io': { mirrors: ['mirror.gcr.io'] } }],
    ['inspect-mirror-changed', { 'docker.io': { mirrors: ['hub.example.com'] } }],
    [
      'inspect-registries',
      {
        '127.0.0.1:5000': { http: true },
        'docker.io': { insecure: true, mirrors: ['mirror.gcr.io', 'cache.lan:5000/hub'] },
        'registry.example.com': { ca: ['/etc/buildkit/certs/registry.example.com/ca.pem'] },
      },
    ],
    [
      'inspect-own-config',
      {
        '127.0.0.1:5000': { ca: ['/etc/buildkit/certs/127.0.0.1_5000/ca.pem'], http: true },
        'docker.io': { mirrors: ['127.0.0.1:5000'] },
      },
    ],
  ])('%s', (name, tables) => {
    expect(parseRegistryTables(stored('0.29.1', name)!)).toEqual(tables);
  });
});

describe('registryChanges', () => {
  const mirror = stored('0.29.1', 'inspect-mirror');
  const registries = stored('0.29.1', 'inspect-registries');
  it.each<[string, Record<string, RegistrySpec> | undefined, string | undefined, boolean, string[]]>([
    ['as declared', { 'docker.io': { mirrors: ['mirror.gcr.io'] } }, mirror, true, []],
    [
      'another mirror',
      { 'docker.io': { mirrors: ['hub.example.com'] } },
      mirror,
      true,
      ['registries in buildkitd.toml: docker.io mirrors mirror.gcr.io → hub.example.com'],
    ],
    [
      'declared, but buildx keeps no file (created before registries were declared)',
      { 'docker.io': { mirrors: ['mirror.gcr.io'] } },
      undefined,
      true,
      ['registries in buildkitd.toml: docker.io not configured'],
    ],
    [
      'the CA by its file name, http and insecure as false when absent',
      {
        '127.0.0.1:5000': { http: true },
        'docker.io': { insecure: true, mirrors: ['mirror.gcr.io', 'cache.lan:5000/hub'] },
        'registry.example.com': { ca: ['/home/me/certs/ca.pem'], insecure: false },
      },
      registries,
      true,
      [],
    ],
    [
      'a host only buildx has: judged only where the node names no buildkitd.toml',
      undefined,
      mirror,
      false,
      ['registries in buildkitd.toml: docker.io not declared'],
    ],
    ['a host only buildx has, the node naming its own file', undefined, mirror, true, []],
  ])('%s', (_what, declared, file, namesConfig, expected) => {
    expect(registryChanges(declared, file, namesConfig)).toEqual(expected);
  });
});

describe('planEnsure: a changed mirror re-creates the builder on its kept state', () => {
  const spec = (mirror: string) =>
    builderSpec('mirror', 'docker-container', [
      nodeSpec({
        name: 'mirror0',
        buildkitdConfig: '/cfg/mpb-certs/mirror/mirror0/buildkitd.toml',
        registries: { 'docker.io': { mirrors: [mirror] } },
      }),
    ]);
  const plan = (version: string, mirror: string) =>
    planEnsure(spec(mirror), captured(version, 'inspect-mirror'), {
      version: versionOf(version),
      prune: false,
      recreate: false,
    });

  it('0.29.1, another mirror declared: rm --keep-state, then create with the new file', () => {
    const actions = plan('0.29.1', 'hub.example.com').actions;
    expect(actions.map((a) => [a.kind, a.argv.join(' ')])).toEqual([
      ['rm', 'buildx rm --keep-state mirror'],
      [
        'create',
        'buildx create --name mirror --node mirror0 --driver docker-container --buildkitd-config /cfg/mpb-certs/mirror/mirror0/buildkitd.toml',
      ],
    ]);
    expect(actions[0]!.reason).toBe(
      'node "mirror0" differs: registries in buildkitd.toml: docker.io mirrors mirror.gcr.io → hub.example.com; buildx copies buildkitd.toml into the BuildKit container only when it creates it: remove the builder, keeping its state, and create it again',
    );
  });

  it('0.29.1, the mirror buildx keeps: nothing to do', () => {
    expect(plan('0.29.1', 'mirror.gcr.io').actions).toEqual([]);
  });

  it('0.13.1 prints no files: a changed mirror is not seen (as before)', () => {
    expect(plan('0.13.1', 'hub.example.com').actions).toEqual([]);
  });

  it('an undeclared node would be lost: blocked unless --prune', () => {
    const actual = captured('0.29.1', 'inspect-mirror');
    const extra = { ...actual, nodes: [...actual.nodes, { ...actual.nodes[0]!, name: 'other', files: {} }] };
    const blocked = planEnsure(spec('hub.example.com'), extra, {
      version: versionOf('0.29.1'),
      prune: false,
      recreate: false,
    });
    expect(blocked.blocked?.reason).toMatch(/would drop its undeclared node "other"$/);
    expect(blocked.actions).toEqual([]);
  });
});
