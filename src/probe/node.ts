// Probes a declared node by its endpoint, and many nodes at once: total time is one timeout, not one per node.
import { stat } from 'node:fs/promises';
import { containerNameOf } from '../buildx/container-names.js';
import { createRunner } from '../buildx/exec.js';
import type { Runner } from '../buildx/run-types.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { DRIVERS, type DriverName } from '../drivers/registry.js';
import { checkContainer, checkDockerDaemon, checkSsh } from './daemon.js';
import { parseEndpoint } from './endpoint.js';
import { checkKubernetesNode } from './kubectl.js';
import { nativeOfWorkerReply } from './native.js';
import { probeTcp } from './tcp.js';
import { probeTls } from './tls.js';
import { checkTlsFiles } from './tls-files.js';
import type { NativeTruth, ProbeResult, ProbeTarget, ProbeWarning, StepOutcome } from './types.js';

export interface ProbeOptions {
  timeoutMs: number;
  /** For ssh and docker checks; the real runner when not given. */
  run?: Runner;
  /** The builder's driver: tells `tcp://` buildkitd from a Docker host and skips kubernetes nodes. */
  driver?: DriverName;
  /** The node's builder: names the BuildKit container of a `local: true` node. */
  builder?: string;
  /** Given BuildKit's ListWorkers answer of each `tcp://` TLS node that answered it (a converged ensure reads it). */
  onWorkersReply?: (node: string, reply: Buffer) => void;
}

/** What a probe reads of a node: a declared one, or one read from buildx's state (probe/buildx-nodes.ts). */
export type ProbeNodeSpec = Pick<NodeSpec, 'name' | 'endpoint' | 'tls' | 'local' | 'driverOpts'>;

/** What the steps before the last found; `native`: what one of them learnt of the node's hardware. */
type Steps = { checks: string[]; warnings: ProbeWarning[]; native?: NativeTruth };

function resultOf(target: ProbeTarget, steps: Steps, last: StepOutcome): ProbeResult {
  const checks = last.ok ? [...steps.checks, last.check] : steps.checks;
  if (last.ok) {
    const native = last.native ?? steps.native;
    return {
      ...target,
      state: 'up',
      code: 'ok',
      checks,
      warnings: steps.warnings,
      ...(native ? { native } : {}),
    };
  }
  // The step's internal reason chose its fix; the result says only the public code (probe/codes.ts).
  const { code, detail, fix } = last;
  return { ...target, state: 'down', code, detail, fix, checks, warnings: steps.warnings };
}

async function probeTcpNode(node: ProbeNodeSpec, host: string, port: number, options: ProbeOptions) {
  const steps: Steps = { checks: [], warnings: [] };
  if (!node.tls) {
    const tcp = await probeTcp(host, port, options.timeoutMs);
    return { steps, last: tcp.ok ? { ok: true as const, check: `${host}:${port} accepts TCP` } : tcp };
  }
  const files = await checkTlsFiles(node.tls);
  steps.warnings.push(...files.warnings);
  if (!files.ok) return { steps, last: files };
  steps.checks.push(...files.checks);
  const tls = await probeTls({
    host,
    port,
    ...files.pems,
    servername: node.tls.servername,
    timeoutMs: options.timeoutMs,
    files: { ca: node.tls.ca, cert: node.tls.cert, key: node.tls.key },
  });
  if (!tls.ok) return { steps, last: tls };
  options.onWorkersReply?.(node.name, tls.reply);
  steps.checks.push(
    `${tls.protocol} with "${tls.server.subject}" (valid until ${tls.server.notAfter.slice(0, 10)}); client certificate accepted`,
  );
  const native = nativeOfWorkerReply(tls.reply);
  return { steps, last: { ok: true as const, check: tls.answer, ...(native ? { native } : {}) } };
}

async function probeUnix(path: string): Promise<StepOutcome> {
  const found = await stat(path).then(
    (s) => s.isSocket(),
    () => false,
  );
  return found
    ? { ok: true, check: `socket ${path} exists` }
    : {
        ok: false,
        reason: 'socket',
        code: 'socket.missing',
        detail: `no socket at ${path}`,
        fix: `Start the daemon that listens on ${path}, or fix the path.`,
      };
}

function targetOf(node: ProbeNodeSpec, options: ProbeOptions): ProbeTarget {
  const label = options.driver === undefined ? 'local Docker' : DRIVERS[options.driver].labelWithoutEndpoint;
  const endpoint = node.endpoint ?? (node.local ? 'local BuildKit container' : label);
  return { builder: options.builder, node: node.name, endpoint };
}

/** A node's result from what buildx itself just found, without probing it again. */
export function resultFromBuildx(
  node: ProbeNodeSpec,
  options: Pick<ProbeOptions, 'driver' | 'builder'>,
  outcome: StepOutcome,
): ProbeResult {
  return resultOf(targetOf(node, { ...options, timeoutMs: 0 }), { checks: [], warnings: [] }, outcome);
}

/** Probes one node within options.timeoutMs: up with what was checked, down with the reason and the fix. */
export async function probeNode(node: ProbeNodeSpec, options: ProbeOptions): Promise<ProbeResult> {
  const target = targetOf(node, options);
  const run = options.run ?? createRunner();
  const endpoint = parseEndpoint(node, options.driver);
  const none: Steps = { checks: [], warnings: [] };
  switch (endpoint.kind) {
    case 'skip':
      return { ...target, state: 'skipped', code: 'skipped', detail: endpoint.why };
    case 'kubectl': {
      const facts = { node: node.name, driverOpts: node.driverOpts };
      const found = await checkKubernetesNode(run, facts, options.timeoutMs);
      if (found === 'missing') {
        const detail =
          'kubectl is not on PATH: the cluster, namespace and pods were not checked (buildx reports their state: mpb ls)';
        return { ...target, state: 'skipped', code: 'kube.unchecked', detail };
      }
      return resultOf(target, none, found);
    }
    case 'invalid':
      return resultOf(target, none, {
        ok: false,
        reason: 'endpoint',
        code: 'endpoint.invalid',
        detail: endpoint.why,
        fix: 'Fix the endpoint in the config file.',
      });
    case 'tcp': {
      const { steps, last } = await probeTcpNode(node, endpoint.host, endpoint.port, options);
      return resultOf(target, steps, last);
    }
    case 'ssh':
      return resultOf(target, none, await checkSsh(run, endpoint, options.timeoutMs));
    case 'unix':
      return resultOf(target, none, await probeUnix(endpoint.path));
    case 'docker-context':
      return resultOf(
        target,
        none,
        await checkDockerDaemon(
          run,
          ['--context', endpoint.context],
          `context ${endpoint.context}`,
          options.timeoutMs,
        ),
      );
    case 'docker-host':
      return resultOf(
        target,
        none,
        await checkDockerDaemon(run, ['--host', endpoint.host], endpoint.host, options.timeoutMs),
      );
    case 'docker-container':
      return resultOf(
        target,
        none,
        await checkContainer(run, endpoint.container, false, Date.now() + options.timeoutMs),
      );
    case 'local-docker':
      return resultOf(target, none, await checkDockerDaemon(run, [], 'local Docker', options.timeoutMs));
    case 'local-container': {
      const deadline = Date.now() + options.timeoutMs;
      const daemon = await checkDockerDaemon(run, [], 'local Docker', options.timeoutMs);
      if (!daemon.ok || options.builder === undefined) return resultOf(target, none, daemon);
      const container = containerNameOf(options.builder, node.name);
      return resultOf(
        target,
        { checks: [daemon.check], warnings: [], ...(daemon.native ? { native: daemon.native } : {}) },
        await checkContainer(run, container, true, deadline),
      );
    }
  }
}

/** Probes nodes in parallel: the whole run takes about one timeout however many nodes there are. */
export function probeAll(
  nodes: readonly ProbeNodeSpec[],
  timeoutMs: number,
  options: Omit<ProbeOptions, 'timeoutMs'> = {},
): Promise<ProbeResult[]> {
  const run = options.run ?? createRunner();
  return Promise.all(nodes.map((node) => probeNode(node, { ...options, run, timeoutMs })));
}

/** Every node of every given builder, all at once, each probed with its builder's driver. */
export async function probeBuilders(
  builders: readonly BuilderSpec[],
  options: Omit<ProbeOptions, 'driver' | 'builder'>,
): Promise<ProbeResult[]> {
  const run = options.run ?? createRunner();
  const jobs = builders.flatMap((b) =>
    b.nodes.map((node) => probeNode(node, { ...options, run, driver: b.driver, builder: b.name })),
  );
  return Promise.all(jobs);
}
