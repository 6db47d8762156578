// The human renderers at 80 columns, on builders read from real buildx captures: no line may wrap. Without a
// width (a pipe, a file) the same content comes whole.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { BuildxBuilder } from '../../../src/buildx/model.js';
import { shellQuote } from '../../../src/buildx/quote.js';
import { versionOf } from '../../../src/buildx/version.js';
import type { BuildReport } from '../../../src/core/build-report.js';
import { describeDeclared } from '../../../src/core/drift.js';
import { verifyBuilder } from '../../../src/core/health.js';
import { planEnsure } from '../../../src/core/plan.js';
import type { EnsureReport } from '../../../src/reconcile/ensure.js';
import { emulatedCell, foldVariants, nativeCell } from '../../../src/ui/platform-list.js';
import { renderEnsure, renderHealth } from '../../../src/ui/render-ensure.js';
import { renderLs } from '../../../src/ui/render-ls.js';
import { renderReport } from '../../../src/ui/render-report.js';
import { longestUnbreakable, renderTable, visibleLength, wrapLine } from '../../../src/ui/table.js';
import { builderFromCapture, FLEET, MIXED, mixedPinned } from './../core/fixtures.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });
const TTY80 = { width: 80, wide: false };
const PIPE = { width: undefined, wide: false };
const over80 = (lines: readonly string[]) =>
  lines.flatMap((l) => l.split('\n')).filter((l) => visibleLength(l) > 80);

const fleet13 = builderFromCapture('0.13.1', 'inspect');
const fleet29 = builderFromCapture('0.29.1', 'inspect');
const dead = builderFromCapture('0.13.1', 'inspect-dead');
const mixed = mixedPinned();
const stopped = (b: BuildxBuilder, name: string): BuildxBuilder => ({
  ...b,
  nodes: b.nodes.map((n) => (n.name === name ? { ...n, status: 'inactive', platforms: [] } : n)),
});

const healthCases = [
  ['fleet 0.13.1', verifyBuilder(FLEET, fleet13)],
  ['fleet 0.29.1', verifyBuilder(FLEET, fleet29)],
  ['fleet, one node down', verifyBuilder(FLEET, stopped(fleet13, FLEET.nodes[1]!.name))],
  ['fleet, a dead node', verifyBuilder(FLEET, dead)],
  ['mixed (QEMU)', verifyBuilder(MIXED, mixed)],
] as const;

function ensureReport(actual: BuildxBuilder | undefined, dryRun: boolean): EnsureReport {
  const plan = planEnsure(FLEET, actual, { version: versionOf('0.13.1'), prune: false, recreate: false });
  return {
    builder: FLEET.name,
    dryRun,
    plan,
    preflight: [],
    executed: [],
    health: dryRun ? undefined : verifyBuilder(FLEET, fleet13),
    outcome: 'ok',
    exitCode: 0,
  };
}

describe('at 80 columns', () => {
  it.each(healthCases)('the health table of %s fits', (_, health) => {
    for (const c of [plain, coloured]) expect(over80(renderHealth(health, c, TTY80))).toEqual([]);
  });

  it('a dry run plan (long TLS driver options) fits as pasteable lines', () => {
    const lines = renderEnsure(ensureReport(undefined, true), plain, TTY80);
    expect(over80(lines)).toEqual([]);
    // Every broken command line but the last of a command ends in a shell continuation.
    const joined = lines.join('\n').replace(/ \\\n {4}/g, ' ');
    expect(joined).toBe(renderEnsure(ensureReport(undefined, true), plain, PIPE).join('\n'));
  });

  it("a real run's executed commands fit", () => {
    const report = ensureReport(undefined, false);
    const executed = report.plan.actions.map((a) => ({
      kind: a.kind,
      command: shellQuote([a.file, ...a.argv]),
      exitCode: 0,
      durationMs: 1,
    }));
    expect(executed.length).toBeGreaterThan(0);
    const lines = renderEnsure({ ...report, executed }, coloured, TTY80);
    expect(over80(lines)).toEqual([]);
    expect(renderEnsure({ ...report, executed }, plain, PIPE)).toContain(`✓ ${executed[0]!.command}`);
  });

  it('a build report with a long reason, an emulation line and a warning fits', () => {
    const report: BuildReport = {
      strategy: 'single',
      reason:
        'every platform is built natively where buildx sends it, and no per-platform cache needs one job per node',
      digest: `sha256:${'a'.repeat(64)}`,
      wallMs: 1300,
      platforms: [
        {
          platform: 'linux/amd64',
          node: 'intel-box-01',
          builtOn: null,
          verdict: 'native',
          durationMs: null,
          cachedSteps: null,
          totalSteps: null,
        },
        {
          platform: 'linux/arm64',
          node: 'intel-box-01',
          builtOn: 'intel-box-01',
          verdict: 'emulated',
          durationMs: 245_000,
          cachedSteps: 3,
          totalSteps: 12,
        },
      ],
      emulation:
        'linux/arm64 was emulated (QEMU) on "intel-box-01": 245.0 s. A node that runs it natively is typically 4–10× faster.',
      warnings: ['linux/arm64 was built on "intel-box-01", not on "apple-m2-studio" as predicted'],
    };
    for (const c of [plain, coloured]) expect(over80(renderReport(report, c, TTY80))).toEqual([]);
    expect(renderReport(report, plain, PIPE)[0]).toContain(report.reason);
  });

  it('ls of declared builders read from captures fits', () => {
    const views = [
      describeDeclared(FLEET, fleet13, { version: versionOf('0.13.1'), containers: undefined }),
      describeDeclared(FLEET, dead, { version: versionOf('0.13.1'), containers: undefined }),
      describeDeclared(MIXED, mixed, { version: versionOf('0.13.1'), containers: undefined }),
    ];
    for (const c of [plain, coloured]) expect(over80(renderLs(views, c, TTY80))).toEqual([]);
  });
});

describe('without a width (pipes, files)', () => {
  it('nothing is cut; variants are folded and emulated platforms counted all the same', () => {
    const lines = renderHealth(verifyBuilder(MIXED, mixed), plain, PIPE);
    expect(lines.join('\n')).not.toContain('…');
    const qemu = mixed.nodes[1]!;
    const emulated = verifyBuilder(MIXED, mixed).nodes[1]!.emulated;
    expect(emulated.length).toBeGreaterThan(2);
    expect(lines.find((l) => l.includes(qemu.name))).toContain(emulatedCell(emulated, false));
  });

  it('--wide lists every platform', () => {
    const health = verifyBuilder(MIXED, mixed);
    const text = renderHealth(health, plain, { width: undefined, wide: true }).join('\n');
    for (const p of health.nodes.flatMap((n) => [...n.native, ...n.emulated])) expect(text).toContain(p);
  });
});

describe('platform cells', () => {
  it('fold variants under their architecture', () => {
    expect(
      foldVariants([
        'linux/amd64',
        'linux/amd64/v2',
        'linux/amd64/v3',
        'linux/386',
        'linux/arm/v7',
        'linux/arm/v6',
      ]),
    ).toEqual(['linux/amd64 (+v2,v3)', 'linux/386', 'linux/arm/v7 (+v6)']);
    expect(nativeCell(['linux/amd64', 'linux/amd64/v2'], true)).toBe('linux/amd64,linux/amd64/v2');
  });

  it('count emulated architectures beyond two', () => {
    expect(emulatedCell(['linux/arm64', 'linux/arm/v7', 'linux/arm/v6'], false)).toBe(
      'linux/arm64,linux/arm/v7 (+v6)',
    );
    expect(emulatedCell(['linux/arm64', 'linux/riscv64', 'linux/s390x'], false)).toBe('3 via QEMU');
    expect(emulatedCell([], false)).toBe('-');
  });
});

describe('renderTable and wrapLine', () => {
  it('narrow the widest column and continue its long cells on the next lines, colours not counted', () => {
    const rows = [
      ['A', 'B'],
      [coloured.red('x'), `${'y'.repeat(13)} ${'y'.repeat(16)}`],
      ['z', 'linux/arm64,linux/riscv64'],
    ];
    const lines = renderTable(rows, 20);
    expect(lines).toEqual([
      'A  B',
      `${coloured.red('x')}  ${'y'.repeat(13)}`,
      `   ${'y'.repeat(16)}`,
      'z  linux/arm64,',
      '   linux/riscv64',
    ]);
    expect(renderTable(rows)[1]).toContain(`${'y'.repeat(13)} ${'y'.repeat(16)}`);
  });

  it('break a cell at a space, after a comma, a / or a :, never inside a word or a ://', () => {
    const rows = [
      ['NODE', 'ENDPOINT', 'STATUS'],
      ['default', 'unix:///var/run/docker.sock', 'running'],
    ];
    const lines = renderTable(rows, 29);
    expect(lines).toEqual([
      'NODE     ENDPOINT     STATUS',
      'default  unix:///     running',
      '         var/run/',
      '         docker.sock',
    ]);
    expect(longestUnbreakable('unix:///var/run/docker.sock', 2)).toBe('docker.sock'.length);
    // A table that cannot fit so breaks a name after a - or a . too.
    expect(renderTable([['mpb-buildkit-mac-arm64', 'build-amd64.example.com']], 20)).toEqual([
      'mpb-       build-',
      'buildkit-  amd64.',
      'mac-arm64  example.',
      '           com',
    ]);
    // A word wider than any column can be stays whole: the line runs long instead.
    expect(renderTable([['a', 'abcdefghijklmnop']], 8)).toEqual(['a  abcdefghijklmnop']);
  });

  it('break prose at spaces under an indent, and never without a width', () => {
    const text = 'one two three four five six seven';
    expect(wrapLine(text, 14, '  ')).toEqual(['one two three', '  four five', '  six seven']);
    expect(wrapLine(text, undefined, '  ')).toEqual([text]);
    expect(wrapLine('one two three\n  four five six', 14, '  ')).toEqual([
      'one two three',
      '  four five',
      '  six',
    ]);
    expect(wrapLine('    → a b c', 8, '      ')).toEqual(['    → a', '      b', '      c']);
  });
});
