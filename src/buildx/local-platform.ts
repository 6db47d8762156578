// `--platform local`: buildx's own word for the platform of the machine it runs on (util/platformutil/parse.go,
// every version since 0.2.1: containerd's `platforms.DefaultSpec()`, the Go runtime's GOOS/GOARCH and, on arm,
// the CPU's variant). It is the client's OS too: on a Mac, darwin/arm64, not the linux/arm64 of its Docker VM.
// mpb runs buildx on the same machine, so Node's view of it is buildx's.
import { endianness } from 'node:os';

export interface ClientFacts {
  /** process.platform */
  platform: string;
  /** process.arch */
  arch: string;
  /** process.config.variables.arm_version on 32-bit arm (`6`, `7`). */
  armVersion?: string | number | undefined;
  /** os.endianness() */
  endianness?: 'BE' | 'LE';
}

// Node's process.platform → Go's GOOS.
const OS: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
// Node's process.arch → Go's GOARCH; ppc64 is big- or little-endian in Node, two GOARCHes in Go.
const ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', mipsel: 'mipsle', mips64el: 'mips64le' };

/** The platform `--platform local` means, as buildx writes it after containerd's normalising. */
export function clientPlatformOf(facts: ClientFacts): string {
  const os = OS[facts.platform] ?? facts.platform;
  let arch = ARCH[facts.arch] ?? facts.arch;
  if (arch === 'ppc64' && facts.endianness === 'LE') arch = 'ppc64le';
  // containerd normalises arm64/v8 to arm64 and gives arm a variant (v7 when it cannot tell).
  if (arch === 'arm') return `${os}/arm/v${facts.armVersion ?? 7}`;
  return `${os}/${arch}`;
}

/** This machine's: what buildx running here takes `local` to be. */
export function clientPlatform(): string {
  const variables = process.config.variables as { arm_version?: string | number };
  return clientPlatformOf({
    platform: process.platform,
    arch: process.arch,
    armVersion: variables.arm_version,
    endianness: endianness(),
  });
}
