// One declared node against the node buildx has: what differs, and whether `create --node` can fix it in place.
import { driverOptsOf } from '../buildx/args.js';
import { splitWords } from '../buildx/container-args.js';
import type { BuildxNode, BuildxVersion } from '../buildx/model.js';
import type { Driver, NodeSpec } from '../config/types.js';
import { driverOf } from '../drivers/registry.js';
import { registryChanges } from './registry-drift.js';

export interface DesiredNode {
  spec: NodeSpec;
  /** The pins buildx will keep for it (after the last-pin-wins rule). */
  pins: string[];
  /** The endpoint buildx should store: a local node's `docker-container://NAME`, else the declared one. */
  endpoint: string | undefined;
}

export interface NodeDrift {
  /** Human descriptions, empty when the node matches. */
  changes: string[];
  /** Why `create --append --node NAME` cannot make it match, when it cannot (then: leave + append). */
  notInPlace: string | undefined;
  /** A note for the reason, empty when none: a running BuildKit container keeps its old settings. */
  restart: string;
  /** Why only removing the builder (keeping its state) and creating it again applies the change, when so. */
  recreate: string | undefined;
}

function optsMap(list: string[]): Map<string, string> {
  return new Map(list.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function sameMap(a: Map<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return keys.length === a.size && keys.every((k) => a.get(k) === b[k]);
}

const show = (list: readonly string[]) => (list.length > 0 ? list.join(',') : '(none)');

/** Compares under buildx's in-place update rules (store/nodegroup.go Update, same in 0.10, 0.13 and 0.29). */
export function diffNode(
  desired: DesiredNode,
  actual: BuildxNode,
  context: { driver: Driver; version: BuildxVersion },
): NodeDrift {
  const changes: string[] = [];
  const notInPlace: string[] = [];
  const driver = driverOf(context.driver);

  if (desired.endpoint !== undefined) {
    if (desired.endpoint !== actual.endpoint)
      changes.push(`endpoint ${actual.endpoint} → ${desired.endpoint}`);
  } else if (driver.localDockerWithoutEndpoint && /^(ssh|tcp):\/\//.test(actual.endpoint)) {
    // No endpoint means the local Docker; create without one does not reset a stored endpoint (setEp=false).
    changes.push(`endpoint ${actual.endpoint} → the local Docker`);
    notInPlace.push('buildx keeps a stored endpoint when create names none');
  }

  const actualPins = actual.platforms.filter((e) => e.pinned).map((e) => e.platform);
  const samePins =
    actualPins.length === desired.pins.length && desired.pins.every((p) => actualPins.includes(p));
  if (!actual.platformsComplete && desired.pins.length > 0) {
    // Pins are unknown (buildx abbreviated the list, or it came from `ls --format json`): re-pin, it is harmless.
    changes.push(`pinned platforms unknown → ${show(desired.pins)}`);
  } else if (!samePins) {
    changes.push(`pinned platforms ${show(actualPins)} → ${show(desired.pins)}`);
    // create without --platform keeps the old pins: they cannot be cleared in place.
    if (desired.pins.length === 0) notInPlace.push('buildx cannot clear pins in place');
  }

  const wantedOpts = optsMap(driverOptsOf(desired.spec));
  if (!sameMap(wantedOpts, actual.driverOpts)) {
    changes.push('driver options');
    if (wantedOpts.size === 0) notInPlace.push('buildx keeps driver options when create passes none');
  }

  // A remote node takes no buildkitd flags; a local node's flags belong to its container (spec hash).
  if (driver.startsBuildkitd) {
    const wanted = splitWords(desired.spec.buildkitdFlags ?? '');
    // Flags buildx adds by itself are not drift when the config does not ask for them (capture dc-inspect, 0.29.1).
    const have = splitWords(actual.buildkitdFlags ?? '').filter(
      (f) => !driver.defaultBuildkitdFlags.includes(f) || wanted.includes(f),
    );
    if (wanted.join(' ') !== have.join(' ')) {
      changes.push(`buildkitd flags "${have.join(' ')}" → "${wanted.join(' ')}"`);
      // buildx < 0.13 sends nil flags when none are given, and nil means "keep".
      if (wanted.length === 0 && !context.version.caps.createClearsFlags)
        notInPlace.push('buildx < 0.13 keeps flags when create passes none');
    }
  }

  // Registries live in the buildkitd.toml buildx copies into the container when it creates it: an in-place
  // update leaves the running BuildKit as it was. Read where inspect prints the file (0.18+); 0.10–0.17 print
  // none, and there a changed registry stays unseen, as a changed buildkitdConfig file always is.
  let recreate: string | undefined;
  if (driver.startsBuildkitd && context.version.caps.filesInInspect) {
    const { registries, buildkitdConfig } = desired.spec;
    const differ = registryChanges(
      registries,
      actual.files?.['buildkitd.toml'],
      buildkitdConfig !== undefined,
    );
    if (differ.length > 0) {
      changes.push(...differ);
      recreate = 'buildx copies buildkitd.toml into the BuildKit container only when it creates it';
    }
  }

  // buildx only rewrites its store ("new settings may not be used until builder is restarted"): a remote
  // client reconnects with them, but a docker-container or kubernetes BuildKit keeps running as it was.
  const pinsOnly = changes.every((c) => c.startsWith('pinned platforms'));
  const restart =
    driver.startsBuildkitd && !pinsOnly
      ? ' (the running BuildKit keeps its old settings until the builder is removed and ensured again)'
      : '';
  return {
    changes,
    notInPlace: notInPlace.length > 0 ? notInPlace.join('; ') : undefined,
    restart: recreate ? '' : restart,
    recreate,
  };
}
