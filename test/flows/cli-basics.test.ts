// The built CLI as a user meets it: help, version, usage errors. No docker needed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runMpb } from '../helpers/built-cli.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const COMMANDS = [
  'init',
  'config',
  'ensure-builder',
  'ls',
  'status',
  'rm',
  'build',
  'bake',
  'inspect',
  'doctor',
  'certs',
];
const STACK_LINE = /\n\s+at .+:\d+:\d+/;

describe('mpb --help', () => {
  it('lists every command, the examples and the exit codes, and exits 0', () => {
    const r = runMpb(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mpb \[options\] \[command\]\n/);
    for (const name of [...COMMANDS, 'completion']) expect(r.stdout).toMatch(new RegExp(`\\n  ${name} `));
    expect(r.stdout).toContain('\nExamples:\n  $ mpb init ');
    expect(r.stdout).toContain('\nExit codes:\n  0  ok\n  1  a docker/buildx command failed\n');
    // Internals are in the README and docs/buildx.md, not in a user's help.
    expect(r.stdout).not.toMatch(/MPB_BUILDX|standalone/);
    expect(r.stderr).toBe('');
  });

  it.each([[[]], [['-v']], [['--no-color']]])(
    'mpb %j alone prints the help on stdout and exits 0',
    (args) => {
      const r = runMpb(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: mpb \[options\] \[command\]\n/);
      expect(r.stderr).toBe('');
    },
  );

  it('mpb help COMMAND is still the help of that command', () => {
    const r = runMpb(['help', 'ls']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mpb ls /);
  });

  const commands = [
    ...COMMANDS.filter((c) => c !== 'config' && c !== 'certs'),
    'config validate',
    'config schema',
    'certs create',
    'certs show',
    'completion',
  ];
  it.each(commands)('mpb %s --help shows an example and exits 0', (command) => {
    const r = runMpb([...command.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: mpb ${command} [options]`);
    expect(r.stdout).toMatch(/\nExamples?:\n {2}\$ mpb /);
    // The global flags, in every command's help.
    expect(r.stdout).toMatch(
      /\nGlobal Options:\n {2}-c, --config <path> [\s\S]*\n {2}--json [\s\S]*\n {2}-v, --verbose /,
    );
    expect(r.stdout).not.toContain('--version');
  });
});

describe('mpb --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', (flag) => {
    const r = runMpb([flag]);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('usage errors', () => {
  it('an unknown command exits 2 with a pointer to --help and no stack', () => {
    const r = runMpb(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: unknown command 'frobnicate'\n(run with --help for usage)\n");
  });

  it('an unknown flag exits 2 with no stack', () => {
    const r = runMpb(['ls', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--frobnicate'\n(run with --help for usage)\n");
  });

  it.each([
    [['--json', 'ls', '--frobnicate'], "unknown option '--frobnicate'"],
    [['ls', '--frobnicate', '--json'], "unknown option '--frobnicate'"],
    [['--json', 'frobnicate'], "unknown command 'frobnicate'"],
    [['--json', 'certs', 'create'], "required option '--host <name-or-ip>' not specified"],
  ])('under --json, mpb %j writes one JSON document and exits 2', (args, message) => {
    const r = runMpb(args);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; errors: { message: string; hint: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.errors[0]!.message).toContain(message);
    expect(doc.errors[0]!.hint).toMatch(/--help/);
  });

  it('an image reference docker would refuse exits 2 with what to write, before buildx is asked', () => {
    const r = runMpb(['inspect', 'not a ref'], { env: cleanEnv({ PATH: '/nonexistent' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: "not a ref" is not an image reference\n  → Write [REGISTRY/]REPOSITORY[:TAG][@DIGEST], e.g. registry.example.com/app:1 (no spaces).\n',
    );
  });

  it('a missing option value exits 2', () => {
    const r = runMpb(['ensure-builder', '--probe-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a number of seconds, got "soon"');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('config validate on a file that does not exist exits 2, names the file, no stack', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'mpb-cli-')), 'nope.yaml');
    const r = runMpb(['config', 'validate', '--config', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('under GitHub Actions the same error is also a ::error annotation, without colour', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'mpb-cli-')), 'nope.yaml');
    const r = runMpb(['config', 'validate', '--config', missing], {
      env: cleanEnv({ CI: 'true', GITHUB_ACTIONS: 'true' }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^::error( file=[^:]+)?::.*nope\.yaml/m);
    expect(r.stderr).not.toContain('\u001b[');
  });
});

describe('a reader that closes the pipe early (mpb ... | head)', () => {
  it('ends mpb quietly with exit 0: no EPIPE stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const { MPB_BIN } = await import('../helpers/built-cli.js');
    const child = spawn(process.execPath, [MPB_BIN, 'completion', 'zsh'], { env: cleanEnv(), stdio: 'pipe' });
    child.stdout.destroy(); // the reader is gone before mpb writes a byte
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exitCode = await new Promise((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
  });
});
