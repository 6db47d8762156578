// A split build's last step: one `imagetools create` merges every job's digest under the tags, only once every
// job succeeded; then the tag is read back and must hold exactly the built platforms.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TIMEOUT_MS } from '../buildx/exec.js';
import { inspectImage } from '../buildx/images.js';
import type { ImageReport } from '../buildx/parse/imagetools.js';
import { expectOk } from '../buildx/run-result.js';
import { mergeArgs } from '../buildx/split-args.js';
import { checkPlatforms } from '../core/platform-check.js';
import type { Deps } from '../deps.js';
import { UnhealthyError } from '../errors.js';
import { fsError } from '../fs-errors.js';
import type { JobResult } from './jobs.js';
import type { MergePlan } from './plan.js';

/** The merged result in the metadata file's own keys, as a single build writes them. */
export const mergedMetadataOf = (index: ImageReport, tags: readonly string[]) => ({
  'containerimage.descriptor': { mediaType: index.mediaType, digest: index.digest, size: index.size },
  'containerimage.digest': index.digest,
  'image.name': tags.join(','),
});

/** `doc` as the user's --metadata-file, as buildx writes it. */
export async function writeMetadataFile(file: string, doc: object): Promise<void> {
  await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`).catch((e: unknown) => {
    throw fsError(e, file, 'write', 'Check --metadata-file.');
  });
}

/** The image ID as buildx writes it to --iidfile (commands/build.go getImageID): an index has no config, so its digest. */
async function writeIidfile(file: string, index: ImageReport): Promise<void> {
  await writeFile(file, index.digest).catch((e: unknown) => {
    throw fsError(e, file, 'write', 'Check --iidfile.');
  });
}

/**
 * Merges the jobs' digests under `tags`; throws UnhealthyError (exit 3) when the tag then lacks or adds
 * platforms. The user's --metadata-file and --iidfile get the merged index.
 */
export async function mergeJobs(
  deps: Deps,
  merge: Pick<MergePlan, 'tags' | 'repo' | 'metadataFile' | 'iidfile'>,
  results: readonly (Pick<JobResult, 'digest'> & { job: Pick<JobResult['job'], 'platforms'> })[],
): Promise<ImageReport> {
  const { tags, repo, metadataFile, iidfile } = merge;
  const argv = mergeArgs(
    tags,
    repo,
    results.map((r) => r.digest!),
  );
  expectOk(
    await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.mutate, stdio: 'pipe' }),
    'docker buildx imagetools create',
  );
  const index = await inspectImage(deps.run, tags[0]!);
  const expected = results.flatMap((r) => r.job.platforms);
  const check = checkPlatforms(index, expected, true);
  if (!check.ok) {
    const problems = [
      ...(check.missing.length > 0 ? [`missing ${check.missing.join(', ')}`] : []),
      ...(check.extra.length > 0 ? [`not expected ${check.extra.join(', ')}`] : []),
    ];
    throw new UnhealthyError(
      `${tags[0]} after the merge does not hold the built platforms: ${problems.join('; ')}`,
      { hint: `See it with: mpb inspect ${tags[0]} --expect-platforms ${expected.join(',')} --exact` },
    );
  }
  if (metadataFile)
    await writeMetadataFile(path.resolve(deps.cwd, metadataFile), mergedMetadataOf(index, tags));
  if (iidfile) await writeIidfile(path.resolve(deps.cwd, iidfile), index);
  return index;
}
