// Rules about one node: where it runs, its TLS, the daemon options it may carry, its platforms.
import {
  type Endpoint,
  MISMATCH,
  type Misfit,
  type ReadEndpoint,
  readEndpoint,
} from '../drivers/endpoint.js';
import { DRIVERS, rulesOf } from '../drivers/registry.js';
import type { DeclaredNodeRules } from '../drivers/types.js';
import { quote } from '../quote-value.js';
import type { RawBuilder, RawNode } from './schema.js';
import type { YamlPath } from './yaml-source.js';

export type Report = (at: YamlPath, text: string, hint: string, on?: 'key' | 'value') => void;

interface NodeCheck {
  driver: RawBuilder['driver'];
  rules: DeclaredNodeRules;
  node: RawNode;
  at: YamlPath;
  local: boolean;
  /** The endpoint as read; undefined when there is none. */
  read: ReadEndpoint | undefined;
  /** The endpoint is a well-formed tcp:// URL. */
  tcp: boolean;
  error: Report;
  warn: Report;
}

/** tcp://HOST:1234, the port buildkitd listens on (mpb certs create and BuildKit's docs use it). */
const isBuildkitdPort = (endpoint: Endpoint) => endpoint.scheme === 'tcp' && endpoint.port === 1234;

function endpointMisfit({ rules, read, local }: NodeCheck): Misfit | undefined {
  if (read && !read.ok) return { message: read.why, hint: read.hint };
  return rules.checkEndpoint(read?.endpoint, local);
}

/** Where the node runs: local, endpoint or neither, and whether that fits the builder's one driver. */
function checkPlacement(check: NodeCheck): void {
  const { driver, rules, node, at, local, tcp, error } = check;
  if (local && rules.localRefusal !== undefined) {
    error([...at, 'local'], 'local: true is only for remote builders', rules.localRefusal, 'key');
  } else if (local && node.endpoint !== undefined) {
    error(
      [...at, 'endpoint'],
      'a local: true node takes no endpoint: mpb attaches its own container',
      'Keep one: local: true to run BuildKit on this machine, or the endpoint of a buildkitd elsewhere.',
      'key',
    );
  } else if (tcp && node.tls && rules.tcpIsDockerHost) {
    error(
      [...at, 'tls'],
      `a tcp:// endpoint with tls is a remote buildkitd (driver remote), but this builder is ${driver}, and ${MISMATCH}`,
      'Make the builder driver: remote and give its node on this machine local: true; or move this node to a remote builder.',
      'key',
    );
  } else if (tcp && rules.tcpIsDockerHost && check.read?.ok && isBuildkitdPort(check.read.endpoint)) {
    // tcp://HOST:1234 is BuildKit's own port: a buildkitd, which only the remote driver reaches. A Docker
    // host listens on 2375/2376.
    error(
      [...at, 'endpoint'],
      `endpoint ${quote(node.endpoint ?? '')} needs the remote driver`,
      `write \`driver: remote\` for builder "${String(at[1])}", or use an ssh:// Docker host for a docker-container node`,
    );
  } else {
    const fit = endpointMisfit(check);
    if (fit && node.endpoint === undefined) error([...at, 'name'], fit.message, fit.hint, 'key');
    else if (fit) error([...at, 'endpoint'], fit.message, fit.hint);
  }
}

function checkTls({ driver, rules, node, at, local, tcp, error, warn }: NodeCheck): void {
  // A tcp:// + tls node in a docker-container builder is reported by checkPlacement as a mixed builder.
  if (node.tls && !(tcp && rules.tcpIsDockerHost)) {
    if (!rules.tls) {
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
  if (rules.tls && !local && tcp && !node.tls) {
    warn(
      [...at, 'endpoint'],
      'tcp:// without tls: an open buildkitd gives root on that host to anyone who can reach it',
      'Add tls: { ca, cert, key } (mpb certs create makes them), or reach it over ssh://.',
    );
  }
}

/** Options for a daemon someone else starts, or in a place mpb does not read them from. */
function checkDaemonOptions({ driver, rules, node, at, local, error, warn }: NodeCheck): void {
  if (!DRIVERS[driver].startsBuildkitd && !local) {
    // Registries say what that daemon needs: doctor prints them as TOML and checks the hosts answer.
    if (node.registries !== undefined) {
      warn(
        [...at, 'registries'],
        'mpb cannot write the buildkitd.toml of a remote buildkitd: it is started by you',
        "Put these settings in that buildkitd's own buildkitd.toml: mpb doctor prints them and checks each host answers.",
        'key',
      );
    }
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
  for (const key of ['image', 'network'] as const) {
    if (node[key] !== undefined && !local) {
      error([...at, key], `${key} is only for local: true nodes`, rules.localOnlyHint(key), 'key');
    }
  }
  // TLS files go in the tls block, where mpb checks them and makes their paths absolute.
  if (rules.tls) {
    const tlsOpts: readonly string[] = DRIVERS[driver].tlsDriverOpts;
    for (const key of Object.keys(node.driverOpts ?? {}).filter((k) => tlsOpts.includes(k))) {
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
  const read = node.endpoint === undefined ? undefined : readEndpoint(node.endpoint);
  const tcp = read?.ok === true && read.endpoint.scheme === 'tcp';
  const rules = rulesOf(driver);
  const check: NodeCheck = { driver, rules, node, at, local: node.local === true, read, tcp, error, warn };
  checkPlacement(check);
  checkTls(check);
  checkDaemonOptions(check);
  checkPlatforms(check);
}
