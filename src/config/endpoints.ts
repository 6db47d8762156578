// Which endpoints each buildx driver takes, and why a wrong one is wrong: buildx allows one driver per
// builder ("mismatched driver"), so an endpoint that implies another driver is a mixed builder.
import type { Driver } from './types.js';
import { quote } from './yaml-source.js';

export type EndpointScheme = 'tcp' | 'ssh' | 'unix' | 'docker-container' | 'kube-pod' | 'context';
export type ReadEndpoint =
  | { ok: true; scheme: EndpointScheme; port: number | undefined }
  | { ok: false; why: string; hint: string };

const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])`;
const PATTERNS: Record<Exclude<EndpointScheme, 'context'>, RegExp> = {
  tcp: new RegExp(`^${HOST}(?::(\\d{1,5}))?/?$`),
  ssh: new RegExp(`^(?:[A-Za-z0-9._-]+@)?${HOST}(?::(\\d{1,5}))?$`),
  unix: /^\/[^\u0000-\u001f\u007f]+$/,
  'docker-container': /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
  'kube-pod': /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?(?:\?[A-Za-z0-9=&._-]*)?$/,
};
// docker's context name rule (cli/context/store).
const CONTEXT = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

export const MISMATCH = 'buildx allows one driver per builder and refuses to mix them ("mismatched driver")';
const LOCAL_TRUE =
  "local: true (mpb runs BuildKit in a container on this machine's Docker and attaches it as docker-container://NAME)";

const EXAMPLES: Record<Exclude<EndpointScheme, 'context'>, string> = {
  tcp: 'Write tcp://HOST:PORT, e.g. tcp://build-amd64.example.com:1234 or tcp://[::1]:1234.',
  ssh: 'Write ssh://USER@HOST[:PORT], e.g. ssh://builder@build-arm64.example.com.',
  unix: 'Write unix:// and an absolute path, e.g. unix:///run/buildkit/buildkitd.sock.',
  'docker-container': 'Write docker-container://CONTAINER, e.g. docker-container://buildkitd.',
  'kube-pod': 'Write kube-pod://POD, e.g. kube-pod://buildkitd-0.',
};

/** Reads an endpoint's scheme; anything that is not a well-formed endpoint is refused here. */
export function readEndpoint(endpoint: string): ReadEndpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/s.exec(endpoint);
  if (!scheme) {
    if (CONTEXT.test(endpoint)) return { ok: true, scheme: 'context', port: undefined };
    return {
      ok: false,
      why: `${quote(endpoint)} is neither a URL nor a docker context name`,
      hint: 'Write e.g. tcp://build-amd64.example.com:1234, ssh://user@host or a docker context name.',
    };
  }
  const [, name, rest] = scheme as unknown as [string, string, string];
  const pattern = PATTERNS[name as keyof typeof PATTERNS];
  if (!pattern) {
    return {
      ok: false,
      why: `${quote(`${name}://`)} is not an endpoint buildx understands`,
      hint: 'Use tcp://, ssh://, unix://, docker-container:// or kube-pod://.',
    };
  }
  const match = pattern.exec(rest);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    return {
      ok: false,
      why: `${quote(endpoint)} is not a valid ${name}:// endpoint`,
      hint: EXAMPLES[name as keyof typeof PATTERNS],
    };
  }
  return { ok: true, scheme: name as EndpointScheme, port };
}

/** Why a node's endpoint (or its absence) does not fit the builder's driver; undefined when it fits. */
export function checkEndpointFits(
  driver: Driver,
  endpoint: string | undefined,
  local: boolean,
): { message: string; hint: string } | undefined {
  if (endpoint === undefined) {
    if (driver !== 'remote' || local) return undefined;
    return {
      message: `a remote node needs an endpoint; a node on this machine's Docker would be docker-container, and ${MISMATCH}`,
      hint: `Write ${LOCAL_TRUE}, or endpoint: tcp://HOST:1234.`,
    };
  }
  const read = readEndpoint(endpoint);
  if (!read.ok) return { message: read.why, hint: read.hint };
  if (driver === 'kubernetes') {
    return {
      message:
        'kubernetes nodes take no endpoint: buildx starts BuildKit pods in the current kubeconfig context',
      hint: 'Remove the endpoint; choose where the pods run with driverOpts, e.g. driverOpts: { namespace: buildkit }.',
    };
  }
  if (driver === 'remote') {
    if (read.scheme === 'context') {
      return {
        message: `${quote(endpoint)} is a docker context name, which only the docker-container driver takes, and ${MISMATCH}`,
        hint: `Write ${LOCAL_TRUE}, or the buildkitd address: tcp://HOST:1234, ssh://USER@HOST, docker-container://CONTAINER.`,
      };
    }
    if (read.scheme === 'tcp' && read.port === undefined) {
      return {
        message: `${quote(endpoint)} has no port`,
        hint: "Write tcp://HOST:1234 (buildkitd's usual port).",
      };
    }
    return undefined;
  }
  if (read.scheme === 'docker-container' || read.scheme === 'kube-pod') {
    return {
      message: `${read.scheme}:// is an endpoint of the remote driver, but this builder is docker-container, and ${MISMATCH}`,
      hint: `Make the builder driver: remote and give its nodes without endpoint ${LOCAL_TRUE}; or remove this endpoint.`,
    };
  }
  return undefined;
}
