// Puts the error a failed bootstrap printed on the node it names, as its driver diagnoses it: `namespaces
// "nope" not found` is the verdict, not the `inactive` buildx shows afterwards (capture
// kubernetes/v0.29.1/inspect-no-namespace).
import type { BootstrapError } from '../buildx/parse/bootstrap-errors.js';
import type { BuilderSpec } from '../config/types.js';
import type { HealthReport, NodeHealth } from '../core/health.js';
import { DRIVERS } from '../drivers/registry.js';

export function withBootstrapErrors(
  report: HealthReport,
  spec: BuilderSpec,
  errors: readonly BootstrapError[],
): HealthReport {
  const down = report.nodes.filter((n) => n.verdict.result === 'down');
  // An unnamed error is buildx booting one node: it can only be the one that is down.
  const errorOf = (n: NodeHealth) =>
    errors.find((e) => e.node === n.node) ??
    (down.length === 1 ? errors.find((e) => e.node === undefined) : undefined);
  const nodes = report.nodes.map((n): NodeHealth => {
    const error = errorOf(n);
    if (n.verdict.result !== 'down' || error === undefined) return n;
    const driverOpts = spec.nodes.find((s) => s.name === n.node)?.driverOpts ?? {};
    const found = DRIVERS[spec.driver].diagnose(error.message, { node: n.node, driverOpts });
    const verdict = found
      ? { result: 'down' as const, code: found.code, why: found.why, fix: found.fix }
      : { ...n.verdict, why: error.message };
    return { ...n, verdict };
  });
  return { ...report, nodes };
}
