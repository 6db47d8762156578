// Remote nodes for e2e tests on real buildx: what buildx holds for a builder, read straight from
// `docker buildx inspect NAME` text with a parser of its own (so mpb's reading is checked against buildx's words,
// not mpb's); a builders.yaml of remote nodes on 127.0.0.1; a hand-made builder without pins.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface StoredNode {
  name: string;
  endpoint: string;
  driverOpts: Record<string, string>;
  /** Platforms marked `*`: pinned with `create --platform`. */
  pinned: string[];
}

/** The builder's nodes as buildx prints them, or undefined when buildx has no builder of that name (exit 1). */
export async function readStore(env: NodeJS.ProcessEnv, name: string): Promise<StoredNode[] | undefined> {
  const r = await run('docker', ['buildx', 'inspect', name], { env }).catch(
    (e: { code?: number; stderr?: string }) => {
      if (e.code === 1 && e.stderr?.includes(`no builder "${name}" found`)) return undefined;
      throw e;
    },
  );
  if (!r) return undefined;
  const nodes: StoredNode[] = [];
  // Per-node fields follow the `Nodes:` line; each `Name:` there starts a node.
  const body = r.stdout.split('\nNodes:\n')[1] ?? '';
  for (const line of body.split('\n')) {
    const [, key, value = ''] = /^([\w ]+):\s+(.*)$/.exec(line) ?? [];
    if (key === 'Name') nodes.push({ name: value, endpoint: '', driverOpts: {}, pinned: [] });
    const node = nodes.at(-1);
    if (!node) continue;
    if (key === 'Endpoint') node.endpoint = value;
    // buildx 0.29.1 prints options in Go map order, which changes from run to run: kept as a map.
    if (key === 'Driver Options')
      node.driverOpts = Object.fromEntries(
        [...value.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
    if (key === 'Platforms')
      node.pinned = value
        .split(', ')
        .filter((p) => p.endsWith('*'))
        .map((p) => p.slice(0, -1));
  }
  return nodes;
}

export interface RemoteNode {
  name: string;
  port: number;
  platforms: string[];
  /** Declared as `emulate:` (built through QEMU, pinned too). */
  emulate?: string[];
}

/**
 * Writes a builders.yaml declaring one remote builder on 127.0.0.1 whose nodes use the files `mpb certs create`
 * wrote to `certs/` beside it, named relatively so mpb has to make them absolute.
 */
export function writeRemoteConfig(
  path: string,
  builder: string,
  nodes: readonly RemoteNode[],
): Promise<void> {
  const tls = '{ ca: certs/ca.pem, cert: certs/client-cert.pem, key: certs/client-key.pem }';
  const lines = [
    'version: 1',
    `defaultBuilder: ${builder}`,
    'builders:',
    `  ${builder}:`,
    '    driver: remote',
  ];
  lines.push('    nodes:');
  for (const n of nodes) {
    lines.push(`      - name: ${n.name}`, `        endpoint: tcp://127.0.0.1:${n.port}`);
    lines.push(`        platforms: [${n.platforms.join(', ')}]`, `        tls: ${tls}`);
    if (n.emulate) lines.push(`        emulate: [${n.emulate.join(', ')}]`);
  }
  return writeFile(path, `${lines.join('\n')}\n`);
}

/** The files a remote tcp:// node's client TLS needs (absolute paths). */
export interface ClientTls {
  ca: string;
  clientCert: string;
  clientKey: string;
}

/**
 * Makes a remote builder by hand, as a user or another tool would: `docker buildx create` per node in order,
 * with client TLS and no `--platform`, so buildx holds no pins and routes on the workers' own lists.
 */
export async function createUnpinnedBuilder(
  env: NodeJS.ProcessEnv,
  builder: string,
  nodes: readonly { name: string; endpoint: string }[],
  tls: ClientTls,
): Promise<void> {
  const opts = [`cacert=${tls.ca}`, `cert=${tls.clientCert}`, `key=${tls.clientKey}`];
  for (const [i, node] of nodes.entries()) {
    const args = ['buildx', 'create', '--name', builder, '--node', node.name, '--driver', 'remote'];
    if (i > 0) args.push('--append');
    for (const opt of opts) args.push('--driver-opt', opt);
    await run('docker', [...args, node.endpoint], { env });
  }
}
