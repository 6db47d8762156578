// How a loopback BuildKit daemon with mutual TLS is started and reached: buildkitd's and buildctl's argv and
// the reading of `buildctl debug workers`. Plain .mjs so the e2e helper (buildkit.ts) and the bench
// (bench/lib/daemons.mjs) start daemons the same way without the bench needing a TypeScript build.

/** buildkitd on 127.0.0.1:port, its own --root, the native snapshotter (no overlayfs here), server TLS. */
export function buildkitdArgs({ root, port, certs, platform }) {
  return [
    '--root',
    root,
    '--addr',
    `tcp://127.0.0.1:${port}`,
    '--tlscacert',
    certs.ca,
    '--tlscert',
    certs.serverCert,
    '--tlskey',
    certs.serverKey,
    '--oci-worker-snapshotter',
    'native',
    ...(platform ? ['--oci-worker-platform', platform] : []),
  ];
}

/** The buildctl flags that reach the daemon on 127.0.0.1:port with client TLS. */
export function buildctlArgs({ port, certs }) {
  return [
    '--addr',
    `tcp://127.0.0.1:${port}`,
    '--tlscacert',
    certs.ca,
    '--tlscert',
    certs.clientCert,
    '--tlskey',
    certs.clientKey,
  ];
}

/** argv after buildctlArgs that lists the workers as JSON. */
export const WORKERS_ARGS = ['debug', 'workers', '--format', '{{json .}}'];

/** The first worker's platforms from `buildctl debug workers --format '{{json .}}'`, e.g. ['linux/amd64', …]. */
export function workerPlatforms(stdout) {
  const [worker] = JSON.parse(stdout);
  return (worker?.platforms ?? []).map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
}
