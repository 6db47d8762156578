// Pure argv builder for `docker buildx build`: mpb's build flags, then the user's own buildx flags, then the context.
import { type BuildFlags, buildFlagArgs } from './build-flags.js';

/** Everything `mpb build` passes on to buildx; list flags keep the user's order. */
export interface BuildArgsInput {
  builder: string;
  /** Empty: no `--platform`, buildx builds for the first node's own platform. */
  platforms: readonly string[];
  /** The pass-through flags of build-flags.ts. */
  flags: BuildFlags;
  /** The words after `--`, passed through untouched. */
  extra: readonly string[];
  context: string;
}

/**
 * The args after `docker`. `--provenance` and `--sbom` are written as one `--flag=value` word: a separate
 * `false` would be read as the build context if buildx ever treats the flag as a boolean. The context comes
 * last, after the `--` words, because buildx reads its one positional argument wherever it stands.
 */
export function buildArgs(input: BuildArgsInput): string[] {
  return [
    'buildx',
    'build',
    '--builder',
    input.builder,
    ...(input.platforms.length > 0 ? ['--platform', input.platforms.join(',')] : []),
    ...buildFlagArgs(input.flags),
    ...input.extra,
    input.context,
  ];
}
