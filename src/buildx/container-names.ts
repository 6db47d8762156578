// The names of the BuildKit containers mpb runs for `local: true` nodes, and how buildx's remote driver reaches
// them. Probes, readers and the planner all derive them from the builder and node name, so they live here once.

/** `mpb-buildkit-<builder>-<node>`, reduced to the characters Docker allows in a name. */
export function containerNameOf(builder: string, node: string): string {
  return `mpb-buildkit-${builder}-${node}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
}

/** The remote driver reaches the container through `docker exec` (no TLS needed). */
export function localEndpointOf(builder: string, node: string): string {
  return `docker-container://${containerNameOf(builder, node)}`;
}
