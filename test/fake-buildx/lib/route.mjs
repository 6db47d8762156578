// Which node builds which platform (build/build.go resolveDriversBase ≤0.12, build/driver.go 0.13+):
// every platform pinned somewhere → the pinning nodes; otherwise boot all nodes and take the first node that
// lists the platform (0.13+ also accepts a compatible one, e.g. 386 on amd64); nothing fits → node 0.

const COMPATIBLE = {
  'linux/amd64': ['linux/386'],
  'linux/arm64': ['linux/arm/v7', 'linux/arm/v6', 'linux/arm/v5'],
  'linux/arm/v7': ['linux/arm/v6', 'linux/arm/v5'],
};

function compatible(nodePlatforms, wanted) {
  return nodePlatforms.some(
    (p) =>
      COMPATIBLE[p]?.includes(wanted) || (wanted.startsWith('linux/amd64') && p.startsWith('linux/amd64')),
  );
}

/** True when every requested platform is pinned on some node: only those nodes are used and booted. */
export function isPerfectMatch(nodes, requested) {
  return nodes.length === 1 || requested.every((p) => nodes.some((n) => n.pinned.includes(p)));
}

/** Map of node index → platforms it builds, in request order. `nodes` carry pinned + worker platforms. */
export function assignPlatforms(nodes, requested, version) {
  const assign = new Map();
  for (const p of requested) {
    let i = nodes.findIndex((n) => n.pinned.includes(p));
    if (i === -1) i = nodes.findIndex((n) => n.platforms.includes(p));
    if (i === -1 && version.caps.treeLs) i = nodes.findIndex((n) => compatible(n.platforms, p));
    if (i === -1) i = 0;
    assign.set(i, [...(assign.get(i) ?? []), p]);
  }
  return new Map([...assign.entries()].sort(([a], [b]) => a - b));
}
