// Does an image hold the platforms expected of it? `mpb inspect --expect-platforms` and a split build's merge ask.
import type { ImageReport } from '../buildx/parse/imagetools.js';
import { normalizePlatform } from '../buildx/platform.js';

export interface PlatformCheck {
  expected: string[];
  exact: boolean;
  missing: string[];
  /** Platforms the image has and nobody asked for; a failure only with `exact`. */
  extra: string[];
  ok: boolean;
}

/** Compares the image's platforms with the expected ones, both normalised (`linux/arm64/v8` ≡ `linux/arm64`). */
export function checkPlatforms(report: ImageReport, expected: string[], exact: boolean): PlatformCheck {
  // `unknown` (an entry without a platform) must not turn into `linux/unknown` by the short-form rule.
  const present = report.platforms.map((p) =>
    p.platform.includes('/') ? (normalizePlatform(p.platform) ?? p.platform) : p.platform,
  );
  const missing = expected.filter((p) => !present.includes(p));
  const extra = [...new Set(present.filter((p) => !expected.includes(p)))];
  return { expected, exact, missing, extra, ok: missing.length === 0 && (!exact || extra.length === 0) };
}
