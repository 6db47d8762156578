// Which builder a command works on. The user's own choice first, mpb's before buildx's, the file's before
// buildx's state: --builder, then $MPB_BUILDER, then $BUILDX_BUILDER, then the file's defaultBuilder (a file of
// one builder: that one), then buildx's current builder (`docker buildx use`). Only the last asks buildx.
import { UsageError } from '../errors.js';
import type { BuilderSpec, ResolvedConfig } from './types.js';

/** Where the chosen builder's name came from; `builderFrom` in --json (README). */
export type BuilderFrom =
  | 'flag'
  | 'MPB_BUILDER'
  | 'BUILDX_BUILDER'
  | 'defaultBuilder'
  | 'only-declared'
  | 'buildx-current';

export interface BuilderChoice {
  name: string;
  from: BuilderFrom;
}

/** The source as the choice line and errors say it. */
export const FROM_TEXT: Record<BuilderFrom, string> = {
  flag: '--builder',
  MPB_BUILDER: 'MPB_BUILDER',
  BUILDX_BUILDER: 'BUILDX_BUILDER',
  defaultBuilder: 'defaultBuilder',
  'only-declared': 'the only builder declared',
  'buildx-current': "buildx's current builder, docker buildx use",
};

/** The line that says which builder and why: `builder fleet (from BUILDX_BUILDER)`. */
export const choiceLine = (choice: BuilderChoice): string =>
  `builder ${choice.name} (from ${FROM_TEXT[choice.from]})`;

/** The declared builder of that name, if any. */
export function findBuilder(config: ResolvedConfig, name: string): BuilderSpec | undefined {
  return config.builders.find((b) => b.name === name);
}

const declared = (config: ResolvedConfig) => config.builders.map((b) => b.name).join(', ') || '(none)';

/**
 * The builder the user names, declared or not: --builder, then $MPB_BUILDER (mpb's own, so it wins over
 * buildx's), then $BUILDX_BUILDER. An empty variable is unset.
 */
export function requestedBuilder(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): BuilderChoice | undefined {
  if (flag !== undefined) return { name: flag, from: 'flag' };
  for (const from of ['MPB_BUILDER', 'BUILDX_BUILDER'] as const) {
    const name = env[from] || undefined;
    if (name !== undefined) return { name, from };
  }
  return undefined;
}

/**
 * The choice that needs no buildx call: the user's (requestedBuilder), else the file's defaultBuilder, else the
 * file's only builder. Undefined: buildx's current builder decides (several builders and no default, or no file).
 */
export function chosenBuilder(
  config: ResolvedConfig | undefined,
  options: { flag: string | undefined; env: NodeJS.ProcessEnv },
): BuilderChoice | undefined {
  const requested = requestedBuilder(options.flag, options.env);
  if (requested) return requested;
  if (config?.defaultBuilder !== undefined) return { name: config.defaultBuilder, from: 'defaultBuilder' };
  if (config?.builders.length === 1) return { name: config.builders[0]!.name, from: 'only-declared' };
  return undefined;
}

/** The declared builder a choice names; one the file does not declare is a usage error, never a guess. */
export function declaredChoice(config: ResolvedConfig, choice: BuilderChoice): BuilderSpec {
  const spec = findBuilder(config, choice.name);
  if (spec) return spec;
  if (choice.from === 'buildx-current') {
    throw new UsageError(
      `${config.file} declares ${config.builders.length} builders and no defaultBuilder, and buildx's current builder "${choice.name}" is not one of them: which one?`,
      {
        hint: `Pass --builder NAME, set MPB_BUILDER, set defaultBuilder in the file, or docker buildx use NAME. Declared: ${declared(config)}`,
      },
    );
  }
  throw new UsageError(
    `${FROM_TEXT[choice.from]} names "${choice.name}", which ${config.file} does not declare`,
    { hint: `Declared builders: ${declared(config)}` },
  );
}

/** The declared builder chosen without buildx; several builders and no default is a usage error. */
export function selectBuilder(
  config: ResolvedConfig,
  options: { flag: string | undefined; env: NodeJS.ProcessEnv },
): BuilderSpec {
  const choice = chosenBuilder(config, options);
  if (choice) return declaredChoice(config, choice);
  throw new UsageError(`${config.file} declares ${config.builders.length} builders: which one?`, {
    hint: `Pass --builder NAME, set MPB_BUILDER, or set defaultBuilder in the file. Declared: ${declared(config)}`,
  });
}
