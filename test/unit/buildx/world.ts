// The builders and nodes of the capture sessions (test/fixtures/captures/INDEX.md), stated once, and how each
// output format shows them: `inspect` (pins, options, labels), `ls --format json` (no pins), `ls` text (neither).
import type { BuildxBuilder, BuildxNode, PlatformEntry } from '../../../src/buildx/model.js';
import type { CapturedVersion } from '../../helpers/versions.js';

export type Version = CapturedVersion;

/** `plats('linux/amd64*', 'linux/386')`: entries as buildx prints them, `*` = pinned. */
export function plats(...items: string[]): PlatformEntry[] {
  return items.map((p) => ({ platform: p.replace(/\*$/, ''), pinned: p.endsWith('*') }));
}

export function node(fields: Partial<BuildxNode> & { name: string; endpoint: string }): BuildxNode {
  return {
    status: undefined,
    buildkitVersion: undefined,
    platforms: [],
    platformsComplete: true,
    driverOpts: {},
    buildkitdFlags: undefined,
    error: undefined,
    labels: {},
    ...fields,
  };
}

export function builder(fields: Partial<BuildxBuilder> & { name: string; driver: string }): BuildxBuilder {
  return { current: false, error: undefined, lastActivity: undefined, nodes: [], ...fields };
}

const CERTS = '/home/dev/.mpb/certs';
export const TLS = { cacert: `${CERTS}/ca.crt`, cert: `${CERTS}/client.crt`, key: `${CERTS}/client.key` };
export const NO_DAEMON =
  'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
export const ENTITLEMENT = '--allow-insecure-entitlement=network.host';

export function workerLabels(snapshotter: 'native' | 'overlayfs'): Record<string, string> {
  return {
    'org.mobyproject.buildkit.worker.executor': 'oci',
    'org.mobyproject.buildkit.worker.hostname': 'vm',
    'org.mobyproject.buildkit.worker.network': 'host',
    'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
    'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
    'org.mobyproject.buildkit.worker.snapshotter': snapshotter,
  };
}

/** A node as `inspect` shows it; `json` and `text` below drop what those formats do not print. */
export type Shown = BuildxNode;

/** `ls --format json`: the same platforms without `*`, so pins are unknown (platformsComplete false). */
export function json(n: Shown): BuildxNode {
  return { ...n, platforms: n.platforms.map((p) => ({ ...p, pinned: false })), platformsComplete: false };
}

/** `ls` text: no driver options, flags or labels; 0.18+ prints `abbreviated` instead of the full list. */
export function text(n: Shown, abbreviated?: PlatformEntry[]): BuildxNode {
  return {
    ...n,
    driverOpts: {},
    buildkitdFlags: undefined,
    labels: {},
    ...(abbreviated ? { platforms: abbreviated, platformsComplete: false } : {}),
  };
}

/** Running remote nodes show worker labels in inspect from 0.13 (0.11 in buildx, not captured here). */
const labelled = (v: Version, labels: Record<string, string>) => (v === '0.10.5' ? {} : labels);

// BuildKit v0.11.6 on 127.0.0.1:1234 and :1235 (mutual TLS); the amd64 node keeps only `linux/amd64` pinned
// after create-exists updated it in place.
export const linuxAmd64 = (v: Version): Shown =>
  node({
    name: 'linux-amd64',
    endpoint: 'tcp://127.0.0.1:1234',
    status: 'running',
    buildkitVersion: 'v0.11.6',
    platforms: plats('linux/amd64*', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'),
    driverOpts: TLS,
    labels: labelled(v, workerLabels('native')),
  });
export const linuxAmd64Short = plats('linux/amd64*', 'linux/386');

export const linuxArm64 = (v: Version): Shown =>
  node({
    name: 'linux-arm64',
    endpoint: 'tcp://127.0.0.1:1235',
    status: 'running',
    buildkitVersion: 'v0.11.6',
    platforms: plats(
      'linux/arm64*',
      'linux/amd64',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/amd64/v4',
      'linux/386',
    ),
    driverOpts: TLS,
    labels: labelled(v, workerLabels('native')),
  });
export const linuxArm64Short = plats('linux/amd64', 'linux/arm64*', 'linux/386');

// Port 1299 has nothing listening; badcert names a key file that does not exist; notls has no TLS at all.
export const dead0 = node({
  name: 'dead0',
  endpoint: 'tcp://127.0.0.1:1299',
  status: 'inactive',
  platforms: plats('linux/s390x*'),
  driverOpts: TLS,
});
export const badcert = node({
  name: 'badcert',
  endpoint: 'tcp://127.0.0.1:1234',
  status: 'inactive',
  driverOpts: { ...TLS, key: '/nonexistent/client.key' },
});
export const notls0 = node({ name: 'notls0', endpoint: 'tcp://127.0.0.1:1234', status: 'inactive' });

// The QEMU set: the first daemon now lists emulated platforms after its native ones; v0.32.2 on :1237.
export const nativeAmd64 = (v: Version): Shown =>
  node({
    ...linuxAmd64(v),
    name: 'native-amd64',
    platforms: plats(
      'linux/amd64*',
      'linux/amd64/v2',
      'linux/amd64/v3',
      'linux/amd64/v4',
      'linux/386',
      'linux/arm64',
      'linux/riscv64',
      'linux/ppc64le',
      'linux/s390x',
    ),
  });
export const nativeAmd64Short = plats('linux/amd64*', 'linux/arm64', 'linux/ppc64le', 'linux/s390x');

/** A v0.32.2 worker's list with QEMU: native amd64 variants first, then the emulated ones. */
export const QEMU_WORKER = [
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/s390x',
  'linux/386',
  'linux/arm/v7',
  'linux/arm/v6',
];

export const qemu0 = (v: Version): Shown =>
  node({
    name: 'qemu0',
    endpoint: 'tcp://127.0.0.1:1237',
    status: 'running',
    buildkitVersion: 'v0.32.2',
    platforms: plats('linux/amd64', ...QEMU_WORKER),
    driverOpts: TLS,
    labels: labelled(v, workerLabels('native')),
  });
export const qemuShort = plats('linux/amd64', 'linux/arm64', 'linux/arm', 'linux/ppc64le');

/** The engine's own builder (docker driver): BuildKit inside dockerd 20.10.24. */
export const defaultNode = (v: Version): Shown =>
  node({
    name: 'default',
    endpoint: 'default',
    status: 'running',
    // ≤ 0.10 shows the engine version, 0.11+ the BuildKit vendored by the engine
    // (docs/buildx.md#ls-status-and-buildkit-columns).
    buildkitVersion: v === '0.10.5' ? '20.10.24+dfsg1' : 'v0.8+unknown',
    platforms: plats(
      'linux/amd64',
      'linux/arm64',
      'linux/riscv64',
      'linux/ppc64le',
      'linux/s390x',
      'linux/386',
      'linux/arm/v7',
      'linux/arm/v6',
    ),
  });
export const defaultShort = plats('linux/amd64', 'linux/arm64', 'linux/arm', 'linux/ppc64le');

/** `default` while no Docker daemon ran: buildx could not load it. */
export const defaultDown = (current: boolean) =>
  builder({ name: 'default', driver: '', current, error: NO_DAEMON });

// The docker-container set (`dc-*`): a local node and one over SSH, both running BuildKit v0.32.2 with QEMU.
type DcStatus = 'running' | 'stopped' | 'inactive';
const isUp = (status: DcStatus) => status === 'running';

/** 0.10.5 keeps no buildkitd flags; 0.13+ adds the network.host entitlement (docs/buildx.md#inspect-text). */
export const amd64Box = (v: Version, status: DcStatus): Shown =>
  node({
    name: 'amd64-box',
    endpoint: 'ssh://root@127.0.0.1:2222',
    status,
    buildkitVersion: isUp(status) ? 'v0.32.2' : undefined,
    platforms: isUp(status)
      ? plats('linux/amd64*', 'linux/386*', ...QEMU_WORKER.filter((p) => p !== 'linux/386'))
      : plats('linux/amd64*', 'linux/386*'),
    driverOpts: { network: 'host' },
    buildkitdFlags: v === '0.10.5' ? undefined : ENTITLEMENT,
    labels: isUp(status) ? labelled(v, workerLabels('overlayfs')) : {},
  });
export const amd64BoxShort = plats('linux/amd64*', 'linux/arm64', 'linux/arm', 'linux/ppc64le');

/** Only 0.29.1 created it: 0.10.5 and 0.13.1 reject `--driver-opt default-load`. */
export const macArm64 = (status: DcStatus): Shown =>
  node({
    name: 'mac-arm64',
    endpoint: 'unix:///var/run/docker.sock',
    status,
    buildkitVersion: isUp(status) ? 'v0.32.2' : undefined,
    platforms: isUp(status)
      ? plats('linux/arm64*', 'linux/amd64', ...QEMU_WORKER.filter((p) => p !== 'linux/arm64'))
      : plats('linux/arm64*'),
    driverOpts: { 'default-load': 'true', network: 'host' },
    buildkitdFlags: ENTITLEMENT,
    labels: isUp(status) ? workerLabels('overlayfs') : {},
  });
export const macArm64Short = plats('linux/amd64', 'linux/arm64*', 'linux/arm', 'linux/ppc64le');
