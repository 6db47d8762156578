// registries: in builders.yaml → each node's buildkitd.toml in mpb's private folder, 0600, rewritten only on change.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CERTS, loadText } from './load-helper.js';

const buildxConfig = () => mkdtempSync(join(tmpdir(), 'mpb-buildx-'));

const FLEET = `version: 1
builders:
  dc:
    driver: docker-container
    registries:
      docker.io: { mirrors: [mirror.gcr.io], insecure: true }
    nodes:
      - name: n0
      - name: n1
        endpoint: ssh://h
        registries:
          docker.io: { mirrors: [hub.example.com] }
          "registry.example.com:5000": { http: true, ca: [ "\${CERTS}/ca.pem" ] }
  fleet:
    driver: remote
    registries:
      docker.io: { mirrors: [mirror.gcr.io] }
    nodes:
      - name: far
        endpoint: ssh://far
      - name: here
        local: true
`;

describe('registries', () => {
  it('reach every node whose buildkitd buildx or mpb starts, builder settings under the node ones', async () => {
    const dir = buildxConfig();
    const { result } = await loadText(FLEET, { BUILDX_CONFIG: dir });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [dc, fleet] = result.config.builders;
    const file = (b: string, n: string) => join(dir, 'mpb-certs', b, n, 'buildkitd.toml');
    expect(dc!.nodes.map((n) => n.buildkitdConfig)).toEqual([file('dc', 'n0'), file('dc', 'n1')]);
    expect(fleet!.nodes.map((n) => n.buildkitdConfig)).toEqual([undefined, file('fleet', 'here')]);
    // A remote buildkitd keeps its registries for doctor, with no file mpb writes.
    expect(fleet!.nodes[0]!.registries).toEqual({ 'docker.io': { mirrors: ['mirror.gcr.io'] } });
    expect(readFileSync(file('dc', 'n1'), 'utf8')).toContain(
      `[registry."docker.io"]\n  mirrors = ["hub.example.com"]\n  insecure = true\n\n[registry."registry.example.com:5000"]\n  http = true\n  ca = ["${CERTS}/ca.pem"]\n`,
    );
    expect(readFileSync(file('fleet', 'here'), 'utf8')).toContain('mirrors = ["mirror.gcr.io"]');
    expect(statSync(file('dc', 'n0')).mode & 0o777).toBe(0o600);
    // A second load writes nothing: the file buildx reads stays as it was.
    const before = statSync(file('dc', 'n0')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect((await loadText(FLEET, { BUILDX_CONFIG: dir })).result.ok).toBe(true);
    expect(statSync(file('dc', 'n0')).mtimeMs).toBe(before);
  });

  it("merges the node's own buildkitd.toml, and refuses a registry both configure", async () => {
    const dir = buildxConfig();
    const own = join(mkdtempSync(join(tmpdir(), 'mpb-toml-')), 'buildkitd.toml');
    writeFileSync(own, 'debug = true\n[registry."docker.io"]\n  mirrors = ["x"]\n');
    const text = (registries: string) =>
      `version: 1\nbuilders:\n  b:\n    driver: docker-container\n    nodes:\n      - name: n0\n        buildkitdConfig: ${own}\n        registries: ${registries}\n`;
    const clash = await loadText(text('{ docker.io: { http: true } }'), { BUILDX_CONFIG: dir });
    expect(clash.result.ok).toBe(false);
    if (!clash.result.ok) {
      expect(clash.result.errors[0]).toMatchObject({
        line: 7,
        message: `builders.b.nodes[0].buildkitdConfig: ${own}:2 configures registry "docker.io", which registries: of this node configures too`,
      });
    }
    const merged = await loadText(text('{ ghcr.io: { mirrors: [m.example.com] } }'), { BUILDX_CONFIG: dir });
    expect(merged.result.ok).toBe(true);
    if (!merged.result.ok) return;
    const path = merged.result.config.builders[0]!.nodes[0]!.buildkitdConfig!;
    expect(readFileSync(path, 'utf8')).toMatch(
      /^debug = true\n\[registry."docker.io"\]\n {2}mirrors = \["x"\]\n\n#.*\n\n\[registry."ghcr.io"\]\n {2}mirrors = \["m.example.com"\]\n$/,
    );
  });

  it('warns that registries of a remote node are not written, and keeps them for doctor', async () => {
    const { result } = await loadText(
      'version: 1\nbuilders:\n  r:\n    driver: remote\n    nodes:\n      - name: far\n        endpoint: ssh://far\n        registries: { docker.io: { mirrors: [mirror.gcr.io] } }\n',
      { BUILDX_CONFIG: buildxConfig() },
    );
    expect(result.ok && result.warnings.map((w) => [w.line, w.message])).toEqual([
      [
        8,
        'builders.r.nodes[0]: mpb cannot write the buildkitd.toml of a remote buildkitd: it is started by you',
      ],
    ]);
    expect(result.ok && result.config.builders[0]!.nodes[0]).toMatchObject({
      buildkitdConfig: undefined,
      registries: { 'docker.io': { mirrors: ['mirror.gcr.io'] } },
    });
  });

  it('warns when a builder-level registries reaches no node', async () => {
    const { result } = await loadText(
      'version: 1\nbuilders:\n  r:\n    driver: remote\n    registries: { docker.io: { http: true } }\n    nodes:\n      - name: far\n        endpoint: ssh://far\n',
      { BUILDX_CONFIG: buildxConfig() },
    );
    expect(result.ok && result.warnings.map((w) => [w.line, w.message])).toEqual([
      [
        5,
        'builders.r: registries reach no node: every node of this remote builder runs a buildkitd you start',
      ],
    ]);
  });
});
