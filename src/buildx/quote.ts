// Shell quoting for display only (--dry-run, --verbose, messages). mpb never runs a shell string.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word the way a POSIX shell reads it back. */
export function quoteWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Quotes an argv so it can be pasted into a shell. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}
