// A pass-through flag the installed buildx does not have is refused before anything runs (exit 2), naming the
// release that brought it; buildx itself would only say `unknown flag`. The version is asked only when a flag
// newer than mpb's oldest buildx (0.10) is given, and then comes from the version cache (version-cache.ts).
import { type BuildFlags, flagsMissingFrom, flagsNewerThan } from '../buildx/build-flags.js';
import type { BuildxVersion } from '../buildx/model.js';
import { detectVersion } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import { MIN_VERSION } from '../buildx/version.js';
import { UsageError } from '../errors.js';

/** Throws a UsageError when this buildx lacks a given flag. */
export function checkFlagsAgainst(flags: BuildFlags, version: BuildxVersion): void {
  const missing = flagsMissingFrom(flags, version);
  if (missing.length === 0) return;
  const lines = missing.map((row) => `${row.long} needs buildx ${row.since} or newer`);
  const newest = missing
    .map((row) => row.since)
    .sort(compareVersions)
    .at(-1)!;
  throw new UsageError(
    `${lines.join('; ')}, and this is buildx ${version.major}.${version.minor}.${version.patch}`,
    {
      hint: `Upgrade buildx to ${newest} or newer (https://github.com/docker/buildx/releases), or drop ${missing.map((r) => r.long).join(', ')}.`,
    },
  );
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! - y![i]!;
  return 0;
}

/** Asks the version only when a given flag is newer than mpb's oldest buildx, then checks it. */
export async function refuseMissingFlags(
  run: Runner,
  env: NodeJS.ProcessEnv,
  flags: BuildFlags,
): Promise<void> {
  if (flagsNewerThan(flags, MIN_VERSION).length === 0) return;
  checkFlagsAgainst(flags, await detectVersion(run, env));
}
