// Nodes reached through a process: the local Docker daemon, Docker behind ssh, a BuildKit container.
// Every call goes through the Runner (src/buildx/exec.ts) with the probe's own timeout.

import { shellQuote } from '../buildx/quote.js';
import { lastLines } from '../buildx/run-result.js';
import type { Runner } from '../buildx/run-types.js';
import type { FaultCode } from './codes.js';
import { nativeOfDockerHost, nativeOfWorkers } from './native.js';
import { netFix } from './tcp.js';
import type { DownReason, NativeTruth, StepOutcome } from './types.js';
import { parseBuildctlWorkers } from './workers.js';

// The engine's version, then the OS and CPU of its host: what a BuildKit container there runs natively.
const SERVER_VERSION = ['version', '--format', '{{.Server.Version}} {{.Server.Os}}/{{.Server.Arch}}'];

/** `28.2.2 linux/amd64` → the version, and the host as a native truth. */
function serverOf(stdout: string): { version: string; native: NativeTruth | undefined } {
  const [version = '', host = ''] = stdout.trim().split(' ');
  const [os = '', arch = ''] = host.split('/');
  return { version, native: nativeOfDockerHost(os, arch) };
}
const firstLine = (text: string) => lastLines(text, 1) || 'no output';
const DOCKER_MISSING: StepOutcome = {
  ok: false,
  reason: 'docker',
  code: 'docker.missing',
  detail: 'docker was not found on PATH',
  fix: 'Install the Docker CLI (docker-ce-cli or docker.io) and make sure `docker` is on PATH.',
};

/** The Docker client's words when no daemon answers (the docker CLI and buildx alike, every version). */
export const DAEMON_DOWN = /Cannot connect to the Docker daemon\b.*$/im;

/** `docker [--context X] version`: does the Docker daemon answer? */
export async function checkDockerDaemon(
  run: Runner,
  dockerArgs: readonly string[],
  where: string,
  timeoutMs: number,
): Promise<StepOutcome> {
  const r = await run('docker', [...dockerArgs, ...SERVER_VERSION], { timeoutMs });
  switch (r.outcome.kind) {
    case 'ok': {
      const { version, native } = serverOf(r.stdout);
      return {
        ok: true,
        check: `Docker Engine ${version} on ${native?.platforms[0] ?? 'an unknown CPU'} answers${dockerArgs.length > 0 ? ` (${where})` : ''}`,
        ...(native ? { native } : {}),
      };
    }
    case 'missing':
      return DOCKER_MISSING;
    case 'timed-out':
      return {
        ok: false,
        reason: 'docker',
        code: 'docker.down',
        detail: `${where}: the Docker daemon did not answer in time`,
        fix: `Check: ${r.command}`,
      };
    case 'failed':
      return dockerDown(dockerArgs, where, firstLine(r.stderr));
  }
}

/** The Docker daemon behind `docker [dockerArgs]` does not answer; `said` is the Docker client's own words. */
export function dockerDown(dockerArgs: readonly string[], where: string, said: string): StepOutcome {
  return {
    ok: false,
    reason: 'docker',
    code: 'docker.down',
    detail: dockerArgs.length > 0 ? `${where}: ${said}` : said,
    fix:
      dockerArgs.length === 0
        ? 'Start Docker (sudo systemctl start docker, or open Docker Desktop); check DOCKER_HOST and `docker context ls`.'
        : `Check that the Docker daemon behind it answers: ${shellQuote(['docker', ...dockerArgs, ...SERVER_VERSION])}`,
  };
}

// The code of each ssh failure: the network ones are ssh's (its port, its timeout), a name that does not
// resolve is the same fault whoever looks it up, and a remote `docker version` failing is Docker's.
const SSH_CODES: Partial<Record<DownReason, FaultCode>> = {
  dns: 'dns.not-found',
  refused: 'ssh.refused',
  timeout: 'ssh.timeout',
  unreachable: 'ssh.unreachable',
  'ssh-auth': 'ssh.auth',
  'ssh-host-key': 'ssh.host-key',
  docker: 'docker.down',
};

// OpenSSH's own words (exit 255) for each failure.
const SSH_ERRORS: [RegExp, DownReason][] = [
  [/Could not resolve hostname/i, 'dns'],
  [/Connection refused/i, 'refused'],
  [/timed out/i, 'timeout'],
  [/No route to host|Network is unreachable/i, 'unreachable'],
  [/Permission denied|Too many authentication failures/i, 'ssh-auth'],
  [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i, 'ssh-host-key'],
];

export interface SshTarget {
  user: string | undefined;
  host: string;
  port: number | undefined;
}

/** `ssh [-p PORT] [USER@]HOST`, for fixes the user types. */
export function sshCommand(target: SshTarget): string {
  const port = target.port === undefined ? '' : ` -p ${target.port}`;
  return `ssh${port} ${target.user ? `${target.user}@${target.host}` : target.host}`;
}

/** The ssh argv buildx's ssh transport needs to work: non-interactive login, then `docker version` there. */
export function sshArgs(target: SshTarget, timeoutMs: number): string[] {
  const port = target.port === undefined ? [] : ['-p', String(target.port)];
  const dest = target.user ? `${target.user}@${target.host}` : target.host;
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  // ssh hands the remote command to the remote shell as one string: quote it for that shell.
  return [
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${seconds}`,
    ...port,
    dest,
    shellQuote(['docker', ...SERVER_VERSION]),
  ];
}

function sshFix(reason: DownReason, target: SshTarget, dest: string): string {
  const ssh = sshCommand(target);
  const port = target.port ?? 22;
  switch (reason) {
    case 'ssh-auth':
      return `Let this machine log in to ${dest} with a key and no prompt: ssh-copy-id${target.port === undefined ? '' : ` -p ${port}`} ${dest} (buildx runs ssh non-interactively).`;
    case 'ssh-host-key':
      return `Accept ${target.host}'s host key once: ${ssh} true (or ssh-keyscan -p ${port} ${target.host} >> ~/.ssh/known_hosts).`;
    case 'docker':
      return `On ${target.host}, install Docker and let ${target.user ?? 'the ssh user'} use it (sudo usermod -aG docker ${target.user ?? 'USER'}), then check: ${ssh} docker version`;
    case 'refused':
      return `Nothing listens on ${target.host}:${port}: start sshd there, or correct the port in the endpoint.`;
    case 'dns':
    case 'unreachable':
    case 'timeout':
      return netFix(reason, target.host, port);
    default:
      return `Run it by hand to see why: ${ssh} -o BatchMode=yes docker version`;
  }
}

/** `ssh -o BatchMode=yes … docker version`: can buildx reach Docker on that host over ssh? */
export async function checkSsh(run: Runner, target: SshTarget, timeoutMs: number): Promise<StepOutcome> {
  const dest = target.user ? `${target.user}@${target.host}` : target.host;
  const r = await run('ssh', sshArgs(target, timeoutMs), { timeoutMs });
  if (r.outcome.kind === 'ok') {
    const { version, native } = serverOf(r.stdout);
    return {
      ok: true,
      check: `ssh ${dest}: Docker Engine ${version} on ${native?.platforms[0] ?? 'an unknown CPU'} answers`,
      ...(native ? { native } : {}),
    };
  }
  if (r.outcome.kind === 'missing') {
    return {
      ok: false,
      reason: 'ssh',
      code: 'ssh.missing',
      detail: 'ssh was not found on PATH',
      fix: 'Install the OpenSSH client (openssh-client).',
    };
  }
  const reason: DownReason =
    r.outcome.kind === 'timed-out'
      ? 'timeout'
      : r.exitCode === 255
        ? (SSH_ERRORS.find(([re]) => re.test(r.stderr))?.[1] ?? 'ssh')
        : 'docker'; // ssh worked; the remote `docker version` failed
  const detail =
    r.outcome.kind === 'timed-out'
      ? `ssh ${dest} did not answer in time`
      : `ssh ${dest}: ${firstLine(r.stderr)}`;
  const code = SSH_CODES[reason] ?? 'ssh.failed';
  return { ok: false, reason, code, detail, fix: sshFix(reason, target, dest) };
}

export type WorkersOutcome = { ok: true; platforms: string[] } | { ok: false; detail: string };

/** The platforms BuildKit's workers report inside a container (`buildctl debug workers`). */
export async function readWorkerPlatforms(
  run: Runner,
  dockerArgs: readonly string[],
  container: string,
  timeoutMs: number,
): Promise<WorkersOutcome> {
  const r = await run('docker', [...dockerArgs, 'exec', container, 'buildctl', 'debug', 'workers'], {
    timeoutMs,
  });
  if (r.outcome.kind !== 'ok') return { ok: false, detail: firstLine(r.stderr || r.outcome.kind) };
  return { ok: true, platforms: parseBuildctlWorkers(r.stdout) };
}

/** A BuildKit container on the local Docker: it exists, runs, and BuildKit inside answers. */
export async function checkContainer(
  run: Runner,
  container: string,
  managedByMpb: boolean,
  deadline: number,
): Promise<StepOutcome> {
  const remaining = () => Math.max(1, deadline - Date.now());
  const r = await run('docker', ['container', 'inspect', '--format', '{{.State.Status}}', container], {
    timeoutMs: remaining(),
  });
  if (r.outcome.kind === 'missing') return DOCKER_MISSING;
  const status = r.stdout.trim();
  if (r.outcome.kind !== 'ok' || status !== 'running') {
    const missing = /No such (container|object)/i.test(r.stderr);
    const daemonDown = DAEMON_DOWN.test(r.stderr);
    return {
      ok: false,
      reason: daemonDown ? 'docker' : 'container',
      code: daemonDown ? 'docker.down' : missing ? 'container.missing' : 'container.stopped',
      detail: missing
        ? `container ${container} does not exist`
        : `container ${container}: ${status || firstLine(r.stderr)}`,
      fix: managedByMpb
        ? 'Run mpb ensure-builder: it creates and starts the BuildKit container.'
        : missing
          ? `Create the BuildKit container ${container} (docker run -d --name ${container} --privileged moby/buildkit), or fix the endpoint.`
          : `Start it: docker start ${container}`,
    };
  }
  const workers = await readWorkerPlatforms(run, [], container, remaining());
  if (!workers.ok) {
    return {
      ok: false,
      reason: 'buildkit',
      code: 'buildkit.down',
      detail: `BuildKit in ${container} does not answer: ${workers.detail}`,
      fix: `See why in its log: docker logs --tail 50 ${container}`,
    };
  }
  const native = nativeOfWorkers(workers.platforms);
  return {
    ok: true,
    check: `container ${container} runs; BuildKit serves ${workers.platforms.join(', ') || 'no platform'}`,
    ...(native ? { native } : {}),
  };
}
