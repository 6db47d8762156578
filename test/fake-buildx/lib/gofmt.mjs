// Go formatting buildx relies on: time.Time's %v, time.Duration.String, go-units BytesSize, %q, and the
// key-sorted JSON that buildx 0.24+ gets by re-marshalling through map[string]any.

/** `2026-11-28 01:13:16 +0000 UTC` (inspect's Last Activity; buildx stores activity in UTC). */
export function goTime(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** RFC 3339 in seconds, as buildx's activity file keeps it. */
export const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** time.Duration(ns).String() for whole seconds: `48h0m0s`, `1m30s`, `5s`. */
export function goDuration(ns) {
  const total = Math.round(ns / 1e9);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** go-units BytesSize: `%.4g` of the value in binary units (`488.3MiB`, `24.21GiB`, `47.5GiB`). */
export function bytesSize(n) {
  let size = n;
  let i = 0;
  while (size >= 1024 && i < UNITS.length - 1) {
    size /= 1024;
    i++;
  }
  return `${String(Number(size.toPrecision(4)))}${UNITS[i]}`;
}

/** Go's %q for plain strings. */
export const goQuote = (s) => JSON.stringify(s);

/** Objects with keys sorted at every level (json.Marshal of a map[string]any). */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

/** Drops undefined, null, '' and empty arrays/objects: Go's `omitempty`. */
export function omitEmpty(obj) {
  return Object.fromEntries(
    Object.entries(obj).filter(([, v]) => {
      if (v === undefined || v === null || v === '') return false;
      if (Array.isArray(v)) return v.length > 0;
      if (typeof v === 'object') return Object.keys(v).length > 0;
      return true;
    }),
  );
}
