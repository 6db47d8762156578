// A BuildKit image for the e2e tier's Docker Engine, made without pulling: `docker import` of a rootfs holding the
// real buildkitd and buildctl (.cache/buildkit, as the daemons of buildkit.ts run), the host's runc with the
// libraries it links, and a static busybox as /bin/sh. buildx reaches it as moby/buildkit: `docker exec -i NAME
// buildctl dial-stdio`. And, where the machine's capability bounding set forbids `--privileged`, a `docker`
// on PATH that runs mpb's container with every capability the sandbox has instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expectOk } from '../../src/buildx/run-result.js';
import { installBuildkit } from './buildkit.js';
import { type DockerEngine, findTool } from './docker-engine.js';

/** The shared libraries `ldd` lists for a binary, with their paths. */
function librariesOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
}

/** Imports the image as `tag` into `engine`; throws when a piece is missing (the world checked for them). */
export async function importBuildkitImage(engine: DockerEngine, tag: string): Promise<void> {
  const bk = await installBuildkit();
  if ('skip' in bk) throw new Error(bk.skip);
  const runc = findTool('runc');
  const busybox = findTool('busybox');
  if (!runc || !busybox) throw new Error('runc and busybox-static are needed for the BuildKit image');
  const root = join(engine.dir, 'buildkit-rootfs');
  for (const d of ['usr/bin', 'bin', 'run', 'tmp', 'etc/buildkit', 'var/lib/buildkit'])
    mkdirSync(join(root, d), { recursive: true });
  copyFileSync(bk.buildkitd, join(root, 'usr/bin/buildkitd'));
  copyFileSync(bk.buildctl, join(root, 'usr/bin/buildctl'));
  copyFileSync(runc, join(root, 'usr/bin/runc'));
  copyFileSync(busybox, join(root, 'bin/busybox'));
  symlinkSync('busybox', join(root, 'bin/sh'));
  for (const lib of librariesOf(runc)) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
  const tarball = join(engine.dir, 'buildkit-rootfs.tar');
  const tar = spawnSync('tar', ['-C', root, '-cf', tarball, '.'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  const changes = ['--change', 'ENTRYPOINT ["buildkitd"]', '--change', 'ENV PATH=/usr/bin:/bin'];
  expectOk(await engine.run('docker', ['image', 'import', ...changes, tarball, tag]), 'docker import');
}

// Every capability but the ones the bounding set lacks (docker-engine.ts privilegedBlocker names them), no
// seccomp, AppArmor or masked /proc paths, a writable cgroup tree: what BuildKit needs to run its own
// containers, short of --privileged.
const CAPABILITIES =
  'CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE ' +
  'NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT ' +
  'SYS_ADMIN SYS_BOOT SYS_NICE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP ' +
  'MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ';

/**
 * A folder holding a `docker` that passes every call to the real one, except that `container create
 * --privileged` becomes the capability list above: put it first on PATH for mpb. Everything else mpb asked for
 * (its name, labels, volume, mounts, `--network host`, image and flags) reaches Docker unchanged.
 */
export function unprivilegedDocker(dir: string, without: readonly string[]): string {
  const docker = findTool('docker');
  if (!docker) throw new Error('no docker CLI');
  const caps = CAPABILITIES.split(' ')
    .filter((c) => !without.includes(`cap_${c.toLowerCase()}`))
    .flatMap((c) => ['--cap-add', c]);
  const security = ['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined'].flatMap((s) => [
    '--security-opt',
    s,
  ]);
  // Unprivileged, Docker mounts the cgroup tree read-only; BuildKit's runc makes a cgroup per RUN step.
  const cgroups = ['--cgroupns', 'host', '--volume', '/sys/fs/cgroup:/sys/fs/cgroup:rw'];
  const script = `#!${process.execPath}
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
const create = args[0] === 'container' && args[1] === 'create';
const out = create ? args.flatMap((a) => (a === '--privileged' ? ${JSON.stringify([...caps, ...security, ...cgroups])} : [a])) : args;
const r = spawnSync(${JSON.stringify(docker)}, out, { stdio: 'inherit' });
process.exit(r.status ?? 1);
`;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'docker');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return dir;
}
