// A port of Go's text/tabwriter (the elastic-tabstop algorithm buildx prints `ls` and `inspect` with), so the
// fake's column widths come out exactly as buildx's: a column block is a run of consecutive lines that have a
// cell in that column, and a line with fewer cells ends the block.

/**
 * Formats tab-separated text like Go's `tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar, 0)`
 * followed by Flush. Cells are tab-terminated; the text after a line's last tab is not part of any column.
 */
export function tabwrite(text, { minwidth = 0, tabwidth = 8, padding = 1, padchar = ' ' } = {}) {
  const rows = text.split('\n');
  const trailingNewline = rows.length > 1 && rows[rows.length - 1] === '';
  if (trailingNewline) rows.pop();
  const lines = rows.map((row) => row.split('\t').map((cell) => ({ text: cell, width: [...cell].length })));
  const out = [];
  const widths = [];

  const pad = (textw, cellw) => {
    if (padchar === '\t') {
      const rounded = Math.ceil(cellw / tabwidth) * tabwidth;
      return '\t'.repeat(Math.ceil((rounded - textw) / tabwidth));
    }
    return padchar.repeat(Math.max(0, cellw - textw));
  };

  const writeLines = (line0, line1) => {
    for (let i = line0; i < line1; i++) {
      let s = '';
      lines[i].forEach((cell, j) => {
        s += cell.text;
        if (j < widths.length && j < lines[i].length - 1) s += pad(cell.width, widths[j]);
      });
      out.push(s);
    }
  };

  const format = (line0, line1) => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row].length - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let width = minwidth;
      for (; row < line1; row++) {
        if (column >= lines[row].length - 1) break;
        width = Math.max(width, lines[row][column].width + padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}
