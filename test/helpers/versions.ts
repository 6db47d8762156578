// The buildx versions mpb is tested against, listed once. Every test that loops over versions reads them here.

/** The releases captured in test/fixtures/captures/v*: the parsers' fixtures, and the byte formats the fake speaks. */
export const CAPTURED_VERSIONS = ['0.10.5', '0.13.1', '0.29.1'] as const;
export type CapturedVersion = (typeof CAPTURED_VERSIONS)[number];

/**
 * The fake's versions the flow tests loop over: every captured one, or those `MPB_FAKE_VERSIONS` lists (commas).
 * CI's second pass (Node 24) runs the flows on the newest only: what differs between buildx versions is mpb's
 * parsing and planning, which the unit tier and the first pass check on every version; what differs between
 * Node versions is mpb's runtime (start-up, processes, signals, sockets), which one version shows as well as three.
 */
export const FLOW_VERSIONS: readonly CapturedVersion[] = flowVersions(process.env['MPB_FAKE_VERSIONS']);

function flowVersions(list: string | undefined): readonly CapturedVersion[] {
  const wanted = (list ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (wanted.length === 0) return CAPTURED_VERSIONS;
  const unknown = wanted.filter((v) => !(CAPTURED_VERSIONS as readonly string[]).includes(v));
  if (unknown.length > 0)
    throw new Error(
      `MPB_FAKE_VERSIONS: no capture of buildx ${unknown.join(', ')} (captured: ${CAPTURED_VERSIONS.join(', ')})`,
    );
  return CAPTURED_VERSIONS.filter((v) => wanted.includes(v));
}

/** The real buildx of the e2e tier: Debian's docker-buildx package of each suite (scripts/get-buildx installs it). */
export const REAL_BUILDX = [
  { suite: 'trixie', version: '0.13.1' },
  { suite: 'sid', version: '0.29.1' },
] as const;
export type Suite = (typeof REAL_BUILDX)[number]['suite'];

/** The buildx version a Debian suite's package holds. */
export function versionOfSuite(suite: Suite): string {
  return REAL_BUILDX.find((r) => r.suite === suite)!.version;
}
