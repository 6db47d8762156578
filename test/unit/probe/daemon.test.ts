// Nodes reached through docker or ssh: each failure named from what docker and OpenSSH really print.
import { describe, expect, it } from 'vitest';
import type { NodeSpec } from '../../../src/config/types.js';
import { probeNode } from '../../../src/probe/node.js';
import type { ProbeResult } from '../../../src/probe/types.js';
import { fakeRun } from '../../helpers/fake-run.js';
import { nodeSpec } from '../core/fixtures.js';

/** A declared node at this endpoint, the rest defaulted as the config would leave it. */
const node = (name: string, endpoint: string | undefined, extra: Partial<NodeSpec> = {}): NodeSpec =>
  nodeSpec({ name, endpoint, ...extra });

const brief = (r: ProbeResult) =>
  r.state === 'down'
    ? { state: r.state, code: r.code, detail: r.detail, fix: r.fix }
    : r.state === 'up'
      ? { state: r.state, checks: r.checks, ...(r.native ? { native: r.native } : {}) }
      : r;

const DAEMON_DOWN =
  'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';
const SSH = ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2'];

describe('ssh nodes', () => {
  it.each([
    [
      { exitCode: 0, stdout: '28.2.2 linux/arm64\n' },
      {
        state: 'up',
        checks: ['ssh root@box: Docker Engine 28.2.2 on linux/arm64 answers'],
        native: { platforms: ['linux/arm64'], source: 'docker-host' },
      },
    ],
    [
      { exitCode: 255, stderr: 'ssh: connect to host box port 2222: Connection refused\r\n' },
      {
        state: 'down',
        code: 'ssh.refused',
        detail: 'ssh root@box: ssh: connect to host box port 2222: Connection refused',
        fix: 'Nothing listens on box:2222: start sshd there, or correct the port in the endpoint.',
      },
    ],
    [
      { exitCode: 255, stderr: 'root@box: Permission denied (publickey,password).\r\n' },
      {
        state: 'down',
        code: 'ssh.auth',
        detail: 'ssh root@box: root@box: Permission denied (publickey,password).',
        fix: 'Let this machine log in to root@box with a key and no prompt: ssh-copy-id -p 2222 root@box (buildx runs ssh non-interactively).',
      },
    ],
    [
      { exitCode: 255, stderr: 'Host key verification failed.\r\n' },
      {
        state: 'down',
        code: 'ssh.host-key',
        detail: 'ssh root@box: Host key verification failed.',
        fix: "Accept box's host key once: ssh -p 2222 root@box true (or ssh-keyscan -p 2222 box >> ~/.ssh/known_hosts).",
      },
    ],
    [
      { exitCode: 127, stderr: 'bash: line 1: docker: command not found\n' },
      {
        state: 'down',
        code: 'docker.down',
        detail: 'ssh root@box: bash: line 1: docker: command not found',
        fix: 'On box, install Docker and let root use it (sudo usermod -aG docker root), then check: ssh -p 2222 root@box docker version',
      },
    ],
  ] as const)('answer %j', async (answer, expected) => {
    const run = fakeRun([
      [
        [
          ...SSH,
          '-p',
          '2222',
          'root@box',
          "docker version --format '{{.Server.Version}} {{.Server.Os}}/{{.Server.Arch}}'",
        ],
        answer,
      ],
    ]);
    const r = await probeNode(node('box', 'ssh://root@box:2222'), {
      timeoutMs: 2000,
      run,
      driver: 'docker-container',
    });
    expect(brief(r)).toEqual(expected);
  });
});

describe('docker-reached nodes', () => {
  it('local Docker: the daemon must answer', async () => {
    const run = fakeRun([[['docker', 'version'], { exitCode: 1, stdout: '\n', stderr: DAEMON_DOWN }]]);
    const r = await probeNode(node('local0', undefined), {
      timeoutMs: 2000,
      run,
      driver: 'docker-container',
    });
    expect(brief(r)).toEqual({
      state: 'down',
      code: 'docker.down',
      detail:
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      fix: 'Start Docker (sudo systemctl start docker, or open Docker Desktop); check DOCKER_HOST and `docker context ls`.',
    });
  });

  it.each([
    [
      [{ exitCode: 1, stderr: 'Error: No such container: mpb-buildkit-fleet-mac\n' }],
      'down',
      {
        code: 'container.missing',
        detail: 'container mpb-buildkit-fleet-mac does not exist',
        fix: 'Run mpb ensure-builder: it creates and starts the BuildKit container.',
      },
    ],
    [
      [{ exitCode: 0, stdout: 'exited\n' }],
      'down',
      {
        code: 'container.stopped',
        detail: 'container mpb-buildkit-fleet-mac: exited',
        fix: 'Run mpb ensure-builder: it creates and starts the BuildKit container.',
      },
    ],
    [
      [
        { exitCode: 0, stdout: 'running\n' },
        { exitCode: 1, stderr: 'error: failed to call info: Unavailable: connection error\n' },
      ],
      'down',
      {
        code: 'buildkit.down',
        detail:
          'BuildKit in mpb-buildkit-fleet-mac does not answer: error: failed to call info: Unavailable: connection error',
        fix: 'See why in its log: docker logs --tail 50 mpb-buildkit-fleet-mac',
      },
    ],
    [
      [
        { exitCode: 0, stdout: 'running\n' },
        { exitCode: 0, stdout: 'ID\tPLATFORMS\nabc\tlinux/arm64,linux/amd64\n' },
      ],
      'up',
      {
        checks: [
          'Docker Engine 28.2.2 on linux/amd64 answers',
          'container mpb-buildkit-fleet-mac runs; BuildKit serves linux/arm64, linux/amd64',
        ],
        // The worker's own list, native first, over the Docker host's CPU: BuildKit's word comes last and wins.
        native: { platforms: ['linux/arm64'], source: 'worker' },
      },
    ],
  ] as const)('local node: container answers %j', async (answers, state, expected) => {
    const run = fakeRun([
      [['docker', 'version'], { stdout: '28.2.2 linux/amd64\n' }],
      [['docker', 'container', 'inspect'], answers[0]],
      [['docker', 'exec', 'mpb-buildkit-fleet-mac', 'buildctl', 'debug', 'workers'], answers[1] ?? {}],
    ]);
    const local = node('mac', undefined, { local: { image: 'moby/buildkit:buildx-stable-1' } });
    const r = await probeNode(local, { timeoutMs: 2000, run, driver: 'remote', builder: 'fleet' });
    expect(brief(r)).toMatchObject({ state, ...expected });
  });

  it('docker-container:// endpoint: a container the user runs gets `docker start`', async () => {
    const run = fakeRun([[['docker', 'container', 'inspect'], { stdout: 'exited\n' }]]);
    const r = await probeNode(node('mine', 'docker-container://buildkitd'), {
      timeoutMs: 2000,
      run,
      driver: 'remote',
    });
    expect(brief(r)).toMatchObject({
      state: 'down',
      code: 'container.stopped',
      fix: 'Start it: docker start buildkitd',
    });
  });
});
