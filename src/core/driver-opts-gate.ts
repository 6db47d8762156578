// A driver option the installed buildx does not know fails `buildx create` ("invalid driver option timeout for
// driver kubernetes", capture kubernetes/v0.13.1/create-two-nodes): refused before buildx runs, naming the
// version that added it.
import type { BuildxVersion } from '../buildx/model.js';
import type { BuilderSpec } from '../config/types.js';
import { DRIVERS } from '../drivers/registry.js';

/** The newest buildx minor whose driver options the tables know; a newer buildx may take keys they do not. */
const KNOWN_UP_TO_MINOR = 29;

export interface RefusedDriverOpt {
  node: string;
  key: string;
  /** The buildx 0.x minor that added the key; undefined when no known buildx takes it. */
  since: number | undefined;
}

/** The driver options of a builder's nodes that the installed buildx's driver does not accept. */
export function refusedDriverOpts(spec: BuilderSpec, version: BuildxVersion): RefusedDriverOpt[] {
  const since: Readonly<Record<string, number>> | undefined = DRIVERS[spec.driver].driverOptsSince;
  if (since === undefined || version.major > 0) return [];
  return spec.nodes.flatMap((node) =>
    Object.keys(node.driverOpts).flatMap((key): RefusedDriverOpt[] => {
      const added = Object.hasOwn(since, key) ? since[key] : undefined;
      if (added === undefined)
        return version.minor > KNOWN_UP_TO_MINOR ? [] : [{ node: node.name, key, since: undefined }];
      return version.minor < added ? [{ node: node.name, key, since: added }] : [];
    }),
  );
}

/** The blocked-plan reason and hint for refused options; undefined when there are none. */
export function driverOptsRefusal(
  spec: BuilderSpec,
  version: BuildxVersion,
): { reason: string; hint: string } | undefined {
  const refused = refusedDriverOpts(spec, version);
  if (refused.length === 0) return undefined;
  const what = refused.map((r) =>
    r.since === undefined
      ? `driverOpts.${r.key} (node "${r.node}"): the ${spec.driver} driver of no buildx up to 0.${KNOWN_UP_TO_MINOR} takes it`
      : `driverOpts.${r.key} (node "${r.node}"): the ${spec.driver} driver takes it from buildx 0.${r.since}`,
  );
  const newest = Math.max(...refused.map((r) => r.since ?? 0));
  const known = Object.keys(DRIVERS[spec.driver].driverOptsSince ?? {}).join(', ');
  return {
    reason: `builder "${spec.name}": buildx ${version.raw} refuses ${what.join('; ')}`,
    hint:
      newest > 0
        ? `Upgrade buildx to 0.${newest} or newer, or remove ${refused.map((r) => r.key).join(', ')} from driverOpts.`
        : `Remove it; the ${spec.driver} driver takes: ${known}.`,
  };
}
