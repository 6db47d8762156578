// The first screens a user sees, at 80 columns: every command's --help (help fits 80 for pipes too) and, on a
// terminal of 80 columns (a pseudo-terminal made by util-linux `script`), ls, doctor, ensure-builder and build
// --dry-run of the shipped example against the fake buildx. No line is wider than the screen, and no word is
// split: every piece of a broken word ends or starts where a path, list or name may break.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { describeProgram } from '../../src/commands/completion.js';
import { cleanEnv, MPB_BIN, ROOT, runMpb } from '../helpers/built-cli.js';
import { type FakeDocker, withFakeDocker } from '../helpers/fake-docker.js';

// Every command path the program has (the completion's own walk of it): a new command is checked too.
const HELPS = describeProgram(buildProgram()).map((e) => e.path);
const EXAMPLE = join(ROOT, 'builders.example.yaml');
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** What a screen shows of a terminal's bytes: colours and cursor codes gone, each line as its last redraw. */
function screenLines(bytes: string): string[] {
  return bytes.split('\n').map((raw) => {
    // A spinner redraws its line: to column 1 (CSI G), cleared (CSI 2K); read both as a carriage return.
    const line = raw
      .replace(/\r$/, '')
      .replace(/\u001b\[\?[0-9;]*[a-zA-Z]/g, '')
      .replace(/\u001b\[(\d*G|2K)/g, '\r');
    return stripVTControlCharacters(line.split('\r').at(-1) ?? '');
  });
}

/** `argv` of mpb on a pseudo-terminal of `columns`, stdout and stderr as the screen shows them. */
function onTerminal(argv: string[], columns: number, env: NodeJS.ProcessEnv): string[] {
  const command = [process.execPath, MPB_BIN, ...argv]
    .map((w) => `'${w.replaceAll("'", `'\\''`)}'`)
    .join(' ');
  const r = spawnSync('script', ['-qec', `stty cols ${columns} rows 50; ${command}`, '/dev/null'], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return screenLines(r.stdout);
}

// A word longer than a line (a temp path in a --mount) stays whole on a line of its own (ui/command-line.ts).
const isOneWord = (l: string) => !/\s/.test(l.trim().replace(/ \\$/, ''));
const tooWide = (lines: readonly string[], columns: number) =>
  lines.filter((l) => l.length > columns && !isOneWord(l));

// A word may break after these (a path, an endpoint, a list, a host or container name), never elsewhere.
const BREAK_AFTER = /[/:,.\-(]$/;
// Elapsed times differ from run to run: they are not words to compare.
const tokens = (lines: readonly string[]) =>
  lines
    .join(' ')
    .split(/\s+/)
    .filter((t) => t !== '' && t !== '\\' && !/^\d+(\.\d+)?s$/.test(t));

/** Pieces of the narrow text that are a word cut where it may not break: ending or starting mid-word. */
function splitWords(narrow: readonly string[], wide: readonly string[]): string[] {
  const whole = new Set(tokens(wide));
  const wideTokens = [...whole];
  return tokens(narrow).filter((t) => {
    if (whole.has(t) || BREAK_AFTER.test(t)) return false;
    // The tail of a broken word: what precedes it in the whole word ends where it may break.
    const tail = wideTokens.some((w) => w.endsWith(t) && BREAK_AFTER.test(w.slice(0, w.length - t.length)));
    return !tail;
  });
}

describe('--help at 80 columns', () => {
  it.each(HELPS)('mpb %s --help: no line over 80, no word split', (command) => {
    const args = [...command.split(' ').filter(Boolean), '--help'];
    const r = runMpb(args);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(tooWide(lines, 80)).toEqual([]);
    if (hasScript) {
      const env = cleanEnv();
      const wide = onTerminal(args, 250, env);
      expect(splitWords(lines, wide)).toEqual([]);
      // On a wider terminal, the help uses the width.
      expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(80);
    }
  });
});

describe.skipIf(!hasScript)('on a terminal of 80 columns, against the fake buildx', () => {
  let fake: FakeDocker;
  let env: NodeJS.ProcessEnv;
  // A JSON bake file (the fake reads JSON only) of two targets × two platforms, with long tags.
  const bakeFile = join(mkdtempSync(join(tmpdir(), 'mpb-bake-file-')), 'docker-bake.json');
  beforeAll(async () => {
    fake = await withFakeDocker({ mode: 'path', daemon: true, kubectl: true });
    env = cleanEnv({ ...fake.env, HOME: mkdtempSync(join(tmpdir(), 'mpb-home-')) });
    const target = (name: string) => ({
      context: '.',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: [`registry.example.com/team/${name}:1.0.0`, `registry.example.com/team/${name}:latest`],
    });
    writeFileSync(
      bakeFile,
      JSON.stringify({
        group: { default: { targets: ['api', 'web'] } },
        target: { api: target('api'), web: target('web') },
      }),
    );
  });
  afterAll(() => fake?.cleanup());

  it.each([
    [['ls', '--config', EXAMPLE]],
    [['doctor', '--config', EXAMPLE]],
    [['ensure-builder', '--all', '--dry-run', '--config', EXAMPLE]],
    [['config', 'validate', '--config', EXAMPLE]],
    [
      [
        'build',
        '--config',
        EXAMPLE,
        '--builder',
        'qemu',
        '-p',
        'amd64,arm64',
        '-t',
        'registry.example.com/team/app:1.0.0',
        '--dry-run',
        '.',
      ],
    ],
    [['bake', '--config', EXAMPLE, '--builder', 'qemu', '-f', bakeFile, '--push', '--dry-run']],
  ])('mpb %j: no line over 80, no word split', (argv) => {
    const narrow = onTerminal(argv, 80, env);
    expect(narrow.join('\n')).toMatch(/\S/);
    expect(tooWide(narrow, 80)).toEqual([]);
    const wide = onTerminal(argv, 400, env);
    expect(splitWords(narrow, wide)).toEqual([]);
  });
});
