import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { BuildReport } from '../../../src/core/build-report.js';
import { renderReport, renderReportMarkdown } from '../../../src/ui/render-report.js';

const c = new Chalk({ level: 0 });
const report: BuildReport = {
  strategy: 'split',
  reason: 'single would emulate linux/arm64 on "a" while "b" runs it natively',
  digest: 'sha256:863181f11a69',
  wallMs: 4200,
  platforms: [
    {
      platform: 'linux/amd64',
      node: 'a',
      builtOn: 'a',
      verdict: 'native',
      durationMs: 2139,
      cachedSteps: 0,
      totalSteps: 6,
    },
    {
      platform: 'linux/arm64',
      node: 'b',
      builtOn: null,
      verdict: 'native',
      durationMs: null,
      cachedSteps: null,
      totalSteps: null,
    },
    {
      platform: 'linux/riscv64',
      node: 'b',
      builtOn: 'a',
      verdict: 'emulated',
      durationMs: 37_000,
      cachedSteps: 1,
      totalSteps: 6,
    },
  ],
  emulation:
    'linux/riscv64 was emulated (QEMU) on "a": 37.0 s. A node that runs it natively is typically 4–10× faster.',
  warnings: ['linux/riscv64 was built on "a", not on "b" as predicted'],
};

describe('renderReport', () => {
  it('one row per platform; a platform buildx has no history of shows the prediction, marked', () => {
    expect(renderReport(report, c)).toEqual([
      'split build in 4.2 s, sha256:863181f11a69 (single would emulate linux/arm64 on "a" while "b" runs it natively)',
      '  PLATFORM       NODE  BUILT ON       BUILD            TIME    CACHED',
      '  linux/amd64    a     a              native           2.1 s   0/6',
      '  linux/arm64    b     b (predicted)  native           -       -',
      '  linux/riscv64  b     a              emulated (QEMU)  37.0 s  1/6',
      'linux/riscv64 was emulated (QEMU) on "a": 37.0 s. A node that runs it natively is typically 4–10× faster.',
      'warning: linux/riscv64 was built on "a", not on "b" as predicted',
    ]);
  });
  it('no digest, no emulation, no warnings: the headline and the table only', () => {
    const plain = {
      ...report,
      digest: null,
      emulation: null,
      warnings: [],
      platforms: report.platforms.slice(0, 1),
    };
    expect(renderReport(plain, c)).toHaveLength(3);
    expect(renderReport(plain, c)[0]).toBe(
      'split build in 4.2 s (single would emulate linux/arm64 on "a" while "b" runs it natively)',
    );
  });
});

describe('renderReportMarkdown', () => {
  it('a table for $GITHUB_STEP_SUMMARY, with the cost and warnings after it', () => {
    expect(renderReportMarkdown(report)).toBe(
      [
        '### mpb build',
        '',
        'split build in 4.2 s, sha256:863181f11a69 (single would emulate linux/arm64 on "a" while "b" runs it natively)',
        '',
        '| Platform | Node | Built on | Build | Time | Cached |',
        '| --- | --- | --- | --- | --- | --- |',
        '| linux/amd64 | a | a | native | 2.1 s | 0/6 |',
        '| linux/arm64 | b | b (predicted) | native | - | - |',
        '| linux/riscv64 | b | a | emulated (QEMU) | 37.0 s | 1/6 |',
        '',
        '> linux/riscv64 was emulated (QEMU) on "a": 37.0 s. A node that runs it natively is typically 4–10× faster.',
        '',
        '- ⚠️ linux/riscv64 was built on "a", not on "b" as predicted',
        '',
        '',
      ].join('\n'),
    );
  });
  it('escapes a pipe inside a cell', () => {
    const piped = { ...report, warnings: [], emulation: null, reason: 'a | b' };
    expect(renderReportMarkdown(piped)).toContain('(a \\| b)');
  });
});
