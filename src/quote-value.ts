// A value from the config in a message: its own module, so that code quoting a value does not load the YAML
// parser with yaml-source.ts (`mpb build` needs the quote, never the parser on a cached config).

/** The offending text, quoted and cut short: a value may be hostile or huge. */
export function quote(value: unknown): string {
  const text = JSON.stringify(typeof value === 'string' ? value : String(value));
  return text.length > 64 ? `${text.slice(0, 60)}…"` : text;
}
