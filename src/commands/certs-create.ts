// mpb certs create: a CA, a server certificate for --host and a client certificate, then how to use them.
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CERT_FILES, type CertPaths, writeCertSet } from '../certs/files.js';
import { createCertSet } from '../certs/generate.js';
import type { Deps } from '../deps.js';
import { UsageError } from '../errors.js';
import type { CertsCreateOptions } from '../options.js';
import { certFacts, shortDate } from '../probe/cert-facts.js';
import type { CommandResult } from '../run-command.js';
import { argvLines } from '../ui/command-line.js';

const DNS_NAME =
  /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*$/;
const MAX_DAYS = 3650;

function checkOptions(options: CertsCreateOptions): void {
  const bad = options.host.filter((h) => isIP(h) === 0 && !(h.length <= 253 && DNS_NAME.test(h)));
  if (bad.length > 0) {
    throw new UsageError(`--host ${bad.map((h) => `"${h}"`).join(', ')}: not a DNS name or IP address`, {
      hint: 'Give the name or address buildx will connect to, e.g. --host build.example.com --host 10.0.0.5',
    });
  }
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_DAYS) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_DAYS}`, { hint: 'e.g. --days 825' });
  }
}

/**
 * The command that starts buildkitd with the files it needs, and only those: the CA certificate, the server
 * certificate and the server key, each mounted read-only under /certs. The CA key and the client key stay here.
 */
export function buildkitdRunArgs(dir: string): string[] {
  const mount = (name: string) => ['-v', `${join(dir, name)}:/certs/${name}:ro`];
  return [
    'docker',
    'run',
    '-d',
    '--name',
    'buildkitd',
    '--privileged',
    '-p',
    '1234:1234',
    ...mount(CERT_FILES.ca),
    ...mount(CERT_FILES.serverCert),
    ...mount(CERT_FILES.serverKey),
    'moby/buildkit',
    '--addr',
    'tcp://0.0.0.0:1234',
    '--tlscacert',
    `/certs/${CERT_FILES.ca}`,
    '--tlscert',
    `/certs/${CERT_FILES.serverCert}`,
    '--tlskey',
    `/certs/${CERT_FILES.serverKey}`,
  ];
}

/** Where `mpb certs create` writes without --out: mpb's own config folder, never the working folder. */
export function defaultCertsDir(env: NodeJS.ProcessEnv): string {
  const config = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(config, 'mpb', 'certs');
}

/** The node entry for builders.yaml that uses the client side of these files. */
export function nodeSnippet(
  host: string,
  paths: CertPaths,
): { name: string; endpoint: string; yaml: string } {
  const name =
    host
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'buildkitd';
  const endpoint = `tcp://${isIP(host) === 6 ? `[${host}]` : host}:1234`;
  const yaml = [
    `      - name: ${name}`,
    `        endpoint: ${endpoint}`,
    `        # platforms: [linux/amd64]   # what this node builds natively`,
    `        tls:`,
    `          ca: ${paths.ca}`,
    `          cert: ${paths.clientCert}`,
    `          key: ${paths.clientKey}`,
  ].join('\n');
  return { name, endpoint, yaml };
}

export async function runCertsCreate(deps: Deps, options: CertsCreateOptions): Promise<CommandResult> {
  checkOptions(options);
  const dir = options.out === undefined ? defaultCertsDir(deps.env) : resolve(deps.cwd, options.out);
  const set = await createCertSet({ hosts: options.host, days: options.days });
  const paths = await writeCertSet(dir, set, { force: Boolean(options.force) });
  const notAfter = certFacts(set.server.cert).notAfter;
  const dockerRun = buildkitdRunArgs(dir);
  const node = nodeSnippet(options.host[0]!, paths);
  if (deps.json) {
    const data = {
      dir,
      files: paths,
      hosts: options.host,
      notAfter,
      dockerRun,
      node: { name: node.name, endpoint: node.endpoint },
    };
    return { outcome: 'ok', data };
  }
  const until = shortDate(notAfter);
  deps.out.result(`Wrote to ${dir} (valid until ${until}):
  ca.pem            CA certificate: both sides trust it
  ca-key.pem        CA key (0600): keep it safe; only needed to issue more certificates
  server-cert.pem   server certificate for ${options.host.join(', ')} (serverAuth)
  server-key.pem    server key (0600)
  client-cert.pem   client certificate (clientAuth), for buildx
  client-key.pem    client key (0600)

On the buildkitd host (copy ca.pem, server-cert.pem and server-key.pem there if it is another machine;
the command mounts only those three):
${argvLines(dockerRun, deps.out.width && deps.out.width - 2)
  .map((l) => `  ${l}`)
  .join('\n')}

In builders.yaml, as a node of a builder with driver: remote:
${node.yaml}

Then check it: mpb doctor`);
  return { outcome: 'ok' };
}
