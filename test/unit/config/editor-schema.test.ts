// `mpb config schema` under a real JSON Schema validator (ajv, draft 2020-12): it accepts the example file and
// rejects every bad config of the table that JSON Schema can express. The rest are listed with why not; each of
// those must still pass ajv, so the list cannot go stale when the schema learns more.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../../src/config/schema.js';
import { parseYaml } from '../../../src/config/yaml-source.js';
import { ROWS } from './bad-config-rows.js';

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(configJsonSchema());

// Why JSON Schema cannot say it, by row.
const BEYOND_JSON_SCHEMA: Record<string, string> = {
  'unset variable': 'whether ${VAR} is set is in the environment mpb loads the file in',
  'TLS path of a folder': 'whether a path is a file is on the disk, not in the document',
  '~user path': 'a path value may be any text; ~user is refused when mpb expands it',
  'duplicate node names': 'uniqueness of one property across list items (uniqueItems compares whole items)',
  'duplicate endpoints': 'uniqueness of one property across list items',
  'two nodes on the local Docker':
    'a count of items lacking a property (contains/maxContains cannot compare)',
  'two local nodes': 'maxContains could, but local: true nodes are one branch of a union: kept to the rules',
  'platform native and emulated': 'a value of one list appearing in another list of the same item',
  'a buildkitdConfig that is not TOML': "a file's content is on the disk, not in the document",
  'defaultBuilder not declared': 'a value that must be one of the keys of another mapping',
  'one container for two builders': 'the same node name across two builders on the same Docker',
  'a buildkitd (port 1234) under docker-container':
    "a Docker host's tcp:// endpoint may name any port; 1234 is refused by mpb's rules",
};

/** The row's text as the data an editor validates; undefined when it is not YAML mpb reads. */
function dataOf(text: string): { data: unknown } | undefined {
  const parsed = parseYaml('builders.yaml', text);
  return parsed.ok ? { data: parsed.source.data } : undefined;
}

describe('the editor schema under ajv', () => {
  it('compiles in strict mode and accepts builders.example.yaml', () => {
    const example = parse(readFileSync(new URL('../../../builders.example.yaml', import.meta.url), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    [
      'a local: true node with daemon options beside a tcp:// node whose host is a ${VAR}, TLS as PEM text',
      `version: 1
builders:
  mac:
    driver: remote
    strategy: split
    cache: registry.example.com/app/cache
    nodes:
      - { name: arm, local: true, platforms: [arm64], buildkitdFlags: --debug, image: moby/buildkit:v0.13.2, network: host }
      - name: amd
        endpoint: tcp://\${AMD64_HOST:-build-amd64.example.com}:1234
        platforms: [LINUX/X86_64]
        tls:
          ca: \${BUILDKIT_CA}
          cert: ./certs/client-cert.pem
          key: |
            -----BEGIN PRIVATE KEY-----
            MIIE
            -----END PRIVATE KEY-----
      - { name: ssh, endpoint: ssh://builder@host, driverOpts: { image: x } }
`,
    ],
    [
      'docker-container nodes on a context and an ssh:// host, with buildkitdFlags',
      'version: 1\nbuilders:\n  b:\n    driver: docker-container\n    nodes:\n      - { name: a, endpoint: desktop-linux, buildkitdFlags: --debug }\n      - { name: c, endpoint: "ssh://h", emulate: [linux/riscv64] }\n',
    ],
    [
      'kubernetes nodes with driver options',
      'version: 1\nbuilders:\n  k:\n    driver: kubernetes\n    nodes: [{ name: k0, driverOpts: { namespace: buildkit, replicas: 2 } }]\n',
    ],
  ])('accepts %s', (_what, text) => {
    const { data } = dataOf(text)!;
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  const data = ROWS.map(([what, text]) => [what, dataOf(text)] as const);
  const yamlRows = data.filter(([, d]) => d === undefined).map(([what]) => what);
  const expressible = data.filter(([what, d]) => d !== undefined && !(what in BEYOND_JSON_SCHEMA));

  it.each(expressible)('rejects: %s', (_what, d) => {
    expect(validate(d!.data)).toBe(false);
  });

  it.each(Object.entries(BEYOND_JSON_SCHEMA))('cannot reject: %s (%s)', (what) => {
    const row = data.find(([w]) => w === what);
    expect(row?.[1]).toBeDefined();
    expect(validate(row![1]!.data)).toBe(true);
  });

  it('leaves only YAML syntax errors unparsed', () => {
    expect(yamlRows).toEqual([
      'unclosed flow list',
      'tab indentation',
      'duplicate key',
      'a key one space deeper than its siblings',
      'a builder key between two levels',
      'unterminated quote',
      'two documents',
      'alias without anchor',
      'custom tag',
      'alias bomb',
    ]);
  });
});
