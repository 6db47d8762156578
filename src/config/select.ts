// Which declared builder a command works on: --builder, then $MPB_BUILDER, then defaultBuilder, then the only one.
import { UsageError } from '../errors.js';
import type { BuilderSpec, ResolvedConfig } from './types.js';

/** The declared builder of that name, if any. */
export function findBuilder(config: ResolvedConfig, name: string): BuilderSpec | undefined {
  return config.builders.find((b) => b.name === name);
}

const declared = (config: ResolvedConfig) => config.builders.map((b) => b.name).join(', ') || '(none)';

/** The builder named on the command line or in the environment: --builder, then $MPB_BUILDER (empty is unset). */
export function requestedBuilder(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): { name: string; source: '--builder' | 'MPB_BUILDER' } | undefined {
  if (flag !== undefined) return { name: flag, source: '--builder' };
  const fromEnv = env['MPB_BUILDER'] || undefined;
  return fromEnv === undefined ? undefined : { name: fromEnv, source: 'MPB_BUILDER' };
}

/** Resolves the builder to use; a name that is given but not declared is a usage error, never a guess. */
export function selectBuilder(
  config: ResolvedConfig,
  options: { flag: string | undefined; env: NodeJS.ProcessEnv },
): BuilderSpec {
  const requested = requestedBuilder(options.flag, options.env);
  const { name, source } = requested ?? { name: config.defaultBuilder, source: 'defaultBuilder' };
  if (name !== undefined) {
    const spec = findBuilder(config, name);
    if (spec) return spec;
    throw new UsageError(`${source} names "${name}", which ${config.file} does not declare`, {
      hint: `Declared builders: ${declared(config)}`,
    });
  }
  if (config.builders.length === 1) return config.builders[0]!;
  throw new UsageError(`${config.file} declares ${config.builders.length} builders: which one?`, {
    hint: `Pass --builder NAME, set MPB_BUILDER, or set defaultBuilder in the file. Declared: ${declared(config)}`,
  });
}
