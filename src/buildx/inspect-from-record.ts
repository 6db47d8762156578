// What `docker buildx inspect NAME` would show of a remote builder, made without running buildx: its record
// (instances.ts) plus each node's own answer to BuildKit's ListWorkers (parse/list-workers.ts), the call buildx
// makes itself. The rules are buildx's (0.13.1 … 0.29.1, builder/node.go loadData, commands/inspect.go):
// - a remote node is `running` exactly when ListWorkers answers (driver/remote Info);
// - Platforms: the pinned ones first (marked `*`), then every worker platform not already shown, in BuildKit's
//   order, each normalised by containerd (`{arm, linux}` is `linux/arm/v7`; util/platformutil FormatInGroups,
//   Dedupe: no sorting);
// - Labels: those of the first worker; the BuildKit version: BuildKit's own (Control/Info in buildx, the same
//   `version.Version` each worker record carries).
// Anything outside what was checked against real buildx — another driver, more than one worker, a platform
// mpb cannot print as buildx does, driver options the probe does not use — gives `ok: false` and the reason.

import { driverOf } from '../drivers/registry.js';
import type { InstanceRecord } from './instances.js';
import type { BuildxBuilder, BuildxNode, PlatformEntry } from './model.js';
import { parseListWorkers } from './parse/list-workers.js';
import { printedPlatform } from './platform.js';

/** How a node was asked (the declared endpoint and the TLS options it used) and what BuildKit answered. */
export interface NodeAnswer {
  endpoint: string;
  driverOpts: Record<string, string>;
  /** The ListWorkers response body. */
  reply: Buffer;
}

export type FromRecord = { ok: true; builder: BuildxBuilder } | { ok: false; why: string };

function sameOpts(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

class Unusable extends Error {}

// tlsOpts: the driver's TLS options (remote's), the only ones the probe connects with (probe/tls.ts).
function nodeOf(
  node: InstanceRecord['nodes'][number],
  answer: NodeAnswer | undefined,
  tlsOpts: readonly string[],
): BuildxNode {
  if (!answer) throw new Unusable(`node ${node.name} was not asked`);
  if (answer.endpoint !== node.endpoint)
    throw new Unusable(`node ${node.name}: buildx has ${node.endpoint}, asked ${answer.endpoint}`);
  if (Object.keys(node.driverOpts).some((k) => !tlsOpts.includes(k)))
    throw new Unusable(`node ${node.name} has driver options besides TLS`);
  if (!sameOpts(node.driverOpts, answer.driverOpts))
    throw new Unusable(`node ${node.name}: buildx's TLS options are not the ones asked with`);
  const read = parseListWorkers(answer.reply);
  if (!read.ok) throw new Unusable(`node ${node.name}: ListWorkers not understood: ${read.why}`);
  const [worker, ...others] = read.workers;
  if (!worker || others.length > 0)
    throw new Unusable(`node ${node.name} answered ${read.workers.length} workers, not one`);
  if (!worker.buildkitVersion) throw new Unusable(`node ${node.name} sent no BuildKit version`);
  const platforms: PlatformEntry[] = node.pins.map((platform) => ({ platform, pinned: true }));
  for (const p of worker.platforms) {
    const text =
      p.osVersion === '' && p.osFeatures.length === 0
        ? printedPlatform({ os: p.os, architecture: p.architecture, variant: p.variant })
        : undefined;
    if (text === undefined)
      throw new Unusable(`node ${node.name}: a worker platform mpb cannot print as buildx does`);
    if (!platforms.some((e) => e.platform === text)) platforms.push({ platform: text, pinned: false });
  }
  return {
    name: node.name,
    endpoint: node.endpoint,
    status: 'running',
    buildkitVersion: worker.buildkitVersion,
    platforms,
    platformsComplete: true,
    driverOpts: { ...node.driverOpts },
    buildkitdFlags: undefined,
    error: undefined,
    labels: { ...worker.labels },
  };
}

/** The builder as `inspect NAME` shows it (parse/inspect.ts's model, `current` false as there), or why not. */
export function inspectFromRecord(
  record: InstanceRecord,
  answers: ReadonlyMap<string, NodeAnswer>,
): FromRecord {
  const driver = driverOf(record.driver);
  if (!driver?.inspectFromRecord) return { ok: false, why: `driver ${record.driver}, not remote` };
  try {
    const nodes = record.nodes.map((n) => nodeOf(n, answers.get(n.name), driver.tlsDriverOpts));
    if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new Unusable('two nodes of one name');
    return {
      ok: true,
      builder: {
        name: record.name,
        driver: record.driver,
        current: false,
        error: undefined,
        lastActivity: record.lastActivity,
        nodes,
      },
    };
  } catch (e) {
    if (e instanceof Unusable) return { ok: false, why: e.message };
    throw e;
  }
}

/**
 * A builder as `ls --format json` lists it, with the pins its record holds: what `inspect` shows. JSON's
 * `Platforms` is buildx's Dedupe(pins, then worker platforms), the list inspect prints, and its first entries are
 * the pins (builder/node.go MarshalJSON). Only running nodes without errors, whose JSON matches the record.
 */
export function withRecordPins(listed: BuildxBuilder, record: InstanceRecord): FromRecord {
  if (listed.name !== record.name || listed.driver !== record.driver)
    return { ok: false, why: 'the record is of another builder' };
  if (listed.error !== undefined) return { ok: false, why: 'buildx could not load the builder' };
  if (listed.lastActivity !== record.lastActivity) return { ok: false, why: 'the record changed meanwhile' };
  if (listed.nodes.length !== record.nodes.length) return { ok: false, why: 'not the nodes of the record' };
  const nodes: BuildxNode[] = [];
  for (const [i, node] of listed.nodes.entries()) {
    const kept = record.nodes[i]!;
    const pins = node.platforms.slice(0, kept.pins.length).map((e) => e.platform);
    if (
      node.name !== kept.name ||
      node.endpoint !== kept.endpoint ||
      !sameOpts(node.driverOpts, kept.driverOpts) ||
      node.buildkitdFlags !== undefined
    )
      return { ok: false, why: `node ${node.name} is not the one in the record` };
    if (node.status !== 'running' || node.error !== undefined)
      return { ok: false, why: `node ${node.name} is not running` };
    if (pins.join(',') !== kept.pins.join(','))
      return { ok: false, why: `node ${node.name} does not list its pins first` };
    const platforms = node.platforms.map((e, k) => ({ platform: e.platform, pinned: k < kept.pins.length }));
    nodes.push({ ...node, platforms, platformsComplete: true });
  }
  return { ok: true, builder: { ...listed, current: false, nodes } };
}
