// The npm tarball as a user gets it: only what runs (and the docs and example the README names), installed
// globally into an empty prefix as the README's install line does, started through its shebang from PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/built-cli.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const VALID = `version: 1
defaultBuilder: local
builders:
  local:
    driver: docker-container
    nodes:
      - name: local0
        platforms: [linux/amd64]
        emulate: [linux/arm64]
`;

interface PackResult {
  filename: string;
  files: { path: string; mode: number }[];
}

let packed: PackResult;
let installDir: string;
let prefix: string;
let home: string;

/** Runs the installed mpb the way a shell would: found on PATH in the prefix's bin/, through its shebang. */
const mpb = (...args: string[]) => {
  const env = cleanEnv({ HOME: home, PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` });
  delete env['XDG_CONFIG_HOME'];
  const r = spawnSync('mpb', args, { cwd: installDir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'mpb-pack-'));
  // --ignore-scripts: prepack's clean build would pull dist/ from under the test files running beside this
  // one. `npm test` has just built it; a real `npm pack` or `npm publish` runs prepack.
  const json = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  packed = (JSON.parse(json.slice(json.indexOf('['))) as PackResult[])[0]!;
  installDir = mkdtempSync(join(tmpdir(), 'mpb-install-'));
  prefix = mkdtempSync(join(tmpdir(), 'mpb-prefix-'));
  home = mkdtempSync(join(tmpdir(), 'mpb-home-'));
  // The README's install line: npm install -g of the packed tarball (from the npm cache `npm ci` filled).
  execFileSync(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(packDir, packed.filename)],
    { cwd: installDir, stdio: 'pipe' },
  );
  writeFileSync(join(installDir, 'builders.yaml'), VALID);
  writeFileSync(join(installDir, 'bad.yaml'), VALID.replace('driver:', 'drivr:'));
}, 240_000);

describe('npm pack', () => {
  it('holds only what runs: bin, the built code, docs, example and licence', () => {
    const paths = packed.files.map((f) => f.path);
    const allowed =
      /^(bin\/mpb\.js|dist\/.+\.js|package\.json|README\.md|CHANGELOG\.md|LICENSE|builders\.example\.yaml|docs\/buildx\.md)$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|src|bench|fixtures)\/|\.test\.|\.ts$|\.map$/.test(p))).toEqual(
      [],
    );
    expect(paths).toEqual(expect.arrayContaining(['bin/mpb.js', 'dist/cli.js', 'package.json', 'LICENSE']));
  });

  it('holds every file the README links to and the example names', () => {
    const paths = new Set(packed.files.map((f) => f.path));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)/g)].map((m) =>
      m[1]!.replace(/^\.\//, ''),
    );
    expect(linked.filter((p) => !paths.has(p))).toEqual([]);
    expect(paths.has('builders.example.yaml')).toBe(true);
  });

  it('ships bin/mpb.js executable, with a node shebang', () => {
    const bin = packed.files.find((f) => f.path === 'bin/mpb.js')!;
    expect(bin.mode & 0o111).toBe(0o111);
    expect(readFileSync(join(prefix, 'lib/node_modules/mpb/bin/mpb.js'), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });
});

describe('installed from the tarball into an empty folder', () => {
  it('mpb --version prints the version', () => {
    expect(mpb('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('mpb --help runs the full CLI from its runtime dependencies alone', () => {
    const r = mpb('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mpb \[options\] \[command\]/);
  });

  it('mpb config validate passes on the example it ships, in an empty HOME (warning that the certificates are to be made)', () => {
    const example = join(prefix, 'lib/node_modules/mpb/builders.example.yaml');
    const r = mpb('config', 'validate', '--config', example);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 5 builders, 9 nodes\n$/);
    expect(r.stderr).toContain('Make them: mpb certs create --host build-amd64.example.com');
    expect(r.stderr).not.toMatch(/^error/m);
  });

  it('mpb config validate accepts a valid file (exit 0) and rejects a bad one (exit 2)', () => {
    const good = mpb('config', 'validate', '--config', 'builders.yaml', '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
    const bad = mpb('config', 'validate', '--config', 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:5:');
  });
});
