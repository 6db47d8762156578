// A YAML indentation mistake, found where it is: the first line whose key is not at a column its block allows,
// with the column it belongs at (the one of its siblings, chosen by what the key is) and the line as it should
// read. The yaml parser reports such a mistake later and elsewhere (often twice, at column 1); this reads the
// lines themselves. Block style only: lines inside flow collections ([ ], { }) and block scalars are skipped.
import type { ConfigIssue } from '../errors.js';

// The keys of each level of builders.yaml: a misplaced key goes where keys of its kind are.
const LEVELS: readonly (readonly string[])[] = [
  ['version', 'defaultBuilder', 'builders'],
  ['driver', 'use', 'nodes', 'strategy', 'cache'],
  [
    'name',
    'endpoint',
    'platforms',
    'emulate',
    'tls',
    'driverOpts',
    'buildkitdFlags',
    'buildkitdConfig',
    'local',
    'image',
  ],
  ['ca', 'cert', 'key', 'servername'],
];
const kindOf = (key: string) => LEVELS.findIndex((keys) => keys.includes(key));

interface Frame {
  col: number;
  /** A key at this column (the first seen), to name as the sibling to line up with. */
  key: string | undefined;
  line: number;
  /** The kinds of the keys seen at this column. */
  kinds: Set<number>;
}

/** `  - name: x` → the columns a line opens: the `-` of an item, then its key; and the key's name. */
function readLine(text: string): { cols: number[]; key: string | undefined; opens: boolean } {
  const cols: number[] = [];
  let i = /^ */.exec(text)![0].length;
  while (text.startsWith('- ', i) || text.slice(i) === '-') {
    cols.push(i);
    i += 1 + (/^ */.exec(text.slice(i + 1))?.[0].length ?? 0);
  }
  const rest = text.slice(i).replace(/\s+#.*$/, '');
  const key = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:(\s|$)/.exec(rest)?.[1];
  if (rest !== '') cols.push(i);
  // A key without a value, or a bare `-`, opens a block on the next lines.
  const opens = rest === '' || /:\s*([|>][-+0-9]*)?$/.test(rest);
  return { cols, key, opens };
}

/** The first misindented line of `text` as one issue, or undefined when the indentation reads right. */
export function findMisindent(file: string, text: string): ConfigIssue | undefined {
  const lines = text.split('\n');
  const stack: Frame[] = [];
  let opened = true;
  let scalarUnder: number | undefined;
  let depth = 0;
  for (const [n, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const content = line.trim();
    const indent = line.length - line.trimStart().length;
    if (content === '' || content.startsWith('#')) continue;
    if (scalarUnder !== undefined && indent > scalarUnder) continue;
    scalarUnder = undefined;
    const inFlow = depth > 0;
    depth += (content.match(/[[{]/g) ?? []).length - (content.match(/[\]}]/g) ?? []).length;
    if (inFlow || /^(---|\.\.\.)/.test(content) || line.startsWith('\t')) continue;
    const { cols, key, opens } = readLine(line);
    const col = cols[0]!;
    const top = stack.at(-1);
    if (top && col > top.col && !opened) {
      return issue(file, n + 1, line, col, key, [...stack].reverse());
    }
    if (!(top && col > top.col)) {
      let popped: Frame | undefined;
      while (stack.length > 0 && stack.at(-1)!.col > col) popped = stack.pop();
      const now = stack.at(-1);
      if (popped && (!now || now.col < col)) {
        return issue(file, n + 1, line, col, key, [popped, ...(now ? [now] : [])]);
      }
    }
    for (const [i, c] of cols.entries()) {
      const last = stack.at(-1);
      const isKey = i === cols.length - 1;
      if (last && last.col === c) {
        if (isKey && key) {
          last.key ??= key;
          last.kinds.add(kindOf(key));
        }
        continue;
      }
      stack.push({
        col: c,
        key: isKey ? key : undefined,
        line: n + 1,
        kinds: new Set(isKey && key ? [kindOf(key)] : []),
      });
    }
    opened = opens;
    if (/:\s*[|>][-+0-9]*$/.test(content)) scalarUnder = indent;
  }
  return undefined;
}

/**
 * The issue for `key` at `col`, whose candidates are the columns it may have meant, nearest first: the one
 * whose keys are of its kind, else the nearest (the deeper on a tie).
 */
function issue(
  file: string,
  line: number,
  text: string,
  col: number,
  key: string | undefined,
  candidates: Frame[],
): ConfigIssue {
  const kind = key === undefined ? -1 : kindOf(key);
  const byKind = kind >= 0 ? candidates.find((f) => f.kinds.has(kind)) : undefined;
  const nearest = [...candidates].sort(
    (a, b) => Math.abs(a.col - col) - Math.abs(b.col - col) || b.col - a.col,
  )[0]!;
  const target = byKind ?? nearest;
  const what = key === undefined ? 'this line' : `"${key}:"`;
  const like = target.key && target.key !== key ? target.key : undefined;
  const fixed = `${' '.repeat(target.col)}${text.trimStart()}`;
  return {
    path: file,
    line,
    column: col + 1,
    message: `YAML: ${what} is indented ${col} space${col === 1 ? '' : 's'}, but its block is at ${target.col}${like ? ` (${like}: on line ${target.line})` : ''}`,
    hint: `Indent it ${target.col} spaces${like ? `, like ${like}:` : ''}, so that the line reads: ${JSON.stringify(fixed)}`,
  };
}
