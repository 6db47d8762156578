// registries: → buildkitd.toml, merged with a node's own file; and the structural TOML check mpb runs before create.
import { describe, expect, it } from 'vitest';
import {
  checkToml,
  effectiveRegistries,
  registriesToml,
  registryHostsIn,
} from '../../../src/config/buildkitd-toml.js';
import type { RegistrySpec } from '../../../src/config/types.js';

const HEADER = '# Written by mpb from registries: in builders.yaml. Edit that file, not this one.';

describe('registriesToml', () => {
  const rows: [string, Record<string, RegistrySpec>, string][] = [
    [
      'a mirror',
      { 'docker.io': { mirrors: ['mirror.gcr.io'] } },
      '[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]',
    ],
    [
      'every field, in BuildKit order',
      {
        'registry.example.com:5000': {
          ca: ['/abs/ca.pem'],
          insecure: true,
          http: true,
          mirrors: ['m:5000/x'],
        },
      },
      '[registry."registry.example.com:5000"]\n  mirrors = ["m:5000/x"]\n  http = true\n  insecure = true\n  ca = ["/abs/ca.pem"]',
    ],
    [
      'hosts sorted, false written',
      { 'z.io': { http: false }, 'a.io': { insecure: false } },
      '[registry."a.io"]\n  insecure = false\n\n[registry."z.io"]\n  http = false',
    ],
    ['a host with nothing set', { 'q.io': {} }, '[registry."q.io"]'],
    [
      'a path with a quote is escaped',
      { 'q.io': { ca: ['/a"b\\c.pem'] } },
      '[registry."q.io"]\n  ca = ["/a\\"b\\\\c.pem"]',
    ],
  ];
  it.each(rows)('%s', (_, registries, tables) => {
    const out = registriesToml(registries);
    expect(out).toEqual({ ok: true, text: `${HEADER}\n\n${tables}\n` });
    expect(out.ok && checkToml(out.text)).toEqual([]);
  });

  it("keeps the node's own file as it is and adds the tables after it", () => {
    const own = 'debug = true\n\n[worker.oci]\n  max-parallelism = 4\n\n\n';
    const out = registriesToml({ 'docker.io': { mirrors: ['mirror.gcr.io'] } }, own);
    expect(out).toEqual({
      ok: true,
      text: `debug = true\n\n[worker.oci]\n  max-parallelism = 4\n\n${HEADER}\n\n[registry."docker.io"]\n  mirrors = ["mirror.gcr.io"]\n`,
    });
    expect(out.ok && checkToml(out.text)).toEqual([]);
  });

  const clashes: [string, string, string, number][] = [
    ['a table', '[registry."docker.io"]\n  mirrors = ["x"]\n', 'docker.io', 1],
    ['a sub-table', 'debug = true\n[[registry."docker.io".keypair]]\n  key = "k"\n', 'docker.io', 2],
    ['a bare host', '\n[registry.localhost]\nhttp = true\n', 'localhost', 2],
    ['a dotted key in [registry]', '[registry]\n"r.io:5000".http = true\n', 'r.io:5000', 2],
    ['a dotted key at the top', 'registry."r.io:5000".http = true\n', 'r.io:5000', 1],
  ];
  it.each(clashes)('refuses a registry the file configures too: %s', (_, own, host, line) => {
    expect(registriesToml({ [host]: { http: true }, 'other.io': { http: true } }, own)).toEqual({
      ok: false,
      host,
      line,
    });
  });

  it('lets a file configure other registries', () => {
    expect(registryHostsIn('[registry."a.io"]\nhttp = true\n[worker.oci]\nregistry = 1\n')).toEqual(
      new Map([['a.io', 1]]),
    );
    expect(registriesToml({ 'b.io': { http: true } }, '[registry."a.io"]\nhttp = true\n').ok).toBe(true);
  });
});

describe('effectiveRegistries', () => {
  const rows: [
    string,
    Record<string, RegistrySpec> | undefined,
    Record<string, RegistrySpec> | undefined,
    unknown,
  ][] = [
    ['none', undefined, undefined, undefined],
    ['the builder only', { 'a.io': { http: true } }, undefined, { 'a.io': { http: true } }],
    [
      'a node adds a host',
      { 'a.io': { http: true } },
      { 'b.io': { insecure: true } },
      { 'a.io': { http: true }, 'b.io': { insecure: true } },
    ],
    [
      'a node overrides field by field',
      { 'docker.io': { mirrors: ['m1'], insecure: true } },
      { 'docker.io': { mirrors: ['m2'] } },
      { 'docker.io': { mirrors: ['m2'], insecure: true } },
    ],
  ];
  it.each(rows)('%s', (_, builder, node, want) => {
    expect(effectiveRegistries(builder, node)).toEqual(want);
  });
});

describe('checkToml', () => {
  const good: [string, string][] = [
    ['empty', ''],
    ['comments and blanks', '# a comment\n\n   # another\n'],
    [
      'BuildKit example',
      'debug = true\nroot = "/var/lib/buildkit"\ninsecure-entitlements = [ "network.host", "security.insecure" ]\n\n[grpc]\n  address = [ "tcp://0.0.0.0:1234" ]\n  uid = 0\n\n[worker.oci]\n  enabled = true\n  platforms = [ "linux/amd64", "linux/arm64" ]\n  gc = true\n  gckeepstorage = "9GB" # trailing comment\n  [[worker.oci.gcpolicy]]\n    keepBytes = 512000000\n    keepDuration = 172800\n  [[worker.oci.gcpolicy]]\n    all = true\n\n[registry."docker.io"]\n  mirrors = ["hub.example.com"]\n',
    ],
    ['a multi-line list', 'a = [\n  "x", # one\n  "y",\n]\n'],
    ['a multi-line string', 's = """\nline [ with { brackets\n"""\nb = 1\n'],
    ['literal strings and inline tables', 'p = \'C:\\\\x\'\nt = { a = 1, b = "]" }\n'],
    ['a byte-order mark and CRLF', '\uFEFFdebug = true\r\n[grpc]\r\n  uid = 0\r\n'],
    ['numbers and dates', 'a = -1\nb = 1.5e3\nc = inf\nd = 1979-05-27T07:32:00Z\n'],
  ];
  it.each(good)('reads %s', (_, text) => {
    expect(checkToml(text)).toEqual([]);
  });

  const bad: [string, string, number, number, RegExp][] = [
    ['a key without =', 'debug = true\nroot "/x"\n', 2, 1, /expected key = value/],
    ['an unclosed string', 'root = "/var/lib\n', 1, 8, /not closed/],
    ['an unclosed header', '[worker.oci\n', 1, 1, /table header/],
    ['a value that is none', 'debug = yes\n', 1, 9, /expected a value/],
    ['an unclosed list', 'a = [\n "x",\n', 1, 1, /never closed/],
    ['a table twice', '[grpc]\nuid = 0\n[grpc]\ngid = 0\n', 3, 1, /defined twice/],
    ['a key twice', '[grpc]\n  uid = 0\n  uid = 1\n', 3, 3, /set twice/],
    ['a stray bracket', 'a = 1]\n', 1, 5, /closes nothing/],
    ['YAML by mistake', 'registry:\n  docker.io: {}\n', 1, 1, /expected key = value/],
  ];
  it.each(bad)('refuses %s', (_, text, line, column, message) => {
    const [first] = checkToml(text);
    expect(first).toMatchObject({ line, column });
    expect(first?.message).toMatch(message);
  });
});
