// The one reader of a node's endpoint: config validation refuses what it cannot read, probing reads the parts.
import { quote } from '../quote-value.js';

export type EndpointScheme = 'tcp' | 'ssh' | 'unix' | 'docker-container' | 'kube-pod' | 'context';

/** A well-formed endpoint, split into what probing and the driver rules need; `raw` as written. */
export type Endpoint = { raw: string } & (
  | { scheme: 'tcp'; host: string; port: number | undefined }
  | { scheme: 'ssh'; user: string | undefined; host: string; port: number | undefined }
  | { scheme: 'unix'; path: string }
  | { scheme: 'docker-container'; container: string }
  | { scheme: 'kube-pod'; pod: string }
  | { scheme: 'context'; context: string }
);

export type ReadEndpoint = { ok: true; endpoint: Endpoint } | { ok: false; why: string; hint: string };

/** Why an endpoint (or its absence) does not fit a driver, and what to write instead. */
export interface Misfit {
  message: string;
  hint: string;
}

const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])`;
// What follows tcp:// and ssh://; `port` is the port's quantifier: optional (`?`) or required (``).
const TCP = (port: '?' | '') => `^(${HOST})(?::(\\d{1,5}))${port}/?$`;
const SSH = (port: '?' | '') => `^(?:([A-Za-z0-9._-]+)@)?(${HOST})(?::(\\d{1,5}))${port}$`;
const PATTERNS: Record<Exclude<EndpointScheme, 'context'>, RegExp> = {
  tcp: new RegExp(TCP('?')),
  ssh: new RegExp(SSH('?')),
  unix: /^\/[^\u0000-\u001f\u007f]+$/,
  'docker-container': /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
  'kube-pod': /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?(?:\?[A-Za-z0-9=&._-]*)?$/,
};
// docker's context name rule (cli/context/store).
const CONTEXT = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

/**
 * The regular expression (source) of a whole well-formed endpoint of one scheme, as readEndpoint reads it, for
 * the editor schema; with `portRequired`, a tcp:// or ssh:// endpoint must name its port.
 */
export function endpointPatternOf(scheme: EndpointScheme, portRequired = false): string {
  if (scheme === 'context') return CONTEXT.source;
  const port = portRequired ? '' : '?';
  const rest = scheme === 'tcp' ? TCP(port) : scheme === 'ssh' ? SSH(port) : PATTERNS[scheme].source;
  return `^${scheme}://${rest.slice(1)}`;
}

export const MISMATCH = 'buildx allows one driver per builder and refuses to mix them ("mismatched driver")';
export const LOCAL_TRUE =
  "local: true (mpb runs BuildKit in a container on this machine's Docker and attaches it as docker-container://NAME)";

const EXAMPLES: Record<Exclude<EndpointScheme, 'context'>, string> = {
  tcp: 'Write tcp://HOST:PORT, e.g. tcp://build-amd64.example.com:1234 or tcp://[::1]:1234.',
  ssh: 'Write ssh://USER@HOST[:PORT], e.g. ssh://builder@build-arm64.example.com.',
  unix: 'Write unix:// and an absolute path, e.g. unix:///run/buildkit/buildkitd.sock.',
  'docker-container': 'Write docker-container://CONTAINER, e.g. docker-container://buildkitd.',
  'kube-pod': 'Write kube-pod://POD, e.g. kube-pod://buildkitd-0.',
};

// `[::1]` → `::1`: the brackets only delimit an IPv6 host in the URL.
const bareHost = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

const portOf = (digits: string | undefined) => (digits === undefined ? undefined : Number(digits));

function endpointOf(
  raw: string,
  scheme: Exclude<EndpointScheme, 'context'>,
  rest: string,
  m: RegExpExecArray,
): Endpoint {
  switch (scheme) {
    case 'tcp':
      return { raw, scheme, host: bareHost(m[1]!), port: portOf(m[2]) };
    case 'ssh':
      return { raw, scheme, user: m[1], host: bareHost(m[2]!), port: portOf(m[3]) };
    case 'unix':
      return { raw, scheme, path: rest };
    case 'docker-container':
      return { raw, scheme, container: rest };
    case 'kube-pod':
      return { raw, scheme, pod: rest };
  }
}

/** Reads an endpoint; anything that is not a well-formed endpoint is refused here. */
export function readEndpoint(endpoint: string): ReadEndpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/s.exec(endpoint);
  if (!scheme) {
    if (CONTEXT.test(endpoint))
      return { ok: true, endpoint: { raw: endpoint, scheme: 'context', context: endpoint } };
    return {
      ok: false,
      why: `${quote(endpoint)} is neither a URL nor a docker context name`,
      hint: 'Write e.g. tcp://build-amd64.example.com:1234, ssh://user@host or a docker context name.',
    };
  }
  const [, name, rest] = scheme as unknown as [string, string, string];
  if (!Object.hasOwn(PATTERNS, name)) {
    return {
      ok: false,
      why: `${quote(`${name}://`)} is not an endpoint buildx understands`,
      hint: 'Use tcp://, ssh://, unix://, docker-container:// or kube-pod://.',
    };
  }
  const known = name as keyof typeof PATTERNS;
  const match = PATTERNS[known].exec(rest);
  const read = match ? endpointOf(endpoint, known, rest, match) : undefined;
  const port = read && 'port' in read ? read.port : undefined;
  if (!read || (port !== undefined && (port < 1 || port > 65535))) {
    return { ok: false, why: `${quote(endpoint)} is not a valid ${name}:// endpoint`, hint: EXAMPLES[known] };
  }
  return { ok: true, endpoint: read };
}
