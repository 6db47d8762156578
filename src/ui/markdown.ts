// Markdown for GitHub's job summary: cells and tables of the reports.

/** A cell's text: a `|` inside it would end it, a newline would end the table. */
export const mdCell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A table: the header in sentence case (`BUILT ON` → `Built on`), its rule, the rows. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const row = (cells: readonly string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [
    row(header.map((h) => h.charAt(0) + h.slice(1).toLowerCase())),
    row(header.map(() => '---')),
    ...rows.map(row),
  ];
}
