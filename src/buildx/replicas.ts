// buildx ≥ 0.2x lists a kubernetes node once per pod: `replicas: 2` gives two node blocks with one name
// (capture kubernetes/v0.29.1/inspect-bootstrap-replicas2; 0.13.1 too). They are replicas of one declared
// node, so every reader sees one node per name.
import type { BuildxBuilder, BuildxNode } from './model.js';

/**
 * One node per name. The node is running only when every replica is: a build may land on any pod
 * (`loadbalance=random`, or the sticky pick), so one that is down fails builds. The first replica that is
 * not running speaks for the node; otherwise the first one does.
 */
export function collapseReplicas(builder: BuildxBuilder): BuildxBuilder {
  const byName = new Map<string, BuildxNode[]>();
  for (const node of builder.nodes) byName.set(node.name, [...(byName.get(node.name) ?? []), node]);
  if (byName.size === builder.nodes.length) return builder;
  const nodes = [...byName.values()].map(
    (replicas) => replicas.find((r) => r.status !== 'running') ?? replicas[0]!,
  );
  return { ...builder, nodes };
}
