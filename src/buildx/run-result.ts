// A finished run judged: missing program, timed out, failed or ok (classify), and a result that did not
// succeed turned into mpb's error for it (expectOk). Pure.
import { BuildxFailedError, ToolMissingError } from '../errors.js';
import type { RunOutcome, RunResult } from './run-types.js';

// `docker buildx` without the plugin: docker's own message, exit 1 (docker CLI 20–28).
const BUILDX_MISSING =
  /'buildx' is not a docker command|unknown command "buildx"|docker: unknown command: docker buildx/;

/** Classifies a finished process; pure, so the rules are tested without spawning. */
export function classify(
  file: string,
  args: readonly string[],
  r: { exitCode?: number; stderr?: string; timedOut?: boolean; code?: string },
): RunOutcome {
  if (r.code === 'ENOENT') return { kind: 'missing', tool: file };
  if (r.timedOut) return { kind: 'timed-out' };
  if (r.exitCode === 0) return { kind: 'ok' };
  if (file === 'docker' && args[0] === 'buildx' && BUILDX_MISSING.test(r.stderr ?? '')) {
    return { kind: 'missing', tool: 'buildx' };
  }
  return { kind: 'failed' };
}

/** The last few non-empty lines of stderr: enough to see why, short enough to read. */
export function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
    .join('\n');
}

/** Turns a result that did not succeed into the matching mpb error; returns ok results untouched. */
export function expectOk(r: RunResult, what?: string): RunResult {
  switch (r.outcome.kind) {
    case 'ok':
      return r;
    case 'missing':
      throw r.outcome.tool === 'buildx'
        ? new ToolMissingError('the docker buildx plugin is not installed', {
            hint: 'Install buildx 0.10 or newer: https://github.com/docker/buildx#installing',
            code: 'buildx.unusable',
          })
        : new ToolMissingError(`${r.outcome.tool} was not found on PATH`, {
            ...(r.outcome.tool === 'docker' ? { code: 'docker.missing' as const } : {}),
            hint:
              r.outcome.tool === 'docker'
                ? 'Install the Docker CLI (docker-ce-cli or docker.io) and make sure `docker` is on PATH.'
                : `Install ${r.outcome.tool} or add it to PATH.`,
          });
    case 'timed-out':
      throw new BuildxFailedError(
        `${what ?? r.command} timed out after ${r.durationMs} ms`,
        r.command,
        r.stderr,
        {
          hint: 'A node may be unreachable: run `mpb doctor` to find which.',
        },
      );
    case 'failed':
      throw new BuildxFailedError(
        `${what ?? r.command} failed (exit ${r.exitCode})${r.stderr.trim() ? `:\n${lastLines(r.stderr)}` : ''}`,
        r.command,
        r.stderr,
      );
  }
}
