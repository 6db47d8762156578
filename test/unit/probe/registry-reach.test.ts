// Registries of a buildkitd mpb does not start: which nodes, which hosts and ports, and the warning's TOML.
// The TCP check itself runs in test/flows/registries.test.ts (doctor).
import { describe, expect, it } from 'vitest';
import {
  registryAddressesOf,
  unwrittenCheck,
  unwrittenRegistriesOf,
} from '../../../src/probe/registry-reach.js';
import { builderSpec, nodeSpec } from '../core/fixtures.js';

const HUB = {
  'docker.io': { mirrors: ['mirror.gcr.io', 'cache.lan:5000/hub'] },
  'cache.lan:5000': { http: true },
};
const far = nodeSpec({ name: 'far', endpoint: 'tcp://far:1234', registries: HUB });
const here = nodeSpec({ name: 'here', local: { image: 'moby/buildkit' }, registries: HUB });
const bare = nodeSpec({ name: 'bare', endpoint: 'tcp://bare:1234' });
const dc = nodeSpec({ name: 'dc0', registries: HUB });

describe('unwrittenRegistriesOf', () => {
  it('takes remote nodes with registries, not local: true ones, nor nodes whose buildkitd buildx starts', () => {
    const found = unwrittenRegistriesOf([
      builderSpec('fleet', 'remote', [here, far, bare]),
      builderSpec('dc', 'docker-container', [dc]),
      builderSpec('k', 'kubernetes', [nodeSpec({ name: 'k0', registries: HUB })]),
    ]);
    expect(found).toEqual([{ builder: 'fleet', node: 'far', endpoint: 'tcp://far:1234', registries: HUB }]);
  });
});

describe('registryAddressesOf', () => {
  it("docker.io is registry-1.docker.io:443; a mirror takes its own entry's http; each host:port once", () => {
    const other = { builder: 'fleet', node: 'far2', endpoint: undefined, registries: { 'ghcr.io': {} } };
    expect(
      registryAddressesOf([{ builder: 'fleet', node: 'far', endpoint: undefined, registries: HUB }, other]),
    ).toEqual([
      { host: 'registry-1.docker.io', port: 443, nodes: ['fleet/far'] },
      { host: 'mirror.gcr.io', port: 443, nodes: ['fleet/far'] },
      { host: 'cache.lan', port: 5000, nodes: ['fleet/far'] },
      { host: 'ghcr.io', port: 443, nodes: ['fleet/far2'] },
    ]);
    const plain = { 'registry.lan': { http: true, mirrors: ['registry.lan'] } };
    expect(
      registryAddressesOf([{ builder: 'b', node: 'n', endpoint: undefined, registries: plain }]),
    ).toEqual([{ host: 'registry.lan', port: 80, nodes: ['b/n'] }]);
  });
});

describe('unwrittenCheck', () => {
  it('is a warning with its code and the tables to add, indented under the fix', () => {
    const [node] = unwrittenRegistriesOf([builderSpec('fleet', 'remote', [far])]);
    expect(unwrittenCheck(node!)).toEqual({
      id: 'registries:fleet/far',
      ok: true,
      warning: true,
      code: 'registries.not-written',
      title: 'fleet/far registries (tcp://far:1234)',
      detail:
        'mpb cannot write the buildkitd.toml of this buildkitd (you start it), so registries: for cache.lan:5000, docker.io reach it only if its own config has them',
      fix: [
        "Add to that buildkitd's buildkitd.toml, then restart it:",
        '      [registry."cache.lan:5000"]',
        '        http = true',
        '',
        '      [registry."docker.io"]',
        '        mirrors = ["mirror.gcr.io", "cache.lan:5000/hub"]',
      ].join('\n'),
    });
  });
});
