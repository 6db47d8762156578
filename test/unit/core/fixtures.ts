// Actual builders read from real `inspect` captures, and declared builders to plan against them.
import type { BuildxBuilder, BuildxNode, PlatformEntry } from '../../../src/buildx/model.js';
import { parseInspect } from '../../../src/buildx/parse/inspect.js';
import type { BuilderSpec, Driver, NodeSpec } from '../../../src/config/types.js';
import { capture } from '../../helpers/fake-run.js';

type Version = '0.10.5' | '0.13.1' | '0.29.1';

/** `linux/amd64*, linux/386` → entries, as buildx prints a Platforms cell. */
export function entries(cell: string): PlatformEntry[] {
  return cell
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => ({ platform: p.replace(/\*$/, ''), pinned: p.endsWith('*') }));
}

/** A captured `docker buildx inspect` (stdout), read by mpb's own parser. */
export function builderFromCapture(version: Version, name: string, current = false): BuildxBuilder {
  const parsed = parseInspect(capture(version, name).stdout);
  if (!parsed.ok) throw new Error(`capture ${version}/${name}: ${parsed.error.message}`);
  return { ...parsed.value, current };
}

export const CERTS = '/home/dev/.mpb/certs';
export const TLS = {
  ca: `${CERTS}/ca.crt`,
  cert: `${CERTS}/client.crt`,
  key: `${CERTS}/client.key`,
  servername: undefined,
};
const POS = { path: '/work/builders.yaml', line: 1, column: 1 };

export function nodeSpec(fields: Partial<NodeSpec> & { name: string }): NodeSpec {
  return {
    endpoint: undefined,
    platforms: [],
    emulate: [],
    tls: undefined,
    driverOpts: {},
    buildkitdFlags: undefined,
    buildkitdConfig: undefined,
    local: undefined,
    pos: POS,
    ...fields,
  };
}

export function builderSpec(name: string, driver: Driver, nodes: NodeSpec[], use = false): BuilderSpec {
  return { name, driver, use, nodes, pos: POS };
}

/** The declared twin of captures `inspect`: two remote mTLS nodes, each pinned to its platform. */
export const AMD64 = nodeSpec({
  name: 'linux-amd64',
  endpoint: 'tcp://127.0.0.1:1234',
  platforms: ['linux/amd64'],
  tls: TLS,
});
export const ARM64 = nodeSpec({
  name: 'linux-arm64',
  endpoint: 'tcp://127.0.0.1:1235',
  platforms: ['linux/arm64'],
  tls: TLS,
});
export const FLEET = builderSpec('builder', 'remote', [AMD64, ARM64]);

/** The declared twin of captures `dc-inspect` (0.29.1): a local docker-container node and one over ssh. */
export const MAC = builderSpec('mac', 'docker-container', [
  nodeSpec({
    name: 'mac-arm64',
    platforms: ['linux/arm64'],
    driverOpts: { network: 'host', 'default-load': 'true' },
  }),
  nodeSpec({
    name: 'amd64-box',
    endpoint: 'ssh://root@127.0.0.1:2222',
    platforms: ['linux/amd64', 'linux/386'],
    driverOpts: { network: 'host' },
  }),
]);

/** Capture qemu-inspect-bootstrap with qemu0 re-appended `--platform linux/arm64` (INDEX.md: then each node
 * built one platform): native-amd64 (amd64*, arm64 by QEMU) and qemu0 (arm64*, an amd64 daemon too). */
export function mixedPinned(): BuildxBuilder {
  const mixed = builderFromCapture('0.13.1', 'qemu-inspect-bootstrap');
  const [native, qemu] = mixed.nodes as [BuildxNode, BuildxNode];
  const rest = qemu.platforms.filter((e) => e.platform !== 'linux/arm64');
  return {
    ...mixed,
    nodes: [native, { ...qemu, platforms: [{ platform: 'linux/arm64', pinned: true }, ...rest] }],
  };
}

/** The declared twin of mixedPinned, as the daemons really are: qemu0 serves arm64 through QEMU. */
export const MIXED = builderSpec('mixed', 'remote', [
  nodeSpec({ name: 'native-amd64', endpoint: 'tcp://127.0.0.1:1234', platforms: ['linux/amd64'] }),
  nodeSpec({ name: 'qemu0', endpoint: 'tcp://127.0.0.1:1237', emulate: ['linux/arm64'] }),
]);

/** A node as buildx lists it, for states no capture shows. */
export function actualNode(fields: Partial<BuildxNode> & { name: string; endpoint: string }): BuildxNode {
  return {
    status: 'running',
    buildkitVersion: 'v0.11.6',
    platforms: [],
    platformsComplete: true,
    driverOpts: {},
    buildkitdFlags: undefined,
    error: undefined,
    labels: {},
    ...fields,
  };
}
