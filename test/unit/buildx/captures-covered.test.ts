// Every capture that holds `ls`, `ls --format json` or `inspect` output is in a parser's table: a new
// capture without expected values fails here instead of going untested.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPTURES } from '../../helpers/fake-run.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../../helpers/versions.js';
import { INSPECT_CASES } from './inspect-cases.js';
import { LS_JSON_CASES } from './ls-json-cases.js';
import { LS_TEXT_CASES } from './ls-text-cases.js';

type Kind = 'ls' | 'ls-json' | 'inspect';

function kindOf(name: string): Kind | undefined {
  if (name.startsWith('imagetools')) return undefined;
  if (name.includes('inspect')) return 'inspect';
  if (/(^|-)ls(-|$)/.test(name)) return name.includes('json') ? 'ls-json' : 'ls';
  return undefined;
}

/** Captures of each kind whose stdout is not empty (the failed ones are read.test.ts's). */
function capturedOutputs(kind: Kind): string[] {
  return VERSIONS.flatMap((v) =>
    readdirSync(`${CAPTURES}v${v}`)
      .filter((f) => f.endsWith('.stdout'))
      .map((f) => f.replace(/\.stdout$/, ''))
      .filter(
        (name) => kindOf(name) === kind && readFileSync(`${CAPTURES}v${v}/${name}.stdout`, 'utf8') !== '',
      )
      .map((name) => `${v} ${name}`),
  ).sort();
}

const tabled = (cases: [string, string, unknown][]) => cases.map(([v, name]) => `${v} ${name}`).sort();

describe('the parser tables cover the captures', () => {
  it.each<[Kind, [string, string, unknown][]]>([
    ['ls', LS_TEXT_CASES],
    ['ls-json', LS_JSON_CASES],
    ['inspect', INSPECT_CASES],
  ])('%s', (kind, cases) => {
    expect(tabled(cases)).toEqual(capturedOutputs(kind));
  });
});
