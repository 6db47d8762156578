// Probes that reach a real port on 127.0.0.1: the real ssh client, and TCP and unix sockets nothing listens on.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../../src/buildx/exec.js';
import type { NodeSpec } from '../../../src/config/types.js';
import { probeAll, probeNode } from '../../../src/probe/node.js';
import type { ProbeResult } from '../../../src/probe/types.js';
import { fakeRun } from '../../helpers/fake-run.js';
import { closedPort } from '../../helpers/listeners.js';
import { itUnless } from '../../helpers/skip.js';
import { nodeSpec } from '../../unit/core/fixtures.js';

/** A declared node at this endpoint, the rest defaulted as the config would leave it. */
const node = (name: string, endpoint: string | undefined, extra: Partial<NodeSpec> = {}): NodeSpec =>
  nodeSpec({ name, endpoint, ...extra });

const brief = (r: ProbeResult) =>
  r.state === 'down' ? { state: r.state, code: r.code, detail: r.detail, fix: r.fix } : r;

const NO_SSH =
  !(process.env['PATH'] ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'ssh'))) &&
  'no ssh client on PATH';

describe('ssh nodes', () => {
  itUnless(NO_SSH)('runs the real ssh against a closed port', async () => {
    const port = await closedPort();
    const r = await probeNode(node('dead', `ssh://root@127.0.0.1:${port}`), {
      timeoutMs: 3000,
      run: createRunner(),
    });
    expect(brief(r)).toMatchObject({ state: 'down', code: 'ssh.refused' });
  });
});

describe('probeAll', () => {
  it('probes every node, in order, and skips what it cannot reach', async () => {
    const port = await closedPort();
    const run = fakeRun([[['docker', 'version'], { stdout: '28.2.2\n' }]]);
    const nodes = [
      node('a', `tcp://127.0.0.1:${port}`),
      node('b', undefined),
      node('c', 'kube-pod://buildkitd-0'),
      node('d', 'unix:///nonexistent/buildkitd.sock'),
    ];
    const results = await probeAll(nodes, 2000, { run, builder: 'fleet' });
    expect(results.map((r) => [r.builder, r.node, r.state, r.state === 'down' ? r.code : ''])).toEqual([
      ['fleet', 'a', 'down', 'tcp.refused'],
      ['fleet', 'b', 'up', ''],
      ['fleet', 'c', 'skipped', ''],
      ['fleet', 'd', 'down', 'socket.missing'],
    ]);
  });
});
