// The BuildKit container mpb runs on the local Docker for a `local: true` node of a remote builder:
// its stable name, its spec, and the docker calls that bring it to the declared state.
import { createHash } from 'node:crypto';
import {
  type ContainerSpec,
  type ContainerState,
  containerCreateArgs,
  containerRmArgs,
  containerStartArgs,
  SPEC_HASH_LABEL,
  splitWords,
  volumeRmArgs,
} from '../buildx/container-args.js';
import { containerNameOf } from '../buildx/container-names.js';
import type { NodeSpec } from '../config/types.js';
import type { PlanAction } from './plan-types.js';

// Only what the container is started with (image, flags, config, registries, network): a change to any of these
// needs a new container.
// The config file is identified by its path; editing its content is not seen (rm the builder to apply it).
// Registries are part of the spec (the file mpb writes for them keeps its path): a change re-creates the container.
// Registries and the network enter only when set, so containers made before they existed keep their hash.
function specHashOf(
  image: string,
  flags: string[],
  config: string | undefined,
  registries: unknown,
  network: string | undefined,
): string {
  const spec = [
    image,
    flags,
    config ?? null,
    ...(registries === undefined ? [] : [registries]),
    ...(network === undefined ? [] : [{ network }]),
  ];
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/** The container a local node needs. Undefined for other nodes. */
export function containerSpecOf(builder: string, node: NodeSpec): ContainerSpec | undefined {
  if (!node.local) return undefined;
  const name = containerNameOf(builder, node.name);
  const flags = splitWords(node.buildkitdFlags ?? '');
  const network = node.local.network;
  const files = [...new Set(Object.values(node.registries ?? {}).flatMap((r) => r.ca ?? []))].sort();
  return {
    name,
    volume: `${name}-state`,
    image: node.local.image,
    buildkitdFlags: flags,
    buildkitdConfig: node.buildkitdConfig,
    ...(files.length > 0 ? { files } : {}),
    ...(network === undefined ? {} : { network }),
    labels: {
      'mpb.builder': builder,
      'mpb.node': node.name,
      [SPEC_HASH_LABEL]: specHashOf(node.local.image, flags, node.buildkitdConfig, node.registries, network),
    },
  };
}

/**
 * The docker calls that make the container match its spec: missing → create + start; stopped → start;
 * other image/flags/config (or paused/dead) → rm + create + start, keeping the state volume; as declared → none.
 */
export function planLocalContainer(spec: ContainerSpec, node: string, state: ContainerState): PlanAction[] {
  const act = (
    kind: 'container-create' | 'container-start' | 'container-rm',
    argv: string[],
    reason: string,
  ) => ({ kind, file: 'docker', argv, node, container: spec.name, reason }) as const;
  const create = (why: string) => act('container-create', containerCreateArgs(spec), why);
  const start = (why: string) => act('container-start', containerStartArgs(spec.name), why);
  if (state.state === 'missing') {
    return [
      create(`local node "${node}" has no BuildKit container`),
      start(`start the new BuildKit container for "${node}"`),
    ];
  }
  const wanted = spec.labels[SPEC_HASH_LABEL];
  if (state.specHash !== wanted || state.state === 'unusable') {
    const why =
      state.specHash !== wanted
        ? `the BuildKit container of "${node}" runs other settings (image ${state.image}); re-create it, keeping volume ${spec.volume}`
        : `the BuildKit container of "${node}" is ${state.status}; re-create it, keeping volume ${spec.volume}`;
    return [
      act('container-rm', containerRmArgs(spec.name), why),
      create(`re-create the BuildKit container of "${node}" with image ${spec.image}`),
      start(`start the re-created BuildKit container of "${node}"`),
    ];
  }
  if (state.state === 'stopped') return [start(`the BuildKit container of "${node}" is ${state.status}`)];
  return [];
}

/** `mpb rm`: remove the container if it exists, and its volume unless state is kept or the volume is gone. */
export function planLocalContainerRemoval(
  spec: ContainerSpec,
  node: string,
  state: ContainerState,
  options: { keepState: boolean; volumeExists: boolean },
): PlanAction[] {
  const actions: PlanAction[] = [];
  const base = { file: 'docker', node, container: spec.name } as const;
  if (state.state !== 'missing') {
    const reason = `remove the BuildKit container of local node "${node}"`;
    actions.push({ ...base, kind: 'container-rm', argv: containerRmArgs(spec.name), reason });
  }
  if (!options.keepState && options.volumeExists) {
    const reason = `remove the BuildKit state volume of "${node}" (--keep-state keeps it)`;
    actions.push({ ...base, kind: 'volume-rm', argv: volumeRmArgs(spec.volume), reason });
  }
  return actions;
}
