// The README's "Diagnosis codes" table is the public list of codes: it must say exactly what codes.ts says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeOfNodeStatus, DIAGNOSES } from '../../../src/probe/codes.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The rows of the table under `## Diagnosis codes`, as [code, meaning]. */
function readmeRows(): [string, string][] {
  const section = README.split(/^## Diagnosis codes$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!]);
}

describe('diagnosis codes', () => {
  it('README lists every code with its meaning, in the same order, and no other', () => {
    const expected = Object.entries(DIAGNOSES);
    const table = expected.map(([code, meaning]) => `| \`${code}\` | ${meaning} |`).join('\n');
    // On failure, the expected table is in the message: paste it into README.md.
    expect(readmeRows(), `README.md "## Diagnosis codes" should hold:\n${table}`).toEqual(expected);
  });

  it.each([
    ['inactive', undefined, 'node.inactive'],
    ['stopped', undefined, 'node.stopped'],
    ['error', undefined, 'node.error'],
    ['inactive', 'context deadline exceeded', 'node.error'],
    ['starting', undefined, 'node.down'],
    [undefined, undefined, 'node.down'],
  ] as const)('buildx status %s (error %s) → %s', (status, error, code) => {
    expect(codeOfNodeStatus(status, error)).toBe(code);
  });
});
