// A node's declared registries against the buildkitd.toml buildx keeps for it: what differs. buildx copies that
// file into the BuildKit container only when it creates the container, so a difference needs a re-created node.
import { parseRegistryTables } from '../buildx/parse/registry-tables.js';
import type { RegistrySpec } from '../config/types.js';

const list = (l: readonly string[] | undefined) => (l && l.length > 0 ? l.join(',') : '(none)');
// buildx copies each CA file in and points the TOML at /etc/buildkit/certs/<host>/<name>: only the name stays.
const caNames = (l: readonly string[] | undefined) => (l ?? []).map((p) => p.slice(p.lastIndexOf('/') + 1));

function fieldChanges(host: string, want: RegistrySpec, have: RegistrySpec): string[] {
  const changes: string[] = [];
  if (list(want.mirrors) !== list(have.mirrors))
    changes.push(`${host} mirrors ${list(have.mirrors)} → ${list(want.mirrors)}`);
  for (const key of ['http', 'insecure'] as const) {
    if ((want[key] ?? false) !== (have[key] ?? false))
      changes.push(`${host} ${key} ${have[key] ?? false} → ${want[key] ?? false}`);
  }
  if (list(caNames(want.ca)) !== list(caNames(have.ca)))
    changes.push(`${host} ca ${list(caNames(have.ca))} → ${list(caNames(want.ca))}`);
  return changes;
}

/**
 * What differs between the declared registries and those in `stored` (the node's buildkitd.toml as buildx
 * keeps it; undefined when it keeps none). A host only buildx has is a difference only where the node names no
 * buildkitd.toml at all (`namesConfig` false): one may come from the user's own file, which is theirs to judge.
 */
export function registryChanges(
  declared: Readonly<Record<string, RegistrySpec>> | undefined,
  stored: string | undefined,
  namesConfig: boolean,
): string[] {
  const have = stored === undefined ? {} : parseRegistryTables(stored);
  const want = declared ?? {};
  const changes = Object.keys(want)
    .sort()
    .flatMap((host) =>
      have[host] === undefined ? [`${host} not configured`] : fieldChanges(host, want[host]!, have[host]),
    );
  if (!namesConfig) {
    for (const host of Object.keys(have).sort())
      if (want[host] === undefined) changes.push(`${host} not declared`);
  }
  return changes.length > 0 ? [`registries in buildkitd.toml: ${changes.join(', ')}`] : [];
}
