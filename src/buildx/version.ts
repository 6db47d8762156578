// `docker buildx version` → a version and what that version can do.
import { ToolMissingError } from '../errors.js';
import type { BuildxCaps, BuildxVersion, Parsed } from './model.js';

export const MIN_VERSION = { major: 0, minor: 10 } as const;

// Upstream `github.com/docker/buildx v0.10.5 86bdced`, Debian `github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4`,
// Desktop `v0.12.1-desktop.4`, Homebrew `v0.13.1 Homebrew` (docs/buildx.md#version). The package name varies.
const VERSION_LINE = /^(\S+) (v?(\d+)\.(\d+)\.(\d+)\S*)(?: \S*)?\s*$/;

function isAtLeast(v: { major: number; minor: number }, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** The capability flags of a version; each boundary is from buildx's own source (docs/buildx.md#version). */
export function capsOf(v: { major: number; minor: number }): BuildxCaps {
  const from = (minor: number) => isAtLeast(v, 0, minor);
  return {
    lsJson: from(13),
    lsJsonCurrent: from(24),
    buildkitdConfigFlag: from(13) ? '--buildkitd-config' : '--config',
    bootstrapTimesOut: from(13),
    // buildx 0.13 reworked create (builder/builder.go) and node resolution (build/driver.go).
    createClearsFlags: from(13),
    firstPinWins: from(13),
    rematchesPlatforms: from(13),
    // `buildx history` with `ls/inspect --format json` (docs/buildx.md#history; 0.13.1 has no history command,
    // capture captures-local/v0.13.1/history-ls-json; 0.29.1 has it, captures-local/v0.29.1/history-*).
    historyJson: from(23),
    // `features[dockerutil.OCIImporter]` in the docker exporter's setup: absent in 0.10.5, there in 0.11.0.
    multiPlatformLoad: from(11),
    // commands/inspect.go prints `n.Files` from v0.18.0 (captures-local/buildkitd-config: 0.29.1 does, 0.13.1 not).
    filesInInspect: from(18),
  };
}

/** Parses the first line of `docker buildx version`. */
export function parseBuildxVersion(text: string): Parsed<BuildxVersion> {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const m = VERSION_LINE.exec(line);
  if (!m) {
    return {
      ok: false,
      error: {
        kind: 'parse-error',
        format: 'buildx version',
        line: 1,
        text: line,
        message: 'not a buildx version line',
      },
    };
  }
  const [major, minor, patch] = [m[3], m[4], m[5]].map(Number) as [number, number, number];
  return {
    ok: true,
    value: { raw: m[2]!, major, minor, patch, caps: capsOf({ major, minor }) },
    unparsed: [],
  };
}

/** A parsed version, refusing those below 0.10 with the upgrade hint (exit 4). */
export function requireSupported(v: BuildxVersion): BuildxVersion {
  if (!isAtLeast(v, MIN_VERSION.major, MIN_VERSION.minor)) {
    throw new ToolMissingError(`buildx ${v.raw} is too old: mpb needs 0.10 or newer`, {
      code: 'buildx.unusable',
      hint: 'Upgrade buildx: https://github.com/docker/buildx#installing (Docker Desktop and docker-ce ship a recent one).',
    });
  }
  return v;
}

/** A version from `0.13.1`-style text, for tests and fixtures. */
export function versionOf(text: string): BuildxVersion {
  const parsed = parseBuildxVersion(`github.com/docker/buildx ${text}`);
  if (!parsed.ok) throw new Error(`not a version: ${text}`);
  return parsed.value;
}
