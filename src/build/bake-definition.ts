// buildx's reading of a bake file (`docker buildx bake --print`): HCL, JSON and compose mean what they mean to
// buildx, and mpb never parses HCL. buildx's complaint about the file is the user's to fix (exit 2).
import { TIMEOUT_MS } from '../buildx/exec.js';
import { type BakeDefinition, parseBakePrint } from '../buildx/parse/bake-print.js';
import { shellQuote } from '../buildx/quote.js';
import { expectOk } from '../buildx/run-result.js';
import type { Deps } from '../deps.js';
import { BuildxFailedError, UsageError } from '../errors.js';

/** What to do about buildx's complaint, in mpb bake's words. */
function hintFor(why: string): string {
  if (why.includes("couldn't find a bake definition"))
    return 'mpb bake reads what docker buildx bake reads: docker-bake.hcl, docker-bake.json, compose.yaml… in this folder, or the files -f names.';
  const target = /failed to find target (\S+)/.exec(why)?.[1];
  if (target === 'default')
    return 'The file has no "default" group: name its targets (mpb bake app web), or add group "default" { targets = [...] }.';
  if (target) return 'mpb bake --print shows the targets and groups the file has.';
  return 'mpb bake takes the files and --set of docker buildx bake.';
}

/**
 * buildx's reading of the bake file. Its own error (an unknown target; a syntax error, with the file, line,
 * column and an excerpt) is the user's to fix: relayed as it is, exit 2.
 */
export async function readDefinition(deps: Deps, argv: string[]): Promise<BakeDefinition> {
  const r = await deps.run('docker', argv, { timeoutMs: TIMEOUT_MS.read, stdio: 'pipe' });
  if (r.outcome.kind === 'missing') expectOk(r);
  if (r.outcome.kind !== 'ok') {
    // The progress lines (`#1 …`) say nothing about the fault; the excerpt and the ERROR line do.
    const said = r.stderr
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.replace(/^ERROR: /, ''));
    const why = said.at(-1) ?? `exit ${r.exitCode}`;
    throw new UsageError(`buildx cannot read the bake file: ${why}`, {
      hint: [...said.slice(0, -1), hintFor(why)].join('\n'),
    });
  }
  const parsed = parseBakePrint(r.stdout);
  if (!parsed.ok) {
    throw new BuildxFailedError(
      `cannot read what buildx bake --print wrote: ${parsed.error.message}`,
      shellQuote(['docker', ...argv]),
      r.stderr,
    );
  }
  return parsed.value;
}
