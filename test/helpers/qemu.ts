// QEMU user-mode emulation for the e2e tier: Debian's qemu-user-static emulators registered in the kernel's
// binfmt_misc, so a BuildKit daemon on this amd64 machine runs RUN steps of arm64 or riscv64 images.
// Machine-wide and idempotent: an emulator already registered (by us, another test file or the host) is kept.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { findTool } from './docker-engine.js';

const run = promisify(execFile);
const BINFMT = '/proc/sys/fs/binfmt_misc';

/** QEMU's name for the CPU of a platform (linux/arm64 → aarch64), as in Debian's `qemu-aarch64` formats. */
const QEMU_CPU: Record<string, string> = {
  'linux/arm64': 'aarch64',
  'linux/riscv64': 'riscv64',
  'linux/arm/v7': 'arm',
  'linux/arm/v6': 'arm',
  'linux/ppc64le': 'ppc64le',
  'linux/s390x': 's390x',
};

const stderrOf = (e: unknown) =>
  (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (e as Error).message;

/** `enabled` and the interpreter exists: the kernel will run such binaries. */
function isEnabled(format: string): boolean {
  const entry = `${BINFMT}/${format}`;
  if (!existsSync(entry)) return false;
  const text = readFileSync(entry, 'utf8');
  const interpreter = /^interpreter (.+)$/m.exec(text)?.[1];
  return text.startsWith('enabled\n') && interpreter !== undefined && existsSync(interpreter);
}

/**
 * Registers one format the way Debian ships it: binfmt-support's `update-binfmts --enable` for bookworm's
 * /usr/share/binfmts/qemu-CPU, else the register line of systemd-binfmt's /usr/lib/binfmt.d/qemu-CPU.conf.
 */
async function register(format: string): Promise<string | undefined> {
  const entry = `${BINFMT}/${format}`;
  // Registered but disabled (update-binfmts --disable, or `echo 0`): switch it back on.
  if (existsSync(entry)) writeFileSync(entry, '1');
  else if (existsSync(`/usr/share/binfmts/${format}`) && findTool('update-binfmts')) {
    await run(findTool('update-binfmts')!, ['--enable', format]).catch((e) => {
      // Another test file may have registered it in between: only the end state matters.
      if (!isEnabled(format)) throw e;
    });
  } else if (existsSync(`/usr/lib/binfmt.d/${format}.conf`)) {
    const line = readFileSync(`/usr/lib/binfmt.d/${format}.conf`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(':'));
    if (!line) return `/usr/lib/binfmt.d/${format}.conf has no register line`;
    try {
      writeFileSync(`${BINFMT}/register`, line);
    } catch (e) {
      if (!isEnabled(format)) throw e;
    }
  } else return `no ${format} emulator (apt-get install qemu-user-static binfmt-support)`;
  return isEnabled(format) ? undefined : `${format} did not register in ${BINFMT}`;
}

/**
 * Makes sure binfmt_misc is mounted and QEMU emulates each platform (linux/arm64, linux/riscv64, ...); or says
 * why it cannot (then the caller skips with that reason). Needs root.
 */
export async function ensureQemu(platforms: readonly string[]): Promise<{ ok: true } | { skip: string }> {
  const formats = platforms.map((p) => {
    const cpu = QEMU_CPU[p];
    if (!cpu) throw new Error(`ensureQemu: no QEMU CPU known for ${p}`);
    return `qemu-${cpu}`;
  });
  if (formats.every(isEnabled)) return { ok: true };
  if (process.getuid?.() !== 0) return { skip: 'registering QEMU in binfmt_misc needs root' };
  if (!existsSync(`${BINFMT}/register`)) {
    try {
      await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT]);
    } catch (e) {
      if (!existsSync(`${BINFMT}/register`)) return { skip: `cannot mount binfmt_misc: ${stderrOf(e)}` };
    }
  }
  for (const format of formats) {
    const why = await register(format).catch(stderrOf);
    if (why) return { skip: `cannot register ${format}: ${why}` };
  }
  return { ok: true };
}
