// Small pieces shared by the text parsers (`ls` table, `inspect`): failing at a line, cells, platforms, times.
import type { ParseError, PlatformEntry } from '../model.js';

export type Failed = { ok: false; error: ParseError };

/** A parse error that quotes the line it stopped at (1-based). */
export function failAt(format: string, line: number, text: string, message: string): Failed {
  return { ok: false, error: { kind: 'parse-error', format, line, text, message } };
}

/** Lines of a command's output, without `\r` and without the empty string after the final newline. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

// buildx names (store/util.go) start with a letter; docker context names (which name context builders)
// may start with a digit and contain `+`. Anything with blanks or `*` inside is not a name.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
export const isName = (text: string): boolean => NAME.test(text);

// containerd's platforms.Format: os/arch[/variant], lower case (`linux/arm/v7`, `unknown/unknown`).
const PLATFORM = /^[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*(?:\/[a-z0-9][a-z0-9_.-]*)?$/;

export interface PlatformCell {
  entries: PlatformEntry[];
  /** False when buildx abbreviated the list (0.18+ tables: `linux/amd64* (+4)`, `(3 more)`). */
  complete: boolean;
}

/**
 * A Platforms cell as `ls` and `inspect` print it: pinned platforms first, each with `*`, then the workers'.
 * From 0.18, `ls` tables group platforms by os/arch (`linux/arm* (+2)`: the `*` says *some* member is pinned)
 * and drop the tail (`(3 more)`); a group keeps only its os/arch here and the cell is marked incomplete
 * (captures v0.29.1/ls-two-nodes, qemu-ls, dc-ls).
 */
export function parsePlatformCell(cell: string): PlatformCell | string {
  const result: PlatformCell = { entries: [], complete: true };
  if (cell.trim() === '') return result;
  for (const item of cell.trim().split(', ')) {
    if (/^\(\d+ more\)$/.test(item)) {
      result.complete = false;
      continue;
    }
    const m = /^(\S+?)(\*?)(?: \(\+(\d+)\))?$/.exec(item);
    if (!m || !PLATFORM.test(m[1]!)) return `not a platform: "${item}"`;
    if (m[3] !== undefined) result.complete = false;
    result.entries.push({ platform: m[1]!, pinned: m[2] === '*' });
  }
  return result;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * A builder's last activity as RFC 3339 UTC, whichever way buildx printed it: `inspect` prints Go's
 * `2026-11-28 01:13:16 +0000 UTC` (always UTC, docs/buildx.md#inspect-text), JSON `2026-11-28T01:13:16Z`,
 * and the zero time when unknown (context builders). Anything else is kept as printed.
 */
export function activityOf(text: string | undefined): string | undefined {
  if (text === undefined || text === '' || text === ZERO_TIME) return undefined;
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) \+0000 UTC$/.exec(text);
  return m ? `${m[1]}T${m[2]}Z` : text;
}
