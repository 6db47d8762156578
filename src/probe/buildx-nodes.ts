// A builder the config does not declare is probed from what buildx itself stores: each node's endpoint and,
// for the remote driver, its TLS files (`cacert`/`cert`/`key`/`servername` driver options, docs/buildx.md).
import type { BuildxBuilder } from '../buildx/model.js';
import { isKnownDriver } from '../drivers/registry.js';
import { type ProbeNodeSpec, type ProbeOptions, probeAll } from './node.js';
import type { ProbeResult } from './types.js';

/** The node specs the probes take, read from `inspect`; TLS only when buildx has all three files. */
export function probeSpecsOf(builder: Pick<BuildxBuilder, 'driver' | 'nodes'>): ProbeNodeSpec[] {
  return builder.nodes.map((n) => {
    const { cacert, cert, key, servername } = n.driverOpts;
    const tls =
      builder.driver === 'remote' && cacert && cert && key
        ? { ca: cacert, cert, key, servername }
        : undefined;
    return {
      name: n.name,
      endpoint: n.endpoint || undefined,
      tls,
      local: undefined,
      driverOpts: n.driverOpts,
    };
  });
}

/** Probes every node of a builder as buildx has it, all at once. */
export function probeActual(
  builder: BuildxBuilder,
  timeoutMs: number,
  options: Pick<ProbeOptions, 'run'> = {},
): Promise<ProbeResult[]> {
  return probeAll(probeSpecsOf(builder), timeoutMs, {
    ...options,
    // A driver this mpb does not know: its nodes are probed by endpoint alone.
    driver: isKnownDriver(builder.driver) ? builder.driver : undefined,
    builder: builder.name,
  });
}
