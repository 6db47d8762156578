// Puts the preflight's diagnosis on nodes buildx only calls `inactive`: "TLS: certificate expired" beats
// "context deadline exceeded" (captures inspect-dead-bootstrap, inspect-notls-bootstrap).
import type { HealthReport } from '../core/health.js';
import type { ProbeResult } from '../probe/types.js';

export function withProbes(report: HealthReport, probes: readonly ProbeResult[]): HealthReport {
  const down = new Map(probes.flatMap((p) => (p.state === 'down' ? [[p.node, p] as const] : [])));
  const nodes = report.nodes.map((n) => {
    const probe = down.get(n.node);
    if (probe?.state !== 'down' || n.status === 'running') return n;
    return {
      ...n,
      verdict: {
        result: 'down' as const,
        code: probe.code,
        why: probe.detail,
        fix: probe.fix,
      },
    };
  });
  return { ...report, nodes };
}
