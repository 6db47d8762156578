// After ensure: is every declared node running, serving its platforms, pinned as declared? Verdicts per node
// and for the builder, each with what to do about it.
import type { BuildxBuilder, BuildxNode, NodeStatus } from '../buildx/model.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { codeOfNodeStatus, type FaultCode } from '../probe/codes.js';
import type { NativeTruth } from '../probe/types.js';
import {
  declarationMismatches,
  effectivePinsOf,
  familyOf,
  isCompatible,
  nativeTruthOf,
  runsNatively,
} from './platforms.js';

export type NodeVerdict =
  | { result: 'ok'; code: 'ok' }
  | { result: 'absent'; code: 'node.absent'; fix: string }
  | { result: 'down'; code: FaultCode; why: string; fix: string }
  | { result: 'missing-platform'; code: 'platform.not-served'; platforms: string[]; fix: string }
  | { result: 'pins-differ'; code: 'node.pins-differ'; expected: string[]; actual: string[]; fix: string };

export interface NodeHealth {
  node: string;
  endpoint: string | undefined;
  status: NodeStatus | undefined;
  buildkitVersion: string | undefined;
  /** Platforms the node reports, split by whether it runs them natively. */
  native: string[];
  emulated: string[];
  /** `platforms` + `emulate` from the config. */
  declared: string[];
  /** Pinned (`*`) in buildx. */
  pinned: string[];
  /** Who says what it runs natively: the node itself (`worker`, `docker-host`) or only the config. */
  nativeSource: NativeTruth['source'];
  /** Declared native, emulated by the node's hardware: each a warning with what to write instead. */
  mismatches: string[];
  verdict: NodeVerdict;
}

export type BuilderState = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthReport {
  builder: string;
  /** degraded: some node is not ok, yet every declared platform has a running node serving it. */
  state: BuilderState;
  nodes: NodeHealth[];
  /** Declared platforms that no running node serves. */
  uncovered: string[];
  /** The builder could not be loaded at all. */
  error?: string;
}

const ENSURE = 'run: mpb ensure-builder';

/** What to do about a node buildx reports not running, by its endpoint (no probe said why). */
export function downFix(endpoint: string): string {
  if (endpoint.startsWith('docker-container://')) {
    return `the BuildKit container ${endpoint.slice('docker-container://'.length)} is not answering; ${ENSURE}, then mpb doctor`;
  }
  if (endpoint.startsWith('tcp://')) {
    return `check that buildkitd listens on ${endpoint} and that the TLS files are valid; run: mpb doctor`;
  }
  if (endpoint.startsWith('ssh://'))
    return `check that ${endpoint} accepts ssh and runs Docker; run: mpb doctor`;
  return 'run: mpb doctor';
}

function missingFix(spec: NodeSpec, missing: string[], endpoint: string): string {
  const emulated = missing.filter((p) => spec.emulate.includes(p));
  const native = missing.filter((p) => !spec.emulate.includes(p));
  const fixes: string[] = [];
  if (emulated.length > 0) {
    const arches = [...new Set(emulated.map((p) => familyOf(p).split('/')[1]))].join(',');
    fixes.push(
      `install QEMU emulators on the host of ${endpoint}: docker run --privileged --rm tonistiigi/binfmt --install ${arches}`,
    );
  }
  if (native.length > 0)
    fixes.push(`${endpoint} does not report ${native.join(', ')}: is it that kind of machine?`);
  return fixes.join('; ');
}

function judgeNode(
  spec: NodeSpec,
  actual: BuildxNode | undefined,
  pins: string[],
  observed: NativeTruth | undefined,
): NodeHealth {
  const declared = [...spec.platforms, ...spec.emulate];
  const truth = nativeTruthOf(actual?.platforms ?? [], spec, observed);
  const mismatches = declarationMismatches(spec.name, spec, truth).map((m) => m.message);
  const told = { nativeSource: truth.source, mismatches };
  if (!actual) {
    const verdict: NodeVerdict = {
      result: 'absent',
      code: 'node.absent',
      fix: `buildx has no node "${spec.name}"; ${ENSURE}`,
    };
    const empty = { endpoint: spec.endpoint, status: undefined, buildkitVersion: undefined };
    return { node: spec.name, ...empty, native: [], emulated: [], declared, pinned: [], ...told, verdict };
  }
  const listed = actual.platforms.map((e) => e.platform);
  const nativeSet = truth.platforms;
  const pinned = actual.platforms.filter((e) => e.pinned).map((e) => e.platform);
  const missing = declared.filter((p) => !listed.some((l) => isCompatible(l, p)));
  const pinsDiffer =
    actual.platformsComplete && (pinned.length !== pins.length || pins.some((p) => !pinned.includes(p)));
  const verdict: NodeVerdict =
    actual.status !== 'running'
      ? {
          result: 'down',
          code: codeOfNodeStatus(actual.status, actual.error),
          why: actual.error ?? `status ${actual.status ?? 'unknown'}`,
          fix: downFix(actual.endpoint),
        }
      : missing.length > 0
        ? {
            result: 'missing-platform',
            code: 'platform.not-served',
            platforms: missing,
            fix: missingFix(spec, missing, actual.endpoint),
          }
        : pinsDiffer
          ? { result: 'pins-differ', code: 'node.pins-differ', expected: pins, actual: pinned, fix: ENSURE }
          : { result: 'ok', code: 'ok' };
  return {
    node: spec.name,
    endpoint: actual.endpoint,
    status: actual.status,
    buildkitVersion: actual.buildkitVersion,
    native: listed.filter((p) => runsNatively(nativeSet, p)),
    emulated: listed.filter((p) => !runsNatively(nativeSet, p)),
    declared,
    pinned,
    ...told,
    verdict,
  };
}

/**
 * Verifies a builder (after bootstrap) against its declaration; `observed`: what the probes heard each node say
 * it runs natively (probe/native.ts), which the declaration is checked against.
 */
export function verifyBuilder(
  spec: BuilderSpec,
  actual: BuildxBuilder,
  observed: ReadonlyMap<string, NativeTruth> = new Map(),
): HealthReport {
  const pins = effectivePinsOf(spec.nodes);
  const byName = new Map(actual.nodes.map((n) => [n.name, n]));
  const nodes = spec.nodes.map((n) =>
    judgeNode(n, byName.get(n.name), pins.get(n.name) ?? [], observed.get(n.name)),
  );
  const running = actual.nodes.filter((n) => n.status === 'running');
  const declared = [...new Set(spec.nodes.flatMap((n) => [...n.platforms, ...n.emulate]))];
  const uncovered = declared.filter(
    (p) => !running.some((n) => n.platforms.some((e) => isCompatible(e.platform, p))),
  );
  const state: BuilderState =
    actual.error !== undefined ||
    uncovered.length > 0 ||
    nodes.some((n) => n.verdict.result === 'pins-differ')
      ? 'unhealthy'
      : nodes.some((n) => n.verdict.result !== 'ok')
        ? 'degraded'
        : 'healthy';
  const report: HealthReport = { builder: spec.name, state, nodes, uncovered };
  return actual.error !== undefined ? { ...report, error: actual.error } : report;
}

/** healthy passes; unhealthy does not; degraded passes only under --allow-degraded. */
export function healthOutcome(report: HealthReport, options: { allowDegraded: boolean }): 'ok' | 'unhealthy' {
  switch (report.state) {
    case 'healthy':
      return 'ok';
    case 'degraded':
      return options.allowDegraded ? 'ok' : 'unhealthy';
    case 'unhealthy':
      return 'unhealthy';
  }
}
