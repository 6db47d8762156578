// Pure argv builders and the inspect parser for the BuildKit container mpb runs for a `local: true` node.
// Each builder returns the args after `docker`.
import { csvField } from './args.js';
import type { Parsed } from './model.js';

/** Where buildkitd reads its config and keeps its state inside moby/buildkit images. */
export const BUILDKITD_CONFIG_PATH = '/etc/buildkit/buildkitd.toml';
export const BUILDKIT_STATE_PATH = '/var/lib/buildkit';

export interface ContainerSpec {
  name: string;
  /** Named volume holding BuildKit's state, so a re-created container keeps its cache. */
  volume: string;
  image: string;
  /** buildkitd flags, one word each. */
  buildkitdFlags: string[];
  /** Absolute host path of a buildkitd.toml. */
  buildkitdConfig: string | undefined;
  /**
   * Host files the config names (registry CA files), mounted read-only at the same path: buildx copies them into
   * the containers it starts, mpb's container reads them where the config says.
   */
  files?: string[];
  /**
   * `docker container create --network`: `host` shares this machine's network, so builds reach its 127.0.0.1.
   * buildx still reaches buildkitd through `docker exec` (docker-container://), so no port is published either way.
   */
  network?: string;
  labels: Record<string, string>;
}

/** What `docker container inspect` says about the container, reduced to what the planner needs. */
export type ContainerState =
  | { state: 'missing' }
  | {
      /** `unusable`: paused, restarting, removing or dead — re-created rather than started. */
      state: 'running' | 'stopped' | 'unusable';
      /** Docker's own word: `running`, `exited`, `created`, `paused`, ... */
      status: string;
      image: string;
      specHash: string | undefined;
    };

export const SPEC_HASH_LABEL = 'mpb.spec-hash';

/**
 * `docker container create` for buildkitd: privileged (BuildKit needs it to run its own containers), restarted
 * with the Docker daemon, state in the named volume, the config bind-mounted read-only. `--mount` rather than
 * `-v` so that a missing config file is an error instead of an empty directory created by Docker.
 */
export function containerCreateArgs(spec: ContainerSpec): string[] {
  const args = ['container', 'create', '--name', spec.name, '--privileged', '--restart', 'unless-stopped'];
  for (const key of Object.keys(spec.labels).sort()) args.push('--label', `${key}=${spec.labels[key]}`);
  if (spec.network !== undefined) args.push('--network', spec.network);
  args.push('--volume', `${spec.volume}:${BUILDKIT_STATE_PATH}`);
  if (spec.buildkitdConfig) {
    const mount = `type=bind,${csvField(`source=${spec.buildkitdConfig}`)},target=${BUILDKITD_CONFIG_PATH},readonly`;
    args.push('--mount', mount);
  }
  for (const file of spec.files ?? []) {
    args.push('--mount', `type=bind,${csvField(`source=${file}`)},${csvField(`target=${file}`)},readonly`);
  }
  args.push(spec.image);
  if (spec.buildkitdConfig) args.push('--config', BUILDKITD_CONFIG_PATH);
  args.push(...spec.buildkitdFlags);
  return args;
}

export function containerStartArgs(name: string): string[] {
  return ['container', 'start', name];
}

/** Removes the container; its named volume stays (no `--volumes`). */
export function containerRmArgs(name: string): string[] {
  return ['container', 'rm', '--force', name];
}

export function volumeRmArgs(volume: string): string[] {
  return ['volume', 'rm', volume];
}

/** Prints a JSON array; `[]` (and exit 1, `No such container`) when there is none. */
export function containerInspectArgs(name: string): string[] {
  return ['container', 'inspect', name];
}

/** Names of volumes whose name contains `fragment`, one per line. */
export function volumeListArgs(fragment: string): string[] {
  return ['volume', 'ls', '--quiet', '--filter', `name=${fragment}`];
}

/** Splits buildkitd flags into words the way buildx's shlex does for `--buildkitd-flags` (quotes, backslash). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) {
      quote = undefined;
    } else if (c === '\\' && quote !== "'" && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (quote) {
      word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface InspectedContainer {
  State?: { Status?: unknown };
  Config?: { Image?: unknown; Labels?: Record<string, unknown> | null };
}

function stateOf(status: string): 'running' | 'stopped' | 'unusable' {
  if (status === 'running') return 'running';
  return status === 'exited' || status === 'created' ? 'stopped' : 'unusable';
}

/** Parses `docker container inspect NAME` stdout (a JSON array; `[]` when the container does not exist). */
export function parseContainerInspect(text: string): Parsed<ContainerState> {
  const fail = (message: string): Parsed<ContainerState> => ({
    ok: false,
    error: {
      kind: 'parse-error',
      format: 'docker container inspect',
      line: 1,
      text: text.slice(0, 200),
      message,
    },
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch {
    return fail('not JSON');
  }
  if (!Array.isArray(doc)) return fail('expected a JSON array');
  const first = doc[0] as InspectedContainer | undefined;
  if (first === undefined) return { ok: true, value: { state: 'missing' }, unparsed: [] };
  const status = first.State?.Status;
  const image = first.Config?.Image;
  if (typeof status !== 'string' || typeof image !== 'string') return fail('no State.Status or Config.Image');
  const hash = first.Config?.Labels?.[SPEC_HASH_LABEL];
  return {
    ok: true,
    value: { state: stateOf(status), status, image, specHash: typeof hash === 'string' ? hash : undefined },
    unparsed: [],
  };
}

/** Parses `docker volume ls --quiet`: one name per line. */
export function parseVolumeList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
