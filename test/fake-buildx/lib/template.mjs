// The few Go-template forms tests and mpb pass to `--format`: `{{.A.B}}`, `{{json .}}`, `{{json .A}}`, mixed with text.

function lookup(value, path) {
  return path ? path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), value) : value;
}

function show(v) {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Renders `format` against `data`, like docker's --format (no trailing newline added). */
export function renderTemplate(format, data) {
  return format
    .replace(/\{\{\s*(json\s+)?\.([\w.]*)\s*\}\}/g, (_, json, path) => {
      const v = lookup(data, path);
      return json ? JSON.stringify(v ?? null) : show(v);
    })
    .replaceAll('\\n', '\n')
    .replaceAll('\\t', '\t');
}
