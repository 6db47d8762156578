// Where the config is (--config, $MPB_CONFIG, discovery) and what loading it gave: no YAML or schema here, so
// a run whose config is already validated (config-cache.ts) never loads yaml or zod.
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import type { ResolvedConfig } from './types.js';

export interface LoadOptions {
  /** `--config`, relative to cwd. */
  configPath: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type LoadResult =
  | { ok: true; config: ResolvedConfig; warnings: ConfigIssue[] }
  | {
      ok: false;
      file: string | undefined;
      errors: ConfigIssue[];
      warnings: ConfigIssue[];
      /** No file was found: `errors` holds one issue saying where mpb looked. */
      missing?: true;
    };

/** How issues name the file: relative to the working directory when inside it, as a user would type it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

/** The discovery order: --config, $MPB_CONFIG, ./builders.yaml, ./builders.yml, $XDG_CONFIG_HOME/mpb/builders.yaml. */
export function configCandidates({ configPath, env, cwd }: LoadOptions): {
  files: string[];
  explicit: boolean;
} {
  const given = configPath ?? (env['MPB_CONFIG'] || undefined);
  if (given !== undefined) return { files: [resolve(cwd, given)], explicit: true };
  const xdg = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return {
    files: [
      join(cwd, 'builders.yaml'),
      join(cwd, 'builders.yml'),
      join(resolve(cwd, xdg), 'mpb', 'builders.yaml'),
    ],
    explicit: false,
  };
}

/** The config of a result: throws UsageError (hint: mpb init) when there is none, ConfigError when invalid. */
export function requireLoaded(result: LoadResult): { config: ResolvedConfig; warnings: ConfigIssue[] } {
  if (result.ok) return { config: result.config, warnings: result.warnings };
  if (result.missing) {
    const [issue] = result.errors as [ConfigIssue];
    throw new UsageError(issue.message, { hint: issue.hint });
  }
  throw new ConfigError(result.errors);
}
