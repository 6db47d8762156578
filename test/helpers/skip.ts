// Tests that need something this machine may lack (a docker CLI, zsh, real BuildKit...) are skipped saying why:
// the reason ends the skipped test's name, `... (skipped: no docker CLI on PATH)`, so the report shows what is
// missing instead of a bare "skipped". A test that runs keeps its plain name.
import { describe, it, type TestFunction } from 'vitest';

/** Why something cannot run here, or undefined (also '' or false) when it can. */
export type SkipReason = string | undefined | false;

/** The first reason among these: a string, or a helper's `{ skip }` answer (anything else is no reason). */
export function whySkip(...reasons: Array<SkipReason | object>): string | undefined {
  for (const r of reasons) {
    const why = typeof r === 'object' && r !== null ? (r as { skip?: unknown }).skip : r;
    if (typeof why === 'string' && why !== '') return why;
  }
  return undefined;
}

const named = (title: string, why: SkipReason) => (why ? `${title} (skipped: ${why})` : title);

/** `it` (and `.concurrent`), skipped where `why` is given; `timeout` is the tests' default. */
export function itUnless(why: SkipReason, timeout?: number) {
  const test = (title: string, fn: TestFunction, ms = timeout) => it.skipIf(why)(named(title, why), fn, ms);
  test.concurrent = (title: string, fn: TestFunction, ms = timeout) =>
    it.skipIf(why).concurrent(named(title, why), fn, ms);
  return test;
}

/** `describe`, every test of it skipped where `why` is given. */
export function describeUnless(why: SkipReason, title: string, fn: () => void): void {
  describe.skipIf(why)(named(title, why), fn);
}
