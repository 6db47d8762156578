// Every buildx driver mpb knows, by name: the one place a driver name turns into what the driver does.
import type { NodeStatus } from '../buildx/model.js';
import type { Driver as Declared } from '../config/types.js';
import { docker } from './docker.js';
import { dockerContainer } from './docker-container.js';
import { kubernetes } from './kubernetes.js';
import { remote } from './remote.js';
import type { Driver, NodeState } from './types.js';

// Each entry must be a whole Driver named by its key: a missing capability or a wrong name does not compile.
// The config's own list of declarable names (config/types.ts, on the types floor) must be exactly the drivers
// marked declarable here: one missing from either side does not compile.
const registry = <
  const T extends {
    [Name in keyof T]: Driver<Name & string> & { declarable: Name extends Declared ? true : false };
  } & Record<Declared, unknown>,
>(
  drivers: T,
): T => drivers;

// Declarable drivers first, in the order the config's hints list them.
export const DRIVERS = registry({
  'docker-container': dockerContainer,
  remote,
  kubernetes,
  docker,
});

export type DriverName = keyof typeof DRIVERS;
type Known = (typeof DRIVERS)[DriverName];
/** The drivers `builders.yaml` can declare. */
export type DeclarableDriver = Extract<Known, { declarable: true }>['name'];

const isDeclarable = (d: Known): d is Extract<Known, { declarable: true }> => d.declarable;
export const DECLARABLE_DRIVERS: readonly DeclarableDriver[] = Object.values(DRIVERS)
  .filter(isDeclarable)
  .map((d) => d.name);

/** The driver of that name; undefined for one this mpb does not know (a newer buildx's). */
export function driverOf(name: DriverName): Driver;
export function driverOf(name: string): Driver | undefined;
export function driverOf(name: string): Driver | undefined {
  return Object.hasOwn(DRIVERS, name) ? DRIVERS[name as DriverName] : undefined;
}

/** Whether this mpb knows the driver of that name. */
export function isKnownDriver(name: string): name is DriverName {
  return Object.hasOwn(DRIVERS, name);
}

/** buildx reaches this driver's nodes with TLS files named in their driver options (remote's cacert/cert/key). */
export function tlsInDriverOpts(name: string): boolean {
  return (driverOf(name)?.tlsDriverOpts.length ?? 0) > 0;
}

/** The rules of a declared builder's driver. */
export function rulesOf(name: DeclarableDriver) {
  return DRIVERS[name].rules;
}

/**
 * What buildx's status word means for a node of this driver. `inactive`/`stopped` is a node not booted yet
 * where buildx starts nodes on demand (captures dc-ls-before-bootstrap, dc-ls-stopped), and one that did not
 * answer where it only connects; a driver mpb does not know is given the benefit of the doubt.
 */
export function nodeStateOf(driver: string, status: NodeStatus | undefined): NodeState {
  if (status === undefined) return 'unknown';
  if (status === 'running') return 'running';
  if (status === 'inactive' || status === 'stopped')
    return (driverOf(driver)?.startsOnDemand ?? true) ? 'starts-on-demand' : 'down';
  return 'down';
}
