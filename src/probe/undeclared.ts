// The preflight of the builders buildx has that the config does not declare, for `mpb ls` / `mpb status`:
// given the builders `ls` already read, every node gets a result, all builders probed at once.

import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { readBuilder } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import { tlsInDriverOpts } from '../drivers/registry.js';
import { isReportedRunning, probeActual } from './buildx-nodes.js';
import type { ProbeResult } from './types.js';

// `ls` before 0.13 is a table without driver options: a remote node's TLS files come from `inspect`, read only
// for a builder that has a node to probe (docs/buildx.md, `ls` formats).
function lacksTlsFiles(version: BuildxVersion, b: BuildxBuilder): boolean {
  return (
    !version.caps.lsJson && tlsInDriverOpts(b.driver) && b.nodes.some((n) => !isReportedRunning(b.driver, n))
  );
}

/** Each builder's probe results by builder name, in buildx's node order; within one probe timeout. */
export async function probeUndeclared(
  run: Runner,
  version: BuildxVersion,
  builders: readonly BuildxBuilder[],
  timeoutMs: number,
): Promise<Map<string, ProbeResult[]>> {
  const results = await Promise.all(
    builders.map(async (listed) => {
      const read = lacksTlsFiles(version, listed)
        ? await readBuilder(run, version, listed.name).catch(() => undefined)
        : undefined;
      return [listed.name, await probeActual(read ?? listed, timeoutMs, { run })] as const;
    }),
  );
  return new Map(results);
}
