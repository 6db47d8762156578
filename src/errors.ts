// One error vocabulary for mpb. Only src/cli.ts catches these and turns them into exit codes.
import type { FaultCode } from './probe/codes.js';

export const EXIT = {
  ok: 0,
  buildxFailed: 1,
  usage: 2,
  unhealthy: 3,
  toolMissing: 4,
  internal: 70,
  interrupted: 130, // 128 + SIGINT, as a shell reports it
  terminated: 143, // 128 + SIGTERM
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * How a command ended without an error: the core and the commands say what happened, and only exitCodeOf
 * turns it into a number. `{exited}` is a child's own code passed back as it is (mpb build: buildx's code).
 */
export type Outcome = 'ok' | 'usage' | 'unhealthy' | { exited: number };

/** The one map from outcomes to exit numbers. */
export function exitCodeOf(outcome: Outcome): number {
  if (typeof outcome === 'object') return outcome.exited;
  return EXIT[outcome];
}

const BRAND = Symbol.for('mpb.error');

/** A problem in the config file, with its place and what to write instead. */
export interface ConfigIssue {
  path: string;
  line: number;
  column: number;
  message: string;
  hint: string;
  /** The builder it is about, when it is about one: a command that does not use it does not print its warnings. */
  builder?: string;
}

export abstract class MpbError extends Error {
  readonly [BRAND] = true;
  abstract readonly exitCode: ExitCode;
  /** One line of what to do next, shown under the message. */
  readonly hint: string | undefined;
  /** The diagnosis code `--json` gives this error (README "Diagnosis codes"), when it names a fault. */
  readonly code: FaultCode | undefined;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
    this.code = options.code;
  }
}

export function isMpbError(e: unknown): e is MpbError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** The base of a class of errors that all exit with one code, named as the class is. */
const errorOf = <N extends string>(name: N, exitCode: ExitCode) =>
  class extends MpbError {
    override readonly name: N = name;
    readonly exitCode = exitCode;
  };

type ErrorOptions = { hint?: string; cause?: unknown; code?: FaultCode };

/** Bad flags or arguments (exit 2). */
export class UsageError extends errorOf('UsageError', EXIT.usage) {}

/** The config file is invalid (exit 2); carries every issue found, not just the first. */
export class ConfigError extends errorOf('ConfigError', EXIT.usage) {
  constructor(
    readonly issues: ConfigIssue[],
    options: ErrorOptions = {},
  ) {
    super(issues.map((i) => `${i.path}:${i.line}:${i.column}: ${i.message}`).join('\n'), options);
  }
}

/** A docker/buildx command exited non-zero or timed out (exit 1). */
export class BuildxFailedError extends errorOf('BuildxFailedError', EXIT.buildxFailed) {
  constructor(
    message: string,
    readonly command: string,
    readonly stderr: string,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A node is down, a platform is not served, an expected platform is missing (exit 3). */
export class UnhealthyError extends errorOf('UnhealthyError', EXIT.unhealthy) {}

/** docker or buildx is missing or too old (exit 4). */
export class ToolMissingError extends errorOf('ToolMissingError', EXIT.toolMissing) {}

/** The error a refusal stands for when it is not reported as a --json document. */
export function refusalError(outcome: 'usage' | 'unhealthy', message: string, hint: string): MpbError {
  return outcome === 'usage' ? new UsageError(message, { hint }) : new UnhealthyError(message, { hint });
}

/** Ctrl-C (exit 130) or a SIGTERM (exit 143) stopped the command; what it had started was stopped and cleaned. */
export class InterruptedError extends MpbError {
  override readonly name = 'InterruptedError';
  readonly exitCode: ExitCode;
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : 'SIGTERM'}: stopped what was running`);
    this.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
  }
}

/** Something mpb did not expect: a bug. */
export class InternalError extends errorOf('InternalError', EXIT.internal) {}
