// The converged fast path of ensure: buildx's record of the builder plus each node's own ListWorkers answer
// (the probe's) stand in for `docker buildx inspect` — but only when they say, beyond doubt, that nothing is
// to change and every node is healthy. Every other case (and every doubt) reads the builder with `inspect`.
import { driverOptsOf } from '../buildx/args.js';
import { inspectFromRecord, type NodeAnswer } from '../buildx/inspect-from-record.js';
import { type RecordRead, recordKnownFor } from '../buildx/instances.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { verifyBuilder } from '../core/health.js';
import { planEnsure } from '../core/plan.js';
import { DRIVERS } from '../drivers/registry.js';

/**
 * Why this builder is never read from the record, or undefined when it may be. Remote `tcp://` nodes with
 * TLS only: the probe then makes buildx's own call (ListWorkers) on the connection buildx would make.
 * `use: true` needs to know the current builder, which only a nameless `inspect` says in every version.
 */
export function recordPathRefusal(spec: BuilderSpec): string | undefined {
  if (!DRIVERS[spec.driver].inspectFromRecord) return `driver ${spec.driver}`;
  if (spec.use) return '`use: true`';
  // buildx keeps names in lower case (store/util.go ValidateName); the record file has that name.
  if (spec.name !== spec.name.toLowerCase()) return 'a builder name with capitals';
  const other = spec.nodes.find((n) => n.local || !n.tls || !n.endpoint?.startsWith('tcp://'));
  return other ? `node ${other.name} is not a tcp:// node with TLS` : undefined;
}

/** How the probe asked a declared node: its endpoint and the TLS options buildx would have. */
export function answerOf(node: NodeSpec, reply: Buffer): NodeAnswer {
  const driverOpts = Object.fromEntries(
    driverOptsOf(node).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { endpoint: node.endpoint ?? '', driverOpts, reply };
}

export type RecordVerdict = { ok: true; actual: BuildxBuilder } | { ok: false; why: string };

/** The builder as inspect would show it, when it is converged and healthy by its record and answers. */
export function convergedFromRecord(
  spec: BuilderSpec,
  input: {
    record: RecordRead;
    answers: ReadonlyMap<string, NodeAnswer>;
    version: BuildxVersion;
    prune: boolean;
    recreate: boolean;
  },
): RecordVerdict {
  const { record, version } = input;
  if (!record.ok) return record;
  if (!recordKnownFor(version)) return { ok: false, why: `a record of buildx ${version.raw} is not known` };
  if (record.record.name !== spec.name) return { ok: false, why: `the record names ${record.record.name}` };
  const made = inspectFromRecord(record.record, input.answers);
  if (!made.ok) return made;
  const plan = planEnsure(spec, made.builder, {
    version,
    prune: input.prune,
    recreate: input.recreate,
    localContainers: new Map(),
  });
  if (plan.blocked || plan.actions.length > 0) return { ok: false, why: 'the builder is to change' };
  if (verifyBuilder(spec, made.builder).state !== 'healthy')
    return { ok: false, why: 'a node is not healthy' };
  return { ok: true, actual: made.builder };
}
