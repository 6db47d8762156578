// `mpb inspect IMAGE`: what the registry holds — platforms, digests, sizes, attestations — checked against expectations.
import { imageRefProblem } from '../buildx/image-ref.js';
import { inspectImage, parsedOrBug, rawManifest } from '../buildx/images.js';
import { type ImageReport, parseRawManifest } from '../buildx/parse/imagetools.js';
import { normalizePlatform } from '../buildx/platform.js';
import { detectVersion } from '../buildx/read.js';
import { checkPlatforms, type PlatformCheck } from '../core/platform-check.js';
import type { Deps } from '../deps.js';
import { UnhealthyError, UsageError } from '../errors.js';
import type { InspectOptions } from '../options.js';
import type { CommandResult } from '../run-command.js';
import { renderImageReport } from '../ui/render-image.js';

/** What a failed check says, and what to do about it. */
function describeFailure(ref: string, check: PlatformCheck): { message: string; hint: string } {
  const problems = [
    ...(check.missing.length > 0 ? [`missing ${check.missing.join(', ')}`] : []),
    ...(check.exact && check.extra.length > 0 ? [`not expected ${check.extra.join(', ')}`] : []),
  ];
  return {
    message: `${ref} does not have the expected platforms: ${problems.join('; ')}`,
    hint: `Build and push exactly these: mpb build --platform ${check.expected.join(',')} -t ${ref} --push .`,
  };
}

function parseExpected(list: string[] | undefined, exact: boolean | undefined): string[] | undefined {
  if (list === undefined) {
    if (exact)
      throw new UsageError('--exact needs --expect-platforms', { hint: 'Add --expect-platforms a,b.' });
    return undefined;
  }
  return [
    ...new Set(
      list.map((text) => {
        const platform = normalizePlatform(text);
        if (platform === undefined) {
          throw new UsageError(`--expect-platforms: "${text}" is not a platform`, {
            hint: 'Write os/arch[/variant], e.g. linux/amd64,linux/arm64,linux/arm/v7 (amd64 and arm64 alone work too).',
          });
        }
        return platform;
      }),
    ),
  ];
}

/** Reads the image, prints it (table, --json or --raw) and returns 0, or 3 when expected platforms are not there. */
export async function runInspect(deps: Deps, image: string, options: InspectOptions): Promise<CommandResult> {
  if (options.raw && deps.json) {
    throw new UsageError('--raw and --json cannot be used together', {
      hint: '--raw prints the manifest as the registry has it, which is JSON already.',
    });
  }
  // A usage error (exit 2) before buildx or the registry is asked: they would say less, later.
  const bad = imageRefProblem(image);
  if (bad) throw new UsageError(bad.message, { hint: bad.hint });
  const expected = parseExpected(options.expectPlatforms, options.exact);
  const { out, run } = deps;

  let report: ImageReport;
  if (options.raw) {
    const raw = await rawManifest(run, image);
    deps.stdout.write(raw);
    if (expected === undefined) return { outcome: 'ok' };
    report = parsedOrBug(parseRawManifest(raw, image), 'imagetools inspect --raw');
  } else {
    await detectVersion(run, deps.env); // refuses a buildx too old for mpb (exit 4) before the registry is asked
    report = await inspectImage(run, image);
  }

  const check = expected && checkPlatforms(report, expected, Boolean(options.exact));
  const failure = check && !check.ok ? describeFailure(image, check) : undefined;
  if (deps.json) {
    const data = { image: report, ...(check ? { check } : {}), ...(failure ? { errors: [failure] } : {}) };
    return { outcome: failure ? 'unhealthy' : 'ok', data };
  }
  if (!options.raw) out.result(renderImageReport(report, out.color));
  if (failure) throw new UnhealthyError(failure.message, { hint: failure.hint });
  if (check) {
    const what = check.exact ? 'exactly the expected platforms' : 'all expected platforms';
    out.info(out.color.green(`✓ ${image} has ${what}: ${check.expected.join(', ')}`));
  }
  return { outcome: 'ok' };
}
