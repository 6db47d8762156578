// A command as lines a person can paste into a shell: broken between arguments with ` \` to fit a width, the
// way the dry runs, the spinner's results and the help's examples print commands. Pure, and light enough
// for `mpb --help` to load.
import { quoteWord } from '../buildx/quote.js';

/** Continuation lines of a broken command start here, under its first word. */
export const CONTINUATION = '    ';

/**
 * Words already quoted for a shell, as lines of at most `width` columns: broken between two words, each line
 * but the last ending in ` \`, the next ones indented by `indent`. Without a width (a pipe, a file) one line.
 * A word longer than a line stays whole, on a line of its own.
 */
export function commandLines(
  words: readonly string[],
  width: number | undefined,
  indent: string = CONTINUATION,
): string[] {
  if (width === undefined) return [words.join(' ')];
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const prefix = lines.length === 0 ? '' : indent;
    // ` \` takes two more columns on any line that is not the last.
    if (current !== '' && prefix.length + current.length + 1 + word.length + 2 > width) {
      lines.push(`${prefix}${current} \\`);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  lines.push(`${lines.length === 0 ? '' : indent}${current}`);
  return lines;
}

/** An argv (`['docker', 'buildx', 'build', ...]`) shell-quoted and broken to fit `width`, as commandLines. */
export function argvLines(
  argv: readonly string[],
  width: number | undefined,
  indent: string = CONTINUATION,
): string[] {
  return commandLines(argv.map(quoteWord), width, indent);
}

/**
 * A command line as a shell reads it split into words: at blanks outside quotes, so `jq '.a | .b'` stays one
 * word. For text mpb writes itself (help examples, commands already quoted by shellQuote).
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let escaped = false;
  for (const ch of text) {
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '\\') {
      current += ch;
      escaped = true;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ' ') {
      if (current !== '') words.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') words.push(current);
  return words;
}
