// Rules about one node: where it runs, its TLS, the daemon options it may carry, its platforms.
import { checkEndpointFits, MISMATCH, readEndpoint } from './endpoints.js';
import type { RawBuilder, RawNode } from './schema.js';
import type { YamlPath } from './yaml-source.js';

// TLS files go in the tls block, where mpb checks them and makes their paths absolute.
const TLS_OPTS = ['cacert', 'cert', 'key', 'servername'];

export type Report = (at: YamlPath, text: string, hint: string, on?: 'key' | 'value') => void;

interface NodeCheck {
  driver: RawBuilder['driver'];
  node: RawNode;
  at: YamlPath;
  local: boolean;
  /** The endpoint is a well-formed tcp:// URL. */
  tcp: boolean;
  error: Report;
  warn: Report;
}

/** Where the node runs: local, endpoint or neither, and whether that fits the builder's one driver. */
function checkPlacement({ driver, node, at, local, tcp, error }: NodeCheck): void {
  if (local && driver !== 'remote') {
    error(
      [...at, 'local'],
      'local: true is only for remote builders',
      driver === 'docker-container'
        ? "Remove it: a docker-container node without endpoint already runs on this machine's Docker."
        : 'Remove it: kubernetes nodes are pods in the cluster.',
      'key',
    );
  } else if (local && node.endpoint !== undefined) {
    error(
      [...at, 'endpoint'],
      'a local: true node takes no endpoint: mpb attaches its own container',
      'Keep one: local: true to run BuildKit on this machine, or the endpoint of a buildkitd elsewhere.',
      'key',
    );
  } else if (driver === 'docker-container' && tcp && node.tls) {
    error(
      [...at, 'tls'],
      `a tcp:// endpoint with tls is a remote buildkitd (driver remote), but this builder is docker-container, and ${MISMATCH}`,
      'Make the builder driver: remote and give its node on this machine local: true; or move this node to a remote builder.',
      'key',
    );
  } else {
    const fit = checkEndpointFits(driver, node.endpoint, local);
    if (fit && node.endpoint === undefined) error([...at, 'name'], fit.message, fit.hint, 'key');
    else if (fit) error([...at, 'endpoint'], fit.message, fit.hint);
  }
}

function checkTls({ driver, node, at, local, tcp, error, warn }: NodeCheck): void {
  // A tcp:// + tls node in a docker-container builder is reported by checkPlacement as a mixed builder.
  if (node.tls && !(driver === 'docker-container' && tcp)) {
    if (driver !== 'remote') {
      error(
        [...at, 'tls'],
        `tls is only for remote nodes; a ${driver} builder does not take it`,
        'Remove tls, or make the builder driver: remote with a tcp:// endpoint.',
        'key',
      );
    } else if (local) {
      error(
        [...at, 'tls'],
        'a local: true node takes no tls: buildx reaches its container through docker exec',
        'Remove tls from this node.',
        'key',
      );
    } else if (node.endpoint !== undefined && !tcp) {
      error(
        [...at, 'tls'],
        'tls needs a tcp:// endpoint; ssh://, unix:// and docker-container:// carry their own security',
        'Remove tls, or write endpoint: tcp://HOST:1234.',
        'key',
      );
    }
  }
  if (driver === 'remote' && !local && tcp && !node.tls) {
    warn(
      [...at, 'endpoint'],
      'tcp:// without tls: an open buildkitd gives root on that host to anyone who can reach it',
      'Add tls: { ca, cert, key } (mpb certs create makes them), or reach it over ssh://.',
    );
  }
}

/** Options for a daemon someone else starts, or in a place mpb does not read them from. */
function checkDaemonOptions({ driver, node, at, local, error }: NodeCheck): void {
  if (driver === 'remote' && !local) {
    for (const key of ['buildkitdFlags', 'buildkitdConfig'] as const) {
      if (node[key] !== undefined) {
        error(
          [...at, key],
          `${key} is for a buildkitd that buildx or mpb starts; a remote buildkitd is started by you`,
          "Put it on that buildkitd's own command line or buildkitd.toml, or use local: true to have mpb run it here.",
          'key',
        );
      }
    }
  }
  if (node.image !== undefined && !local) {
    error(
      [...at, 'image'],
      'image is only for local: true nodes',
      driver === 'docker-container'
        ? 'Write driverOpts: { image: ... } for a docker-container node.'
        : 'Add local: true, or remove image.',
      'key',
    );
  }
  if (driver === 'remote') {
    for (const key of Object.keys(node.driverOpts ?? {}).filter((k) => TLS_OPTS.includes(k))) {
      error(
        [...at, 'driverOpts', key],
        `${key} is a TLS file or name: write it in the tls block`,
        'Write tls: { ca, cert, key, servername }: mpb checks those files and makes their paths absolute.',
        'key',
      );
    }
  }
}

function checkPlatforms({ node, at, error }: NodeCheck): void {
  (node.emulate ?? []).forEach((platform, i) => {
    if (node.platforms?.includes(platform)) {
      error(
        [...at, 'emulate', i],
        `${platform} is in both platforms and emulate`,
        `Keep it in platforms if this node runs ${platform} natively, else in emulate.`,
      );
    }
  });
}

/** Every rule about one node on its own. */
export function checkNode(
  driver: RawBuilder['driver'],
  node: RawNode,
  at: YamlPath,
  error: Report,
  warn: Report,
): void {
  const endpoint = node.endpoint === undefined ? undefined : readEndpoint(node.endpoint);
  const tcp = endpoint?.ok === true && endpoint.scheme === 'tcp';
  const check: NodeCheck = { driver, node, at, local: node.local === true, tcp, error, warn };
  checkPlacement(check);
  checkTls(check);
  checkDaemonOptions(check);
  checkPlatforms(check);
}
