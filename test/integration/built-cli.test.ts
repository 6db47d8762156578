// ensureBuilt, which the flows and e2e tiers run before their files: dist/ older than src/ is rebuilt, and a build
// that fails fails the run with its output instead of leaving the tiers an old bundle to test.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A project whose dist/cli.js was built an hour before src/ was last edited (or after, when `fresh`). */
function project(fresh = false): string {
  const root = mkdtempSync(join(tmpdir(), 'mpb-built-'));
  roots.push(root);
  mkdirSync(join(root, 'src', 'commands'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'src', 'commands', 'build.ts'), 'export const edited = true;\n');
  writeFileSync(join(root, 'dist', 'cli.js'), '// the old bundle\n');
  const hourAgo = new Date(Date.now() - 3_600_000);
  const past = fresh
    ? [join(root, 'src', 'commands', 'build.ts'), join(root, 'src', 'commands'), join(root, 'src')]
    : [join(root, 'dist', 'cli.js')];
  for (const path of past) utimesSync(path, hourAgo, hourAgo);
  return root;
}

/** A build command: node running `script` in the project. */
const node = (script: string) => [process.execPath, '-e', script];

describe('ensureBuilt', () => {
  it('a build that fails throws with its exit code and output: the old bundle is not tested', () => {
    const failing = node(
      "console.log('rolldown v1'); console.error('[PARSE_ERROR] src/commands/build.ts:1:7 Unexpected token'); process.exit(1)",
    );
    expect(() => ensureBuilt({ root: project(), command: failing })).toThrow(
      /dist\/ is older than src\/, and `.+` failed \(exit 1\):\nrolldown v1\n\[PARSE_ERROR\] src\/commands\/build\.ts:1:7 Unexpected token/,
    );
  });

  it('a build command that cannot start throws too', () => {
    expect(() => ensureBuilt({ root: project(), command: ['/nonexistent/npm', 'run', 'build'] })).toThrow(
      /failed \(spawnSync \/nonexistent\/npm ENOENT\)/,
    );
  });

  it('a build that exits 0 without writing dist/cli.js throws', () => {
    const dir = project();
    rmSync(join(dir, 'dist'), { recursive: true });
    expect(() => ensureBuilt({ root: dir, command: node('') })).toThrow(/left no dist\/cli\.js/);
  });

  it('dist/ older than src/ is built with the command; newer, nothing runs', () => {
    const dir = project();
    const build = node("require('fs').writeFileSync('dist/cli.js', '// the new bundle\\n')");
    expect(ensureBuilt({ root: dir, command: build })).toBe('built');
    // Now up to date: a command that would fail is not run.
    expect(ensureBuilt({ root: dir, command: node('process.exit(1)') })).toBe('up to date');
    expect(ensureBuilt({ root: project(true), command: node('process.exit(1)') })).toBe('up to date');
  });
});
