// Terminal layout: aligned columns and wrapped lines that fit a width. A width is given only for a TTY; pipes
// and files get `undefined` and so the whole text, uncut (a log or a grep must see every character).
import { stripVTControlCharacters } from 'node:util';

/** How output is laid out: colours, the terminal's width (undefined: not a terminal), and --wide. */
export interface Layout {
  width: number | undefined;
  wide: boolean;
}

/** Columns a string takes on screen: colour codes take none. */
export const visibleLength = (text: string): number => stripVTControlCharacters(text).length;

const padVisible = (cell: string, width: number) =>
  cell + ' '.repeat(Math.max(0, width - visibleLength(cell)));

// Where a cell may break, best first: between list items and words, then inside a platform or an endpoint.
const BREAKS = [
  (text: string, i: number) => text[i] === ' ' || text[i - 1] === ',',
  (text: string, i: number) => text[i] === '(' || '/:'.includes(text[i - 1]!),
];

/** The best place to break `text` at or before `width`: late enough to fill a third of the line, else mid-word. */
function breakAt(text: string, width: number): number {
  for (const fits of BREAKS) {
    for (let i = width; i > width / 3; i--) if (fits(text, i)) return i;
  }
  return width;
}

/**
 * A cell as lines of at most `width` columns: nothing is cut. A broken cell loses its colour, which cannot be
 * split safely.
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
  lines.push(rest);
  return lines;
}

// No column shrinks below this: a header and a few characters stay readable.
const MIN_COLUMN = 6;

/** Narrows the widest columns, one character at a time, until the row fits `width` (or nothing can give). */
function fitWidths(widths: number[], gap: number, width: number): number[] {
  const fitted = [...widths];
  const total = () => fitted.reduce((a, b) => a + b, 0) + gap * Math.max(0, fitted.length - 1);
  while (total() > width) {
    const widest = fitted.indexOf(Math.max(...fitted));
    if (fitted[widest]! <= MIN_COLUMN) break;
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
  const widths = width === undefined ? natural : fitWidths(natural, gap.length, width);
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
