// Terminal layout: aligned columns and wrapped lines that fit a width. A width is given only for a TTY; pipes
// and files get `undefined` and so the whole text, uncut (a log or a grep must see every character).
import { stripVTControlCharacters } from 'node:util';

/** The width tables and prose are fitted to: a TTY's columns, 80 if it reports none; pipes and files: none. */
export function widthOf(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  if (!stream.isTTY) return undefined;
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/** How output is laid out: colours, the terminal's width (undefined: not a terminal), and --wide. */
export interface Layout {
  width: number | undefined;
  wide: boolean;
}

/** Columns a string takes on screen: colour codes take none. */
export const visibleLength = (text: string): number => stripVTControlCharacters(text).length;

const padVisible = (cell: string, width: number) =>
  cell + ' '.repeat(Math.max(0, width - visibleLength(cell)));

// Where a cell may break, best first: between list items and words; then inside a platform or an endpoint,
// after a `/` or `:` (never inside `://`, which reads as one mark) or before a `(`; last, after a `-` or `.`
// of a host or container name. Never inside a run of letters and digits.
const isMark = (c: string | undefined) => c !== undefined && !/[A-Za-z0-9]/.test(c);
const BREAKS = [
  (text: string, i: number) => text[i] === ' ' || text[i - 1] === ',',
  (text: string, i: number) =>
    text[i] === '(' || (text[i] !== '/' && text[i] !== ':' && '/:'.includes(text[i - 1]!)),
  (text: string, i: number) => '-.'.includes(text[i - 1]!) && !isMark(text[i]) && !isMark(text[i - 2]),
];
const breaksAt = (text: string, i: number, kinds = BREAKS.length) =>
  BREAKS.slice(0, kinds).some((fits) => fits(text, i));
// The kinds of break that keep a name whole: a column is narrowed past them only when the table cannot fit.
const WHOLE_NAMES = 2;

/**
 * The longest part of `text` between two places it may break (with the first `kinds` kinds of break): its
 * column can be no narrower.
 */
export function longestUnbreakable(text: string, kinds = BREAKS.length): number {
  const plain = stripVTControlCharacters(text);
  let longest = 0;
  let start = 0;
  for (let i = 1; i <= plain.length; i++) {
    if (i === plain.length || breaksAt(plain, i, kinds)) {
      longest = Math.max(longest, plain.slice(start, i).trim().length);
      start = i;
    }
  }
  return longest;
}

/**
 * The best place to break `text` at or before `width`: the best kind of break late enough to fill a third of
 * the line, else the last place it may break, else the first one after `width` (a word is never cut: the line
 * then runs long).
 */
function breakAt(text: string, width: number): number {
  for (const fits of BREAKS) for (let i = width; i > width / 3; i--) if (fits(text, i)) return i;
  for (let i = width; i > 0; i--) if (breaksAt(text, i)) return i;
  for (let i = width + 1; i < text.length; i++) if (breaksAt(text, i)) return i;
  return text.length;
}

/**
 * A cell as lines of at most `width` columns (longer only for a word wider than that): nothing is cut. A broken
 * cell loses its colour, which cannot be split safely.
 */
function wrapCell(cell: string, width: number): string[] {
  if (visibleLength(cell) <= width) return [cell];
  const lines: string[] = [];
  let rest = stripVTControlCharacters(cell);
  while (rest.length > width) {
    const at = breakAt(rest, width);
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') lines.push(rest);
  return lines;
}

// No column shrinks below this: a header and a few characters stay readable.
const MIN_COLUMN = 6;

/**
 * Narrows the widest columns, one character at a time, until the row fits `width`, or nothing can give: no
 * column goes below MIN_COLUMN or below its longest word (`floors`).
 */
function fitWidths(widths: number[], floors: readonly number[], gap: number, width: number): number[] {
  const fitted = [...widths];
  const total = () => fitted.reduce((a, b) => a + b, 0) + gap * Math.max(0, fitted.length - 1);
  while (total() > width) {
    const narrowable = fitted.map((w, i) => (w > Math.max(MIN_COLUMN, floors[i]!) ? w : -1));
    const widest = narrowable.indexOf(Math.max(...narrowable));
    if (narrowable[widest]! < 0) break;
    fitted[widest]! -= 1;
  }
  return fitted;
}

/**
 * Plain aligned columns; the last column is never padded, so lines carry no trailing blanks. With a `width`
 * (a TTY's, less any indent) the widest columns are narrowed and a cell too long for its column continues on
 * the row's next lines, in its column.
 */
export function renderTable(rows: readonly (readonly string[])[], width?: number): string[] {
  const gap = '  ';
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, i) =>
    Math.max(...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const floors = (kinds?: number) =>
    Array.from({ length: columns }, (_, i) =>
      Math.max(...rows.map((r) => longestUnbreakable(r[i] ?? '', kinds))),
    );
  // Names whole if the table can fit so; else broken after a `-` or `.` too.
  const widths =
    width === undefined
      ? natural
      : fitWidths(fitWidths(natural, floors(WHOLE_NAMES), gap.length, width), floors(), gap.length, width);
  return rows.flatMap((r) => {
    const cells = r.map((cell, i) => wrapCell(cell, widths[i]!));
    const height = Math.max(1, ...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, line) =>
      cells
        .map((c, i) => (i < r.length - 1 ? padVisible(c[line] ?? '', widths[i]!) : (c[line] ?? '')))
        .join(gap)
        .trimEnd(),
    );
  });
}

/**
 * One line of prose, broken at spaces so it fits `width`, continuation lines under `indent` (a TTY only:
 * without a width the line is returned whole). A word longer than the line is left whole on a line of its own.
 */
export function wrapLine(text: string, width: number | undefined, indent = ''): string[] {
  // A text of several lines (a message that lists its causes) is wrapped line by line, each keeping its indent.
  if (text.includes('\n')) return text.split('\n').flatMap((line) => wrapLine(line, width, indent));
  if (width === undefined || visibleLength(text) <= width) return [text];
  // The line's own indent stays on its first line.
  const lead = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let current = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    const limit = lines.length === 0 ? width : width - indent.length;
    if (visibleLength(candidate) <= limit || current.trim() === '') current = candidate;
    else {
      lines.push(lines.length === 0 ? current : `${indent}${current}`);
      current = word;
    }
  }
  lines.push(lines.length === 0 ? current : `${indent}${current}`);
  return lines;
}
