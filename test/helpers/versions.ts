// The buildx versions mpb is tested against, listed once. Every test that loops over versions reads them here.

/** The releases captured in test/fixtures/captures/v*: the parsers' fixtures, and the byte formats the fake speaks. */
export const CAPTURED_VERSIONS = ['0.10.5', '0.13.1', '0.29.1'] as const;
export type CapturedVersion = (typeof CAPTURED_VERSIONS)[number];

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
