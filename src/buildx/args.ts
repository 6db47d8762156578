// Pure argv builders for every buildx call mpb makes. Each returns the args after `docker`.
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import type { BuildxVersion } from './model.js';

// buildx reads each --driver-opt value as one CSV record (docs/buildx.md#create-flags-and-driver-options):
// a value with a comma or a quote must be written as one quoted CSV field, or buildx splits it into several
// options. docker's --mount too.
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Driver options of a node, TLS included, as `key=value` strings in a stable order. */
export function driverOptsOf(node: NodeSpec): string[] {
  const opts = { ...node.driverOpts };
  if (node.tls) {
    opts['cacert'] = node.tls.ca;
    opts['cert'] = node.tls.cert;
    opts['key'] = node.tls.key;
    if (node.tls.servername) opts['servername'] = node.tls.servername;
  }
  return Object.keys(opts)
    .sort()
    .map((k) => `${k}=${opts[k]}`);
}

/** Every platform pinned on the node: native ones and the ones it emulates. */
export function pinnedPlatformsOf(node: NodeSpec): string[] {
  return [...node.platforms, ...node.emulate];
}

export interface CreateOptions {
  /** Add to an existing builder (`--append`), or create the builder with this first node. */
  append: boolean;
  version: BuildxVersion;
  /** Overrides the node's endpoint: a `local` node's `docker-container://NAME`. */
  endpoint?: string;
}

/**
 * `buildx create` for one node. Always passes --driver: without it `create tcp://...` picks `remote` by itself
 * (docs/buildx.md#create-flags-and-driver-options). On an existing node name the same command updates that
 * node in place.
 */
export function createNodeArgs(builder: BuilderSpec, node: NodeSpec, options: CreateOptions): string[] {
  const args = ['buildx', 'create', '--name', builder.name, '--node', node.name, '--driver', builder.driver];
  if (options.append) args.push('--append');
  const platforms = pinnedPlatformsOf(node);
  if (platforms.length > 0) args.push('--platform', platforms.join(','));
  for (const opt of driverOptsOf(node)) args.push('--driver-opt', csvField(opt));
  // A local node's flags and config belong to the container mpb runs, not to the remote driver.
  if (!node.local) {
    if (node.buildkitdFlags) args.push('--buildkitd-flags', node.buildkitdFlags);
    if (node.buildkitdConfig) args.push(options.version.caps.buildkitdConfigFlag, node.buildkitdConfig);
  }
  const endpoint = options.endpoint ?? node.endpoint;
  if (endpoint) args.push(endpoint);
  return args;
}

/** `buildx create --leave`: removes one node from a builder (buildx refuses to remove the last one). */
export function leaveNodeArgs(builderName: string, nodeName: string): string[] {
  return ['buildx', 'create', '--leave', '--name', builderName, '--node', nodeName];
}

/** `buildx rm` of one builder; `--keep-state` keeps the BuildKit state volumes of docker-container nodes. */
export function rmBuilderArgs(builderName: string, options: { keepState: boolean }): string[] {
  return ['buildx', 'rm', ...(options.keepState ? ['--keep-state'] : []), builderName];
}

export function useBuilderArgs(builderName: string): string[] {
  return ['buildx', 'use', builderName];
}

export function inspectArgs(builderName: string, options: { bootstrap: boolean }): string[] {
  return ['buildx', 'inspect', ...(options.bootstrap ? ['--bootstrap'] : []), builderName];
}

export const VERSION_ARGS = ['buildx', 'version'] as const;

/** `buildx ls`: JSON from 0.13 (with driver options and each node's status), the table before. */
export const lsArgs = (version: BuildxVersion): string[] =>
  version.caps.lsJson ? ['buildx', 'ls', '--format', 'json'] : ['buildx', 'ls'];
