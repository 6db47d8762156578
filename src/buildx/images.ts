// Reading what a registry holds, through `docker buildx imagetools inspect`; failures told apart by buildx's stderr.
import { BuildxFailedError, InternalError } from '../errors.js';
import { TIMEOUT_MS } from './exec.js';
import type { Parsed } from './model.js';
import { type ImageReport, parseImagetoolsJson } from './parse/imagetools.js';
import { expectOk, lastLines } from './run-result.js';
import type { Runner, RunResult } from './run-types.js';

export type ImagetoolsFailure =
  | { kind: 'not-found' }
  | { kind: 'unauthorized' }
  | { kind: 'unreachable' }
  | { kind: 'other' };

// Each pattern is the registry's own words as buildx prints them (0.10.5, 0.13.1, 0.29.1 alike):
// `ERROR: localhost:5000/capture/nosuch:1: not found` (capture imagetools-missing);
// `failed to do request: Head "http://127.0.0.1:5999/...": dial tcp ...: connect: connection refused`
// (imagetools-noregistry); from test/e2e/inspect-registry.e2e.test.ts against docker-registry 2.8
// with htpasswd: `pull access denied, repository does not exist or may require authorization:
// authorization failed: no basic auth credentials` (no login) and
// `unexpected status from HEAD request to http://...: 401 Unauthorized` (wrong password).
const FAILURES: [ImagetoolsFailure['kind'], RegExp][] = [
  [
    'unauthorized',
    /\b(401 Unauthorized|403 Forbidden|unauthorized|denied|authorization failed|no basic auth)/i,
  ],
  ['not-found', /: not found\s*$|\bmanifest unknown\b|\bname unknown\b/im],
  [
    'unreachable',
    /dial tcp|connection refused|no such host|i\/o timeout|TLS handshake|x509:|server gave HTTP response|no route to host|network is unreachable/i,
  ],
];

/** Which of the usual reasons made `imagetools inspect` fail; pure, tested on captures. */
export function classifyImagetoolsFailure(stderr: string): ImagetoolsFailure {
  const match = FAILURES.find(([, pattern]) => pattern.test(stderr));
  return { kind: match?.[0] ?? 'other' };
}

/** The registry part of a reference, for hints: `127.0.0.1:5000/a/b:1` → `127.0.0.1:5000`; Docker Hub otherwise. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'docker.io';
}

/** Turns a failed imagetools call into the mpb error that says what to do; ok results pass through. */
function expectImage(r: RunResult, ref: string): RunResult {
  if (r.outcome.kind !== 'failed') return expectOk(r);
  const registry = registryOf(ref);
  const detail = lastLines(r.stderr.replace(/^ERROR: /gm, ''), 2);
  switch (classifyImagetoolsFailure(r.stderr).kind) {
    case 'not-found':
      throw new BuildxFailedError(
        `${ref} was not found: ${registry} has no such image or tag`,
        r.command,
        r.stderr,
        {
          hint: 'Check the repository and tag (a typo, or the push did not happen); `mpb build ... --push` pushes it.',
        },
      );
    case 'unauthorized':
      throw new BuildxFailedError(`${registry} refused access to ${ref}: ${detail}`, r.command, r.stderr, {
        hint: `Log in with \`docker login ${registry}\` (buildx reads docker's credentials), or check that the repository exists.`,
      });
    case 'unreachable':
      throw new BuildxFailedError(`cannot reach the registry ${registry}: ${detail}`, r.command, r.stderr, {
        hint: 'Check the host and port, that the registry is running, and that this machine can reach it.',
      });
    case 'other':
      return expectOk(r, `reading ${ref}`);
  }
}

/** The parsed value, or an InternalError: buildx printed something this version of mpb cannot read. */
export function parsedOrBug<T>(parsed: Parsed<T>, command: string): T {
  if (parsed.ok) return parsed.value;
  const { format, message, text } = parsed.error;
  throw new InternalError(`could not read the output of ${command} (${format}): ${message} at "${text}"`);
}

/**
 * `imagetools inspect --raw`: the registry's bytes, untouched, with no trailing newline
 * (docs/buildx.md#imagetools-inspect).
 */
export async function rawManifest(run: Runner, ref: string): Promise<string> {
  const r = await run('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], {
    timeoutMs: TIMEOUT_MS.read,
  });
  return expectImage(r, ref).stdout;
}

/** What the registry holds for `ref`, in one docker call (`--format '{{json .}}'`, which every supported buildx has). */
export async function inspectImage(run: Runner, ref: string): Promise<ImageReport> {
  const args = ['buildx', 'imagetools', 'inspect', '--format', '{{json .}}', ref];
  const r = expectImage(await run('docker', args, { timeoutMs: TIMEOUT_MS.read }), ref);
  return parsedOrBug(parseImagetoolsJson(r.stdout), r.command);
}
