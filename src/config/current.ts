// The last step of the builder choice (select.ts): buildx's current builder, the one `docker buildx use` set,
// read with one `docker buildx inspect` without a name. Only asked when nothing before it chose.

import type { BuildxBuilder } from '../buildx/model.js';
import { readCurrentBuilder } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import { UsageError } from '../errors.js';
import type { BuilderChoice } from './select.js';

/** buildx's current builder as a choice, with what inspect read of it (a caller that uses it as is needs no more). */
export async function currentChoice(
  run: Runner,
  configFile: string | undefined,
): Promise<{ choice: BuilderChoice; builder: BuildxBuilder }> {
  const builder = await readCurrentBuilder(run);
  if (!builder) {
    const where = configFile ? `${configFile} sets no defaultBuilder` : 'no config file found';
    throw new UsageError(
      `which builder? ${where}, and buildx cannot show its current builder (docker buildx inspect failed)`,
      {
        hint: 'Name one: --builder NAME (any builder of docker buildx ls, declared or not, e.g. --builder default), MPB_BUILDER or BUILDX_BUILDER; or select one with docker buildx use NAME. mpb init writes a builders.yaml.',
      },
    );
  }
  return { choice: { name: builder.name, from: 'buildx-current' }, builder };
}
