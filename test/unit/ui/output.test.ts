import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { colorLevel, createOutput, isInteractive } from '../../../src/ui/output.js';
import { widthOf } from '../../../src/ui/table.js';
import { captureContext } from './capture.js';

describe('colour rules', () => {
  const rows: [string, { env: NodeJS.ProcessEnv; tty: boolean; color?: boolean }, 0 | 1][] = [
    ['a terminal', { env: {}, tty: true }, 1],
    ['a pipe', { env: {}, tty: false }, 0],
    ['a terminal in CI', { env: { CI: 'true' }, tty: true }, 0],
    ['a terminal with CI=false', { env: { CI: 'false' }, tty: true }, 1],
    ['a terminal with CI empty', { env: { CI: '' }, tty: true }, 1],
    ['a pipe with FORCE_COLOR=1', { env: { FORCE_COLOR: '1' }, tty: false }, 1],
    ['CI with FORCE_COLOR=1', { env: { CI: 'true', FORCE_COLOR: '1' }, tty: false }, 1],
    ['a pipe with FORCE_COLOR empty (chalk: on)', { env: { FORCE_COLOR: '' }, tty: false }, 1],
    ['a terminal with FORCE_COLOR=0', { env: { FORCE_COLOR: '0' }, tty: true }, 0],
    ['a terminal with NO_COLOR=1', { env: { NO_COLOR: '1' }, tty: true }, 0],
    ['NO_COLOR wins over FORCE_COLOR', { env: { NO_COLOR: '1', FORCE_COLOR: '1' }, tty: true }, 0],
    ['an empty NO_COLOR is ignored', { env: { NO_COLOR: '' }, tty: true }, 1],
    ['--no-color wins over FORCE_COLOR', { env: { FORCE_COLOR: '1' }, tty: true, color: false }, 0],
  ];
  it.each(rows)('%s', (_name, options, level) => {
    expect(colorLevel(captureContext(options).ctx)).toBe(level);
  });
});

describe('spinners', () => {
  const rows: [string, { env: NodeJS.ProcessEnv; tty: boolean; json?: boolean }, boolean][] = [
    ['a terminal', { env: {}, tty: true }, true],
    ['a pipe', { env: {}, tty: false }, false],
    ['CI=true on a terminal', { env: { CI: 'true' }, tty: true }, false],
    ['CI=1 on a terminal', { env: { CI: '1' }, tty: true }, false],
    ['--json on a terminal', { env: {}, tty: true, json: true }, false],
  ];
  it.each(rows)('%s', (_name, options, interactive) => {
    expect(isInteractive(captureContext(options).ctx)).toBe(interactive);
  });
});

describe('plain output in CI', () => {
  it('prints each step as one line on stderr, no escape codes, and returns the work', async () => {
    const { ctx, stdout, stderr } = captureContext({ env: { CI: 'true' }, tty: true });
    const out = createOutput(ctx);
    const value = await out.step('probing 3 endpoints', async () => 42);
    out.warn('tcp://10.0.0.5:1234 has no TLS');
    out.result('fleet  running');
    expect(value).toBe(42);
    expect(stderr()).toBe('probing 3 endpoints...\nwarning: tcp://10.0.0.5:1234 has no TLS\n');
    expect(stdout()).toBe('fleet  running\n');
  });

  it('colours warnings with FORCE_COLOR even in CI', () => {
    const { ctx, stderr } = captureContext({ env: { CI: 'true', FORCE_COLOR: '1' } });
    createOutput(ctx).warn('careful');
    expect(stderr()).toBe('\u001b[33mwarning: careful\u001b[39m\n');
  });

  it('wraps a note at spaces to the terminal (80 columns when it reports none), and never on a pipe', () => {
    const note =
      "no config file found: buildx's builders are shown as undeclared ones (mpb init --from BUILDER writes one)";
    const tty = captureContext({ tty: true });
    createOutput(tty.ctx).info(note);
    expect(tty.stderr()).toBe(
      "no config file found: buildx's builders are shown as undeclared ones (mpb init\n  --from BUILDER writes one)\n",
    );
    const pipe = captureContext({ tty: false });
    createOutput(pipe.ctx).info(note);
    expect(pipe.stderr()).toBe(`${note}\n`);
  });

  it('keeps stdout to the JSON document and stays quiet on stderr under --json', async () => {
    const { ctx, stdout, stderr } = captureContext({ json: true });
    const out = createOutput(ctx);
    await out.step('probing', async () => undefined);
    out.info('progress');
    out.json({ ok: true });
    expect(JSON.parse(stdout())).toEqual({ ok: true });
    expect(stderr()).toBe('');
  });
});

describe('steps on a terminal', () => {
  it("wrap a long label at spaces under the mark, within the terminal's width", async () => {
    const { ctx, stderr } = captureContext({ env: { NO_COLOR: '1' }, tty: true });
    const out = createOutput(ctx);
    const label = 'builder "fleet" does not exist: create it with its first node "linux-amd64"';
    await out.step(label, async () => undefined);
    const lines = stripVTControlCharacters(stderr()).split('\n').filter(Boolean);
    expect(lines).toEqual([
      '✓ builder "fleet" does not exist: create it with its first node "linux-amd64"',
      expect.stringMatching(/^ {2}\d+\.\ds$/),
    ]);
  });

  it('end in a ✓ line with the elapsed time, or ✗ when the work fails (which still throws)', async () => {
    const { ctx, stderr } = captureContext({ env: { NO_COLOR: '1' }, tty: true });
    const out = createOutput(ctx);
    expect(await out.step('bootstrapping fleet', async () => 'up')).toBe('up');
    await expect(out.step('creating node a', () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    const lines = stripVTControlCharacters(stderr()).split('\n').filter(Boolean);
    expect(lines).toEqual([
      expect.stringMatching(/^✓ bootstrapping fleet \d+\.\ds$/),
      expect.stringMatching(/^✗ creating node a \d+\.\ds$/),
    ]);
    // NO_COLOR: no colour codes, only the cursor movements a spinner needs.
    expect(stderr()).not.toMatch(/\u001b\[3\dm/);
  });

  it('a step that prints no plain line stays silent outside a terminal', async () => {
    const { ctx, stderr } = captureContext({ tty: false });
    await createOutput(ctx).step('reading', async () => 1, { plainLine: false });
    expect(stderr()).toBe('');
  });
});

describe('groups', () => {
  it('fold the work in ::group:: / ::endgroup:: under GitHub Actions only, even when it fails', async () => {
    const gha = captureContext({ env: { GITHUB_ACTIONS: 'true', CI: 'true' } });
    await expect(
      createOutput(gha.ctx).group('docker buildx build on fleet', async () => {
        gha.ctx.stderr.write('#1 building\n');
        throw new Error('exit 1');
      }),
    ).rejects.toThrow('exit 1');
    expect(gha.stderr()).toBe('::group::docker buildx build on fleet\n#1 building\n::endgroup::\n');
    const local = captureContext({ env: { CI: 'true' } });
    expect(await createOutput(local.ctx).group('build', async () => 7)).toBe(7);
    expect(local.stderr()).toBe('');
  });
});

describe('width', () => {
  it("is a terminal's columns, 80 when it reports none, and none for a pipe", () => {
    const tty = captureContext({ tty: true });
    expect(widthOf(tty.ctx.stdout)).toBe(80);
    expect(widthOf(Object.assign(tty.ctx.stdout, { columns: 132 }))).toBe(132);
    expect(widthOf(captureContext({ tty: false }).ctx.stdout)).toBeUndefined();
  });
});
