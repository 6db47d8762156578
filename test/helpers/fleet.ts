// A remote TLS fleet for flow tests: real mutual-TLS servers on 127.0.0.1 (so mpb's preflight really connects),
// certificates from mpb's own generator, and a builders.yaml declaring them. The fake buildx plays buildx.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertSet } from '../../src/certs/generate.js';
import { closedPorts } from './listeners.js';
import { type Running, startTlsServer, writePems } from './tls-server.js';

export interface FleetNode {
  name: string;
  platforms: string[];
  emulate?: string[];
  /** A port nothing listens on: the node is dead. */
  dead?: boolean;
  /** The ListWorkers body its server answers with (default: no worker). */
  workersReply?: Buffer;
}

export interface Fleet {
  dir: string;
  configPath: string;
  /** Endpoint of each node by name. */
  endpoints: Record<string, string>;
  tls: { ca: string; cert: string; key: string };
  /** Rewrites builders.yaml with other nodes (same servers, by name) or extra YAML. */
  writeConfig(nodes: FleetNode[], options?: { builder?: string; use?: boolean }): Promise<void>;
  /** Stops one node's server: its port then refuses connections. */
  stopNode(name: string): Promise<void>;
  close(): Promise<void>;
}

function yamlOf(
  builder: string,
  use: boolean,
  nodes: FleetNode[],
  fleet: Omit<Fleet, 'writeConfig' | 'stopNode' | 'close'>,
): string {
  const tls = `{ ca: ${fleet.tls.ca}, cert: ${fleet.tls.cert}, key: ${fleet.tls.key} }`;
  const lines = [
    'version: 1',
    `defaultBuilder: ${builder}`,
    'builders:',
    `  ${builder}:`,
    '    driver: remote',
  ];
  if (use) lines.push('    use: true');
  lines.push('    nodes:');
  for (const n of nodes) {
    lines.push(`      - name: ${n.name}`, `        endpoint: ${fleet.endpoints[n.name]}`);
    lines.push(`        platforms: [${n.platforms.join(', ')}]`);
    if (n.emulate?.length) lines.push(`        emulate: [${n.emulate.join(', ')}]`);
    lines.push(`        tls: ${tls}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts one TLS server per live node (a closed port for dead ones) and writes builders.yaml for them. */
export async function startFleet(
  nodes: FleetNode[],
  options: { builder?: string; use?: boolean } = {},
): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), 'mpb-fleet-'));
  const certs = await createCertSet({ hosts: ['127.0.0.1'], days: 30 });
  const tls = await writePems({ ca: certs.ca.cert, cert: certs.client.cert, key: certs.client.key });
  const servers = new Map<string, Running>();
  const endpoints: Record<string, string> = {};
  for (const n of nodes.filter((node) => !node.dead)) {
    const server = await startTlsServer({
      cert: certs.server.cert,
      key: certs.server.key,
      ca: certs.ca.cert,
      workersReply: n.workersReply,
    });
    servers.set(n.name, server);
    endpoints[n.name] = `tcp://127.0.0.1:${server.port}`;
  }
  // Taken while the live servers listen, so no dead port is one of theirs.
  const dead = nodes.filter((n) => n.dead);
  const ports = await closedPorts(dead.length);
  dead.forEach((n, i) => {
    endpoints[n.name] = `tcp://127.0.0.1:${ports[i]}`;
  });
  const configPath = join(dir, 'builders.yaml');
  const base = { dir, configPath, endpoints, tls: { ca: tls.ca!, cert: tls.cert!, key: tls.key! } };
  const fleet: Fleet = {
    ...base,
    writeConfig: (next, o = {}) =>
      writeFile(
        configPath,
        yamlOf(o.builder ?? options.builder ?? 'fleet', o.use ?? options.use ?? false, next, base),
      ),
    stopNode: async (name) => {
      await servers.get(name)?.close();
      servers.delete(name);
    },
    close: async () => {
      await Promise.all([...servers.values()].map((s) => s.close()));
    },
  };
  await fleet.writeConfig(nodes);
  return fleet;
}
