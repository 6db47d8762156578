// The buildx versions mpb is tested against, listed once. Every test that loops over versions reads them here.

/** The releases captured in test/fixtures/captures/v*: the parsers' fixtures, and the byte formats the fake speaks. */
export const CAPTURED_VERSIONS = ['0.10.5', '0.13.1', '0.29.1'] as const;
export type CapturedVersion = (typeof CAPTURED_VERSIONS)[number];

/**
 * The fake's versions the flow tests loop over: every captured one, or those `MPB_FAKE_VERSIONS` lists (commas).
 * CI's second pass (Node 24) narrows this and REAL_BUILDX to the newest: what differs between buildx versions is
 * mpb's parsing and planning, which the unit tier and the first pass check on every version; what differs between
 * Node versions is mpb's runtime (start-up, processes, signals, sockets), which one version shows as well as all.
 */
export const FLOW_VERSIONS: readonly CapturedVersion[] = narrowed(
  CAPTURED_VERSIONS,
  'MPB_FAKE_VERSIONS',
  (v) => v,
);

/** The real buildx of the e2e tier: Debian's docker-buildx package of each suite (scripts/get-buildx installs it). */
const DEBIAN_BUILDX = [
  { suite: 'trixie', version: '0.13.1' },
  { suite: 'sid', version: '0.29.1' },
] as const;
export type Suite = (typeof DEBIAN_BUILDX)[number]['suite'];

/** The suites the e2e tier loops over: every one, or those `MPB_BUILDX_SUITES` lists (commas). */
export const REAL_BUILDX = narrowed(DEBIAN_BUILDX, 'MPB_BUILDX_SUITES', (r) => r.suite);

/** The buildx version a Debian suite's package holds. */
export function versionOfSuite(suite: Suite): string {
  return DEBIAN_BUILDX.find((r) => r.suite === suite)!.version;
}

/** `all`, or the items whose key the environment variable lists; a key it does not know is an error. */
function narrowed<T>(all: readonly T[], variable: string, keyOf: (item: T) => string): readonly T[] {
  const wanted = (process.env[variable] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (wanted.length === 0) return all;
  const known = all.map(keyOf);
  const unknown = wanted.filter((v) => !known.includes(v));
  if (unknown.length > 0)
    throw new Error(`${variable}: ${unknown.join(', ')} is none of ${known.join(', ')}`);
  return all.filter((item) => wanted.includes(keyOf(item)));
}
