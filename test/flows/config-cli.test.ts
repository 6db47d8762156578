// The built CLI on config files: `config validate`, `config schema` and `init`, checking stdout, stderr and exit code.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runMpb } from '../helpers/built-cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'config');
const STACK_LINE = /\n\s+at .+:\d+:\d+/;
const validate = (file: string, ...flags: string[]) =>
  runMpb(['config', 'validate', '--config', file, ...flags], { cwd: FIXTURES });

describe('mpb config validate', () => {
  it('accepts builders.example.yaml from a fresh clone in an empty HOME: exit 0, a one-line summary, and one warning per TLS node with the command that makes its files', () => {
    const home = mkdtempSync(join(tmpdir(), 'mpb-home-'));
    const r = runMpb(['config', 'validate', '--config', 'builders.example.yaml'], {
      env: cleanEnv({ HOME: home, XDG_CONFIG_HOME: '' }),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('✓ builders.example.yaml: 5 builders, 9 nodes\n');
    const hints = r.stderr.split('\n').filter((l) => l.startsWith('  → '));
    expect(hints).toEqual(
      Array(3).fill(
        '  → Make them: mpb certs create --host build-amd64.example.com --host buildkitd --host build-arm64.example.com --out ~/.config/mpb/certs   (or point tls at your own files)',
      ),
    );
    expect(r.stderr).not.toMatch(/^error/m);
  });

  it.each([
    [
      'bad-syntax.yaml',
      'error: bad-syntax.yaml:7:1: YAML: Sequence item without - indicator\n' +
        '  → Indent with spaces: children deeper than their parent, siblings at the same column.\n',
    ],
    [
      'bad-unknown-key.yaml',
      'error: bad-unknown-key.yaml:4:5: builders.local: "driver" is required\n' +
        '  → Write e.g. driver: remote   (or docker-container, kubernetes)\n' +
        'error: bad-unknown-key.yaml:4:5: builders.local: unknown key "drivr"\n' +
        '  → Did you mean "driver"? Allowed here: driver, use, strategy, cache, registries, nodes.\n',
    ],
    [
      'bad-mixed-drivers.yaml',
      'error: bad-mixed-drivers.yaml:13:9: builders.mac.nodes[1]: a tcp:// endpoint with tls is a remote buildkitd ' +
        '(driver remote), but this builder is docker-container, and buildx allows one driver per builder and refuses ' +
        'to mix them ("mismatched driver")\n' +
        '  → Make the builder driver: remote and give its node on this machine local: true; or move this node to a ' +
        'remote builder.\n',
    ],
    [
      'bad-unset-variable.yaml',
      'error: bad-unset-variable.yaml:7:19: builders.fleet.nodes[0].endpoint: environment variable BUILD_USER is not set\n' +
        '  → Set it (export BUILD_USER=...) or give a default: ${BUILD_USER:-default}\n',
    ],
    [
      'bad-alias-bomb.yaml',
      'error: bad-alias-bomb.yaml:2:8: YAML: the aliases expand into too much data (an "alias bomb"?)\n' +
        '  → Write the values out; a few anchors for shared tls blocks are fine.\n',
    ],
  ])('%s: exit 2, FILE:LINE:COL errors with hints on stderr, no stack', (file, stderr) => {
    const r = validate(file);
    expect(r).toEqual({ code: 2, stdout: '', stderr });
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('--json: one document {ok, errors: [{path, line, column, message, hint}]} on stdout, nothing on stderr', () => {
    const r = validate('bad-unset-variable.yaml', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      errors: [
        {
          path: 'bad-unset-variable.yaml',
          line: 7,
          column: 19,
          message: 'builders.fleet.nodes[0].endpoint: environment variable BUILD_USER is not set',
          hint: 'Set it (export BUILD_USER=...) or give a default: ${BUILD_USER:-default}',
        },
      ],
    });
  });

  it('prints warnings as FILE:LINE:COL: warning: and still exits 0; --json puts them in the document', () => {
    const r = validate('warn-open-tcp.yaml');
    expect(r).toEqual({
      code: 0,
      stdout: '✓ warn-open-tcp.yaml: 1 builder, 1 node\n',
      stderr:
        'warn-open-tcp.yaml:7:19: warning: builders.lab.nodes[0].endpoint: tcp:// without tls: an open buildkitd ' +
        'gives root on that host to anyone who can reach it\n' +
        '  → Add tls: { ca, cert, key } (mpb certs create makes them), or reach it over ssh://.\n',
    });
    const json = validate('warn-open-tcp.yaml', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      file: join(FIXTURES, 'warn-open-tcp.yaml'),
      builders: ['lab'],
      warnings: [{ path: 'warn-open-tcp.yaml', line: 7, column: 19 }],
    });
  });

  it('finds the file through MPB_CONFIG; without any file it points to mpb init', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mpb-none-'));
    const env = cleanEnv({ HOME: empty, XDG_CONFIG_HOME: join(empty, 'xdg') });
    const found = runMpb(['config', 'validate'], {
      cwd: empty,
      env: { ...env, MPB_CONFIG: join(FIXTURES, 'warn-open-tcp.yaml') },
    });
    expect(found.code).toBe(0);
    const none = runMpb(['config', 'validate'], { cwd: empty, env });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `error: no config file found (looked for ${empty}/builders.yaml, ${empty}/builders.yml, ${empty}/xdg/mpb/builders.yaml)\n` +
        '  → Write one with: mpb init   (or point to yours with --config PATH or MPB_CONFIG)\n',
    );
  });
});

describe('mpb config validate with tls as PEM text', () => {
  const config = (dir: string) => {
    const file = join(dir, 'builders.yaml');
    writeFileSync(
      file,
      'version: 1\nbuilders:\n  fleet:\n    driver: remote\n    nodes:\n      - name: n0\n' +
        '        endpoint: tcp://127.0.0.1:1234\n' +
        '        tls: { ca: "${BUILDKIT_CA}", cert: "${BUILDKIT_CERT}", key: "${BUILDKIT_KEY}" }\n',
    );
    return file;
  };
  const pem = (name: string) => readFileSync(join(FIXTURES, 'certs', name), 'utf8');
  const secrets = { BUILDKIT_CA: pem('ca.pem'), BUILDKIT_CERT: pem('client-cert.pem') };

  it('writes the text to 0600 files under $BUILDX_CONFIG/mpb-certs and prints none of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-pem-cli-'));
    const env = cleanEnv({ ...secrets, BUILDKIT_KEY: pem('client-key.pem'), BUILDX_CONFIG: join(dir, 'bx') });
    const r = runMpb(['--verbose', 'config', 'validate', '--config', config(dir)], { env });
    expect(r).toEqual({
      code: 0,
      stdout: `✓ ${join(dir, 'builders.yaml')}: 1 builder, 1 node\n`,
      stderr: '',
    });
    const key = join(dir, 'bx', 'mpb-certs', 'fleet', 'n0', 'key.pem');
    expect(readFileSync(key, 'utf8')).toBe(pem('client-key.pem'));
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('a variable holding neither PEM text nor a path: exit 2 naming the line and what to write, not the text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-pem-cli-'));
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7';
    const env = cleanEnv({ ...secrets, BUILDKIT_KEY: secret, BUILDX_CONFIG: join(dir, 'bx') });
    const r = runMpb(['--json', 'config', 'validate', '--config', config(dir)], { env });
    expect(r.code).toBe(2);
    expect(`${r.stdout}${r.stderr}`).not.toContain('MIIE');
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({
      line: 8,
      column: 69,
      message:
        'builders.fleet.nodes[0].tls.key: "${BUILDKIT_KEY}" is neither PEM text (no -----BEGIN line) nor a file path',
    });
    expect(() => statSync(join(dir, 'bx'))).toThrow();
  });
});

describe('mpb config schema', () => {
  it('prints the pinned JSON Schema, for editors', () => {
    const r = runMpb(['config', 'schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'test', 'fixtures', 'builders.schema.json'), 'utf8'));
  });
});

describe('mpb init', () => {
  it('writes a valid, commented starter, says what to run next, and refuses to overwrite without --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-init-'));
    const first = runMpb(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^✓ wrote builders\.yaml \(builder "local", linux\/\w+ native\)\nNext:\n/);
    expect(first.stdout).toContain('\n  mpb config validate\n  mpb ensure-builder\n');
    const text = readFileSync(join(dir, 'builders.yaml'), 'utf8');
    expect(text).toContain('# yaml-language-server: $schema=./builders.schema.json\n');
    expect(runMpb(['config', 'validate'], { cwd: dir }).code).toBe(0);

    writeFileSync(join(dir, 'builders.yaml'), '# mine\n');
    const again = runMpb(['init'], { cwd: dir });
    expect(again).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: builders.yaml already exists\n  → Pass --force to overwrite it, or write elsewhere with --output PATH.\n',
    });
    expect(readFileSync(join(dir, 'builders.yaml'), 'utf8')).toBe('# mine\n');
    expect(runMpb(['init', '--force'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, 'builders.yaml'), 'utf8')).toBe(text);
  });

  it('--output elsewhere: the next steps carry --config, and --json gives them as data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-init-'));
    const r = runMpb(['init', '--output', 'ci/my builders.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      file: join(dir, 'ci', 'my builders.yaml'),
      next: [
        "mpb config validate --config 'ci/my builders.yaml'",
        "mpb ensure-builder --config 'ci/my builders.yaml'",
        "mpb build --config 'ci/my builders.yaml' --platform linux/amd64,linux/arm64 -t IMAGE --push .",
      ],
    });
    expect(runMpb(['config', 'validate', '--config', 'ci/my builders.yaml'], { cwd: dir }).code).toBe(0);
  });
});
