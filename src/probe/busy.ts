// How busy a node is, asked of its BuildKit daemon: the builds it runs now, whoever started them (another mpb,
// a CI job's buildx). The fleet scheduler sends a job to the least busy native node of a pool.
// Asked the way `buildctl debug histories` asks (cmd/buildctl/debug/histories.go): Control/ListenBuildHistory with
// ActiveOnly and EarlyExit, so the daemon sends one STARTED event per active build, skips its stored history
// and ends the stream (solver/llbsolver/history/buildhistory.go, Listen) instead of following new events.
import { parseActiveBuilds } from '../buildx/parse/build-history.js';
import type { DriverName } from '../drivers/registry.js';
import { parseEndpoint } from './endpoint.js';
import type { GrpcRequest } from './grpc.js';
import type { ProbeNodeSpec } from './node.js';
import { probeTls } from './tls.js';
import { checkTlsFiles } from './tls-files.js';

// BuildHistoryRequest (api/services/control/control.proto): ActiveOnly = 1 and EarlyExit = 3, both true;
// each is a varint field: key (number << 3 | 0), then 1.
const ACTIVE_BUILDS: GrpcRequest = {
  path: '/moby.buildkit.v1.Control/ListenBuildHistory',
  message: Uint8Array.of(1 << 3, 1, 3 << 3, 1),
};

export interface BusyOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The node's builder driver, read as the probe reads it (probe/endpoint.ts). */
  driver?: DriverName;
}

/**
 * The refs of the builds the node's BuildKit runs now; undefined when it cannot be asked or does not answer.
 * Only a `tcp://` endpoint with TLS files is asked: that is BuildKit itself, reached with the files the probe
 * uses. Plain tcp:// would need HTTP/2 without TLS (h2c), which mpb does not speak; the other drivers' BuildKit
 * sits behind Docker, ssh or kubectl, where one question would cost a process and more than the answer is worth.
 */
export async function activeBuildRefsOf(
  node: ProbeNodeSpec,
  options: BusyOptions,
): Promise<string[] | undefined> {
  const endpoint = parseEndpoint(node, options.driver);
  if (endpoint.kind !== 'tcp' || !node.tls || options.signal?.aborted) return undefined;
  const files = await checkTlsFiles(node.tls);
  if (!files.ok) return undefined;
  const answer = await probeTls({
    host: endpoint.host,
    port: endpoint.port,
    ...files.pems,
    servername: node.tls.servername,
    timeoutMs: options.timeoutMs,
    call: ACTIVE_BUILDS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!answer.ok) return undefined;
  const read = parseActiveBuilds(answer.reply);
  return read.ok ? read.refs : undefined;
}

/** How many builds the node's BuildKit runs now; undefined when it cannot be asked (see activeBuildRefsOf). */
export async function activeBuildsOf(node: ProbeNodeSpec, options: BusyOptions): Promise<number | undefined> {
  return (await activeBuildRefsOf(node, options))?.length;
}

/**
 * Every node asked at once: the whole takes at most about one timeout. A node that cannot be asked (down, not
 * tcp://, no TLS) maps to undefined; this never rejects.
 */
export async function busyOfNodes(
  nodes: readonly ProbeNodeSpec[],
  options: BusyOptions,
): Promise<Map<string, number | undefined>> {
  const counts = await Promise.all(nodes.map((node) => activeBuildsOf(node, options).catch(() => undefined)));
  return new Map(nodes.map((node, i) => [node.name, counts[i]]));
}
