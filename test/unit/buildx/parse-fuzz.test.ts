// Property test: every parser, fed every capture cut short, garbled or shuffled, returns a value or a parse
// error that quotes a line of its input. Nothing throws; nothing hangs (the test timeout would catch it).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Parsed } from '../../../src/buildx/model.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import { parseLsJson } from '../../../src/buildx/parse/ls-json.js';
import { parseLsText } from '../../../src/buildx/parse/ls-text.js';
import { capture } from '../../helpers/fake-run.js';
import { INSPECT_CASES } from './inspect-cases.js';
import { LS_JSON_CASES } from './ls-json-cases.js';
import { LS_TEXT_CASES } from './ls-text-cases.js';

type Parser = (text: string) => Parsed<unknown>;
const PARSERS: Record<string, Parser> = { ls: parseLsText, json: parseLsJson, inspect: parseInspect };

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that mean something to one of the parsers, plus a few that mean nothing.
const NOISE = [
  '*',
  ':',
  ': ',
  '"',
  '\\',
  '\\_ ',
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\r',
  ',',
  ', ',
  '(+2)',
  '{',
  '}',
  '[',
  'é',
  '\u0000',
  'x',
  '/',
];

function mutationsOf(text: string, seed: number): string[] {
  const random = randomFrom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const lines = text.split('\n');
  const bytes = Buffer.from(text);
  const out: string[] = [];
  // Cut after every line, and at random byte offsets (mid-character included).
  for (let i = 0; i <= lines.length; i++) out.push(lines.slice(0, i).join('\n'));
  for (let i = 0; i < 20; i++) out.push(bytes.subarray(0, pick(bytes.length + 1)).toString('utf8'));
  // Overwrite a few characters with noise.
  for (let i = 0; i < 25; i++) {
    const chars = [...text];
    for (let k = 1 + pick(6); k > 0; k--)
      chars.splice(pick(chars.length + 1), pick(3), NOISE[pick(NOISE.length)]!);
    out.push(chars.join(''));
  }
  // Shuffle the lines.
  for (let i = 0; i < 5; i++) {
    const shuffled = [...lines];
    for (let j = shuffled.length - 1; j > 0; j--) {
      const k = pick(j + 1);
      [shuffled[j], shuffled[k]] = [shuffled[k]!, shuffled[j]!];
    }
    out.push(shuffled.join('\n'));
  }
  return out;
}

function expectValueOrQuotedError(parsed: Parsed<unknown>, input: string): void {
  if (parsed.ok) {
    expect(parsed.value).toBeTypeOf('object');
    expect(Array.isArray(parsed.unparsed)).toBe(true);
    return;
  }
  expect(parsed.error.kind).toBe('parse-error');
  expect(parsed.error.message).toBeTypeOf('string');
  const lines = input.split('\n').map((l) => l.replace(/\r$/, ''));
  expect([...lines, '']).toContain(parsed.error.text);
  expect(parsed.error.line).toBeGreaterThanOrEqual(1);
}

const INPUTS: [string, string, string][] = [
  ...LS_TEXT_CASES.map(([v, name]): [string, string, string] => [
    'ls',
    `${v} ${name}`,
    capture(v, name).stdout,
  ]),
  ...LS_JSON_CASES.map(([v, name]): [string, string, string] => [
    'json',
    `${v} ${name}`,
    capture(v, name).stdout,
  ]),
  ...INSPECT_CASES.map(([v, name]): [string, string, string] => [
    'inspect',
    `${v} ${name}`,
    capture(v, name).stdout,
  ]),
  ...readdirSync(new URL('../../fixtures/reference/', import.meta.url))
    .filter((f) => /^(ls-v|inspect-)/.test(f) && !/\.(tsv|stderr\.txt)$/.test(f))
    .map((f): [string, string, string] => [
      f.endsWith('.jsonl') ? 'json' : f.startsWith('ls') ? 'ls' : 'inspect',
      `reference ${f}`,
      readFileSync(new URL(`../../fixtures/reference/${f}`, import.meta.url), 'utf8'),
    ]),
];

describe('parsers on cut, garbled and shuffled outputs', () => {
  it.each(INPUTS.map((input, i) => [...input, i] as const))('%s: %s', (kind, _name, text, seed) => {
    const lines = text.split('\n');
    for (const mutated of mutationsOf(text, seed + 1)) {
      for (const parse of Object.values(PARSERS)) expectValueOrQuotedError(parse(mutated), mutated);
      // The same noise as the `ls` table's stderr, where the reasons for `error` rows are read.
      expectValueOrQuotedError(parseLsText(text, mutated), text);
    }
    // A prefix of whole lines is still valid output of the same command, as far as it goes.
    const own = PARSERS[kind]!;
    for (let i = 1; i <= lines.length; i++) {
      const prefix = lines.slice(0, i).join('\n');
      if (prefix.trim() !== '' && !lines[0]!.startsWith('$ ')) expect(own(prefix).ok, prefix).toBe(true);
    }
  });
});
