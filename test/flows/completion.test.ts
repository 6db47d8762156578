// `mpb completion bash|zsh`: scripts generated from the commander program, checked by the shells themselves.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import {
  bashScript,
  describeProgram,
  runCompleteBuilders,
  runCompletion,
  zshScript,
} from '../../src/commands/completion.js';
import { UsageError } from '../../src/errors.js';
import { itUnless } from '../helpers/skip.js';
import { captureDeps } from '../unit/ui/capture.js';

const entries = describeProgram(buildProgram());
const entry = (path: string) => entries.find((e) => e.path === path)!;
const noZsh = spawnSync('zsh', ['-c', 'true']).status === 0 ? undefined : 'zsh not installed';

/** Writes the script and a driver to files and runs the driver in the given shell. */
function runShell(shell: 'bash' | 'zsh', script: string, driver: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-completion-'));
  writeFileSync(join(dir, 'mpb-completion'), script);
  writeFileSync(join(dir, 'driver'), driver);
  const args = shell === 'zsh' ? ['-f', join(dir, 'driver')] : [join(dir, 'driver')];
  const r = spawnSync(shell, args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('what the program offers', () => {
  it('top level: every command, and the global flags', () => {
    expect(entry('').commands.map((c) => c.name)).toEqual([
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
      'completion',
      'help',
    ]);
    expect(entry('').flags.map((f) => f.name)).toEqual([
      '-V',
      '--version',
      '-c',
      '--config',
      '--json',
      '-v',
      '--verbose',
      '--no-color',
      '-h',
      '--help',
    ]);
    expect(entry('').valued).toEqual(['-c', '--config']);
  });

  it('subcommands of config and certs, and flags per command with the global ones', () => {
    expect(entry('config').commands.map((c) => c.name)).toEqual(['validate', 'schema', 'help']);
    expect(entry('certs').commands.map((c) => c.name)).toEqual(['create', 'show', 'help']);
    expect(entry('certs create').valued).toEqual(['--host', '--out', '--days', '-c', '--config']);
    expect(entry('ensure-builder').flags.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        '--dry-run',
        '--prune',
        '--recreate',
        '--probe-timeout',
        '--all',
        '--json',
        '--config',
      ]),
    );
  });

  it('covers every command path the program has', () => {
    expect(entries.map((e) => e.path)).toEqual([
      '',
      'init',
      'config',
      'config validate',
      'config schema',
      'ensure-builder',
      'ls',
      'status',
      'rm',
      'build',
      'bake',
      'inspect',
      'doctor',
      'certs',
      'certs create',
      'certs show',
      'completion',
    ]);
  });
});

describe('bash', () => {
  const script = bashScript(entries);
  const complete = (...lines: string[][]) =>
    runShell(
      'bash',
      script,
      `source ./mpb-completion
t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _mpb; echo "\${COMPREPLY[*]}"; }
${lines.map((words) => `t ${words.map((w) => `'${w}'`).join(' ')}`).join('\n')}
`,
    );

  it('is valid bash and names every command and flag', () => {
    const r = runShell(
      'bash',
      script,
      'bash -n ./mpb-completion && source ./mpb-completion && complete -p mpb',
    );
    expect(r).toEqual({ code: 0, stdout: 'complete -o default -F _mpb mpb\n', stderr: '' });
    for (const e of entries) for (const w of [...e.commands, ...e.flags]) expect(script).toContain(w.name);
  });

  it('completes commands, subcommands and flags at each position', () => {
    const r = complete(
      ['mpb', ''],
      ['mpb', 'co'],
      ['mpb', 'config', ''],
      ['mpb', '--config', 'x.yaml', 'certs', 's'],
      ['mpb', 'ensure-builder', '--d'],
      ['mpb', 'certs', 'create', '--h'],
      ['mpb', 'build', '--platform', ''],
    );
    expect(r.stdout.split('\n')).toEqual([
      'init config ensure-builder ls status rm build bake inspect doctor certs completion help',
      'config completion',
      'validate schema help',
      'show',
      '--dry-run',
      '--host --help',
      '', // a flag's value: bash falls back to file names
      '',
    ]);
  });
});

describe('builder names from the config', () => {
  // A stand-in for mpb on PATH: what `mpb __builders` prints, with the --config it was given.
  const fakeMpb = `mpb() { [[ $1 == --config ]] && printf '%s\\n' "cfg-$2"; printf 'fleet\\nmac\\n'; }`;

  it('bash: after --builder, for the builder arguments, and from the config --config names', () => {
    const r = runShell(
      'bash',
      bashScript(entries),
      `${fakeMpb}
source ./mpb-completion
t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _mpb; echo "\${COMPREPLY[*]}"; }
t mpb build --builder ''
t mpb build -b f
t mpb ensure-builder ''
t mpb doctor m
t mpb rm ''
t mpb -c x.yaml ls ''
t mpb inspect ''
`,
    );
    expect(r.stdout.split('\n')).toEqual([
      'fleet mac',
      'fleet',
      'fleet mac',
      'mac',
      'fleet mac',
      'cfg-x.yaml fleet mac',
      '', // inspect takes an image: file names, never builders
      '',
    ]);
  });

  itUnless(noZsh)('zsh: after --builder and for the builder arguments', () => {
    const r = runShell(
      'zsh',
      zshScript(entries),
      `${fakeMpb}
compdef() {}; _describe() { print -rl -- "\${(@P)\${@[-1]}}"; }; _files() { print FILES; }
source ./mpb-completion
t() { words=("$@"); CURRENT=$#; PREFIX=\${@[-1]}; _mpb; print -- --; }
t mpb build --builder ''
t mpb doctor ''
`,
    );
    const [flag, doctor] = r.stdout.split('--\n');
    expect(flag).toBe('fleet\nmac\n');
    expect(doctor).toBe('fleet\nmac\n');
  });

  it('mpb __builders prints the declared names, and nothing without a config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpb-completion-'));
    writeFileSync(
      join(dir, 'builders.yaml'),
      'version: 1\nbuilders:\n  fleet:\n    driver: docker-container\n    nodes:\n      - name: a\n',
    );
    const withConfig = captureDeps({ cwd: dir });
    expect(await withConfig.exit(() => runCompleteBuilders(withConfig.deps, {}))).toBe(0);
    expect(withConfig.stdout()).toBe('fleet\n');
    const none = captureDeps({ cwd: mkdtempSync(join(tmpdir(), 'mpb-completion-')), env: { HOME: dir } });
    expect(await none.exit(() => runCompleteBuilders(none.deps, {}))).toBe(0);
    expect(none.stdout()).toBe('');
  });
});

describe('zsh', () => {
  const script = zshScript(entries);

  itUnless(noZsh)('is valid zsh', () => {
    expect(runShell('zsh', script, 'zsh -n ./mpb-completion && echo ok')).toEqual({
      code: 0,
      stdout: 'ok\n',
      stderr: '',
    });
  });

  itUnless(noZsh)('offers commands with descriptions, flags, and files after a valued flag', () => {
    // compsys is not loaded in a script: stand-ins print what _describe and _files would be given.
    const r = runShell(
      'zsh',
      script,
      `compdef() {}; _describe() { print -rl -- "\${(@P)\${@[-1]}}"; }; _files() { print FILES; }
source ./mpb-completion
t() { words=("$@"); CURRENT=$#; PREFIX=\${@[-1]}; _mpb; print -- --; }
t mpb config ''
t mpb -c x.yaml ensure-builder --
t mpb build --platform ''
`,
    );
    const [config, ensure, platform] = r.stdout.split('--\n');
    expect(config).toBe(
      'validate:validate the config file: exit 0 when valid, 2 with FILE:LINE:COL errors otherwise\n' +
        'schema:print the JSON Schema of builders.yaml (for editors: # yaml-language-server: $schema=...)\n' +
        'help:display help for command\n',
    );
    expect(ensure).toContain(
      '--dry-run:print the plan as docker commands with reasons and the endpoint checks; change nothing (exit 0)\n',
    );
    expect(platform).toBe('FILES\n');
  });

  it('names every command and flag', () => {
    for (const e of entries)
      for (const w of [...e.commands, ...e.flags]) expect(script).toContain(`'${w.name}:`);
  });
});

describe('runCompletion', () => {
  it('prints the script for bash and zsh and returns 0', async () => {
    const { deps, exit, stdout } = captureDeps();
    expect(await exit(() => runCompletion(deps, 'zsh', buildProgram()))).toBe(0);
    expect(stdout()).toBe(zshScript(entries));
  });

  it('refuses another shell with a usage error naming the ones it has', async () => {
    const { deps } = captureDeps();
    await expect(runCompletion(deps, 'fish', buildProgram())).rejects.toThrow(UsageError);
    await expect(runCompletion(deps, 'fish', buildProgram())).rejects.toMatchObject({
      message: 'mpb cannot complete for the shell "fish"',
      hint: 'Write one of: mpb completion bash, mpb completion zsh',
    });
  });
});
