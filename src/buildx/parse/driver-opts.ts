// `inspect`'s `Driver Options:` value: `k="v" k2="v2"`, values Go-%q-quoted, in Go map order (random).

// Keys are whatever `--driver-opt` was given: `default-load`, `env.BUILDKIT_STEP_LOG_MAX_SIZE`, ...
const OPTION = /([^\s="]+)="((?:[^"\\]|\\.)*)"(?: |$)/y;
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Undoes Go's strconv.Quote (\", \\, \n, \t, \xNN, \uNNNN, \UNNNNNNNN, octal \NNN). */
export function unquoteGo(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, esc: string) => {
    if (/^[xuU]/.test(esc)) {
      const code = Number.parseInt(esc.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : `\\${esc}`;
    }
    if (/^[0-7]{3}$/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
    return ESCAPES[esc] ?? esc;
  });
}

/** Parses the value of a `Driver Options:` line; a string result says what could not be read. */
export function parseDriverOpts(value: string): Record<string, string> | string {
  const opts: Record<string, string> = {};
  let at = 0;
  while (at < value.length) {
    OPTION.lastIndex = at;
    const m = OPTION.exec(value);
    if (!m) return `driver options: cannot read from "${value.slice(at)}"`;
    opts[m[1]!] = unquoteGo(m[2]!);
    at = OPTION.lastIndex;
  }
  // inspect prints them in Go's map order, which changes from run to run (captures-local: cacert first in one
  // inspect, key first in the next); sorted, as `ls --format json` and buildx's record have them, two reads
  // of one builder print the same.
  return Object.fromEntries(Object.entries(opts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
