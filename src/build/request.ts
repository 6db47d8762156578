// What `mpb build` is asked for, read from its operands and flags: the context and the words after `--`, the
// platforms, the strategy and the cache repository. Pure; a bad value is a UsageError naming the flag.
import type { BuildFlags } from '../buildx/build-flags.js';
import { clientPlatform } from '../buildx/local-platform.js';
import { normalizePlatform } from '../buildx/platform.js';
import { suggestPlatform } from '../config/suggest-platform.js';
import { checkCacheRef } from '../core/cache-ref.js';
import type { StrategyAsked } from '../core/strategy.js';
import { UsageError } from '../errors.js';

export interface BuildRequest {
  context: string;
  /** The words after `--`, passed to buildx untouched. */
  extra: string[];
  /** `--platform`, normalised; undefined when not given. */
  platforms: string[] | undefined;
  /** The pass-through flags, under build-flags.ts's names. */
  flags: BuildFlags;
  /** `--strategy`; undefined leaves it to the builder's `strategy:`, then `auto`. */
  strategy: StrategyAsked | undefined;
  /** `--cache-ref`, checked; undefined leaves it to the builder's `cache:`. */
  cacheRef: string | undefined;
  nativeOnly: boolean;
  allowDegraded: boolean;
}

/**
 * commander gives `mpb build . -- --attest type=sbom` as context `.` plus the rest, but `mpb build -- --foo`
 * as context `--foo`: before `--` it takes every word starting with `-` as an option, so a context that looks
 * like one came after `--`. `-` alone is buildx's context from stdin.
 */
export function splitOperands(
  context: string,
  rest: readonly string[],
): { context: string; extra: string[] } {
  if (context.startsWith('-') && context !== '-') return { context: '.', extra: [context, ...rest] };
  return { context, extra: [...rest] };
}

/**
 * `--platform` values in the config's short forms, normalised and deduplicated; undefined when not given.
 * `local` is the platform of this machine, as buildx takes it (buildx/local-platform.ts).
 */
export function parsePlatforms(
  list: readonly string[] | undefined,
  local: string = clientPlatform(),
): string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length === 0) throw new UsageError('--platform needs at least one platform');
  const platforms = list.map((text) => {
    const platform = normalizePlatform(text.toLowerCase() === 'local' ? local : text);
    if (platform === undefined) {
      const near = suggestPlatform(text);
      throw new UsageError(
        `--platform: "${text}" is not a platform${near ? `: did you mean ${near}?` : ''}`,
        {
          hint: 'Write os/arch[/variant], e.g. linux/amd64,linux/arm64,linux/arm/v7 (amd64 and arm64 alone work too; local is this machine).',
        },
      );
    }
    return platform;
  });
  return [...new Set(platforms)];
}

export interface RequestFlags extends BuildFlags {
  platform?: string[];
  strategy?: StrategyAsked;
  cacheRef?: string;
  nativeOnly?: boolean;
  allowDegraded?: boolean;
}

/** `--cache-ref`, checked (core/cache-ref.ts); undefined when not given. */
export function readCacheRef(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const check = checkCacheRef(text);
  if (!check.ok) throw new UsageError(check.message, { hint: check.hint });
  return check.repo;
}

/** The request of `mpb build CONTEXT [-- ARGS]` with these flags. */
export function readRequest(context: string, rest: readonly string[], flags: RequestFlags): BuildRequest {
  const cacheRef = readCacheRef(flags.cacheRef);
  return {
    ...splitOperands(context, rest),
    platforms: parsePlatforms(flags.platform),
    flags,
    strategy: flags.strategy,
    cacheRef,
    nativeOnly: Boolean(flags.nativeOnly),
    allowDegraded: Boolean(flags.allowDegraded),
  };
}

// The words after `--` that export the result, as buildx reads them: --push, --load (=true too), -o/--output.
const EXPORT_WORD = /^(--push|--load)(=true)?$|^(-o|--output)(=|$)|^-o./;

/**
 * Whether the build only evaluates (--call other than build, --check) or exports its result: --push, --load,
 * --output, or the same after `--`. A build that does neither leaves its result in the build cache only (buildx's
 * "No output specified" warning); `loadsByDefault` is a builder that loads anyway (the docker driver, default-load).
 */
export function exportOf(
  request: BuildRequest,
  loadsByDefault: boolean,
): 'exports' | 'evaluates' | 'cache-only' {
  const { flags, extra } = request;
  if (flags.check || (flags.call !== undefined && flags.call !== 'build')) return 'evaluates';
  if (extra.some((w) => /^--(call(=|$)|check$)/.test(w))) return 'evaluates';
  if (flags.push || flags.load || (flags.output ?? []).length > 0) return 'exports';
  if (loadsByDefault || extra.some((w) => EXPORT_WORD.test(w))) return 'exports';
  return 'cache-only';
}

/** What a build that exports nothing says, in the dry run and the summary. */
export const CACHE_ONLY =
  'no --push, --load or --output: the result stays in the build cache only. To get the image out, add --push (with -t REPO:TAG), --load, or -o type=oci,dest=FILE (or type=local,dest=DIR).';
