// The tail of a stream: what a result keeps of a long output (a build's log can be any size). Pure.

/** The last `limit` bytes (about) of a stream, in whole lines: the oldest lines go first. */
export function tailKeeper(limit: number): { push: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  let size = 0;
  let first = 0;
  return {
    push: (line) => {
      lines.push(line);
      size += line.length;
      while (size > limit && first < lines.length - 1) size -= lines[first++]!.length;
      // Compact now and then, not on every drop.
      if (first > 1024 && first * 2 > lines.length) {
        lines.splice(0, first);
        first = 0;
      }
    },
    text: () => lines.slice(first).join(''),
  };
}
