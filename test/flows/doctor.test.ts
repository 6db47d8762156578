// `mpb doctor` over a config of several nodes: real in-process TLS servers for the tcp:// nodes, a fake runner
// (real buildx captures) for docker, buildx and ssh. Asserts the checklist, the fixes and the exit code.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../src/buildx/run-types.js';
import { type Authority, createAuthority, validityFor } from '../../src/certs/generate.js';
import { runDoctor } from '../../src/commands/doctor.js';
import type { DoctorOptions } from '../../src/options.js';
import { capture, type FakeRow, fakeRun } from '../helpers/fake-run.js';
import { closedPort } from '../helpers/listeners.js';
import { leaf, type Running, startTlsServer, writePems } from '../helpers/tls-server.js';
import { captureDeps } from '../unit/ui/capture.js';

const DOCKER_VERSION = 'Docker version 28.2.2, build e6534b4\n';
const SSH_OK = "docker version --format '{{.Server.Version}} {{.Server.Os}}/{{.Server.Arch}}'";

let dir: string;
let ports: { good: number; expired: number; dead: number };
let client: Record<string, string>;
const servers: Running[] = [];

function configText(): string {
  const tls = `{ ca: ${client.ca}, cert: ${client.cert}, key: ${client.key} }`;
  return `version: 1
builders:
  fleet:
    driver: remote
    nodes:
      - name: good
        endpoint: tcp://127.0.0.1:${ports.good}
        platforms: [linux/amd64]
        tls: ${tls}
      - name: expired
        endpoint: tcp://127.0.0.1:${ports.expired}
        platforms: [linux/arm64]
        tls: ${tls}
      - name: dead
        endpoint: tcp://127.0.0.1:${ports.dead}
        platforms: [linux/s390x]
        tls: ${tls}
  mac:
    driver: docker-container
    nodes:
      - name: mac-arm64
        platforms: [linux/arm64]
        emulate: [linux/amd64, linux/riscv64]
      - name: amd64-box
        endpoint: ssh://root@127.0.0.1:2222
        platforms: [linux/amd64, linux/386]
        emulate: [linux/arm64]
`;
}

const BASE_ROWS: FakeRow[] = [
  [['docker', '--version'], { stdout: DOCKER_VERSION }],
  [['docker', 'buildx', 'version'], capture('0.29.1', 'version')],
  [['docker', 'version', '--format'], { stdout: '28.2.2\n' }],
  [
    ['ssh'],
    (args) =>
      args.at(-1) === SSH_OK
        ? { stdout: '20.10.24 linux/amd64\n' }
        : { exitCode: 255, stderr: 'unexpected\n' },
  ],
];

async function doctor(
  builders: string[],
  options: Partial<DoctorOptions>,
  settings: { json?: boolean; verbose?: boolean; run?: Runner; rows?: FakeRow[] } = {},
) {
  const run = settings.run ?? fakeRun([...(settings.rows ?? []), ...BASE_ROWS]);
  const captured = captureDeps(
    {
      json: settings.json,
      verbose: settings.verbose,
      color: false,
      cwd: dir,
      config: join(dir, 'builders.yaml'),
    },
    { run },
  );
  const code = await captured.exit(() => runDoctor(captured.deps, builders, { probeTimeout: 5, ...options }));
  const clean = (text: string) =>
    text.replaceAll(dir, '$DIR').replace(/\d{4}-\d\d-\d\d( \d\d:\d\d UTC)?/g, 'DATE');
  return { code, stdout: clean(captured.stdout()), stderr: clean(captured.stderr()) };
}

beforeAll(async () => {
  const ca: Authority = await createAuthority('fleet CA', validityFor(30));
  const serve = async (pair: { cert: string; key: string }) => {
    const s = await startTlsServer({ ...pair, ca: ca.pem.cert });
    servers.push(s);
    return s.port;
  };
  ports = {
    good: await serve(await leaf(ca, 'server')),
    expired: await serve(await leaf(ca, 'server', { fromDays: -30, toDays: -1 })),
    dead: await closedPort(),
  };
  const pair = await leaf(ca, 'client');
  client = await writePems({ ca: ca.pem.cert, cert: pair.cert, key: pair.key });
  dir = await mkdtemp(join(tmpdir(), 'mpb-doctor-'));
  await writeFile(join(dir, 'builders.yaml'), configText());
});

afterAll(() => Promise.all(servers.map((s) => s.close())));

describe('mpb doctor', () => {
  it('checks tools, config and every node at once; ✗ lines carry the fix; exit 3', async () => {
    const r = await doctor([], {}, { json: true });
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.checks.map((c: { id: string; ok: boolean }) => [c.id, c.ok])).toEqual([
      ['docker', true],
      ['buildx', true],
      ['config', true],
      ['node:fleet/good', true],
      ['node:fleet/expired', false],
      ['node:fleet/dead', false],
      ['node:mac/mac-arm64', true],
      ['node:mac/amd64-box', true],
    ]);
    const byId = Object.fromEntries(doc.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId['buildx']).toMatchObject({ detail: '0.29.1+ds1 (0.10 or newer needed)', fix: null });
    expect(byId['node:fleet/expired']).toMatchObject({
      title: `fleet/expired (tcp://127.0.0.1:${ports.expired})`,
      detail: `the server certificate of 127.0.0.1:${ports.expired} expired on DATE`,
      fix: 'Renew the server certificate (mpb certs create --host 127.0.0.1 --out DIR), install it on the server and restart buildkitd.',
    });
    expect(byId['node:fleet/dead']).toMatchObject({
      detail: `connection to 127.0.0.1:${ports.dead} refused`,
      fix: `Nothing listens on 127.0.0.1:${ports.dead}: start buildkitd there (mpb certs create prints the docker run command) or correct the port.`,
    });
    expect(byId['node:mac/amd64-box'].detail).toBe(
      'ssh root@127.0.0.1: Docker Engine 20.10.24 on linux/amd64 answers',
    );
  });

  it('--json: every check carries its stable code, so a script can tell the faults apart', async () => {
    const r = await doctor([], {}, { json: true });
    const checks = JSON.parse(r.stdout).checks as { id: string; code: string }[];
    expect(checks.map((c) => [c.id, c.code])).toEqual([
      ['docker', 'ok'],
      ['buildx', 'ok'],
      ['config', 'ok'],
      ['node:fleet/good', 'ok'],
      ['node:fleet/expired', 'tls.expired'],
      ['node:fleet/dead', 'tcp.refused'],
      ['node:mac/mac-arm64', 'ok'],
      ['node:mac/amd64-box', 'ok'],
    ]);
  });

  it('--json: ssh refused and docker down have their own codes', async () => {
    const rows: FakeRow[] = [
      [['ssh'], { exitCode: 255, stderr: 'ssh: connect to host 127.0.0.1 port 2222: Connection refused\n' }],
      [
        ['docker', 'version', '--format'],
        { exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n' },
      ],
    ];
    const r = await doctor(['mac'], {}, { json: true, rows });
    const checks = JSON.parse(r.stdout).checks as { id: string; code: string }[];
    expect(checks.filter((c) => c.id.startsWith('node:')).map((c) => [c.id, c.code])).toEqual([
      ['node:mac/mac-arm64', 'docker.down'],
      ['node:mac/amd64-box', 'ssh.refused'],
    ]);
    expect(r.code).toBe(3);
  });

  it('prints one ✓/✗ line per check, the fix under each ✗, and a summary', async () => {
    const r = await doctor(['fleet'], {});
    expect(r.code).toBe(3);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => /^[✓✗]/.test(l)).map((l) => l.split(':')[0])).toEqual([
      '✓ docker CLI',
      '✓ buildx',
      '✓ config',
      `✓ fleet/good (tcp`,
      `✗ fleet/expired (tcp`,
      `✗ fleet/dead (tcp`,
    ]);
    expect(lines).toContain(
      `    → Nothing listens on 127.0.0.1:${ports.dead}: start buildkitd there (mpb certs create prints the docker run command) or correct the port.`,
    );
    expect(lines.at(-2)).toBe('2 of 6 checks failed');
  });

  it('exits 0 when every check passes', async () => {
    const r = await doctor(['mac'], {});
    expect(r.stdout.split('\n').at(-2)).toBe('all 5 checks passed');
    expect(r.code).toBe(0);
  });

  it('reports a key readable by others as its own warning with the chmod: doctor still passes it', async () => {
    await chmod(client.key!, 0o644);
    try {
      const r = await doctor(['fleet'], {}, { json: true });
      const check = JSON.parse(r.stdout).checks.find(
        (c: { id: string }) => c.id === 'node:fleet/good:key-permissions',
      );
      expect(check).toEqual({
        id: 'node:fleet/good:key-permissions',
        ok: true,
        warning: true,
        code: 'tls.key-permissions',
        title: `fleet/good (tcp://127.0.0.1:${ports.good})`,
        detail: `${client.key} is readable by other users (mode 0644)`,
        fix: `chmod 600 ${client.key}`,
      });
    } finally {
      await chmod(client.key!, 0o600);
    }
  });

  it('without docker: still checks everything, the TLS nodes included, and exits 3', async () => {
    const missing: Runner = async (file, args) => ({
      file,
      args: [...args],
      command: [file, ...args].join(' '),
      exitCode: -2,
      stdout: '',
      stderr: '',
      outcome: { kind: 'missing', tool: file },
      durationMs: 0,
    });
    const r = await doctor([], {}, { json: true, run: missing });
    expect(r.code).toBe(3);
    const checks = JSON.parse(r.stdout).checks as { id: string; ok: boolean; detail: string }[];
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['docker', false],
      ['buildx', false],
      ['config', true],
      ['node:fleet/good', true],
      ['node:fleet/expired', false],
      ['node:fleet/dead', false],
      ['node:mac/mac-arm64', false],
      ['node:mac/amd64-box', false],
    ]);
    expect(checks[0]?.detail).toBe('docker was not found on PATH');
  });

  it('--verbose echoes each docker command on stderr, under --json too; stdout stays the document', async () => {
    const r = await doctor(['fleet'], {}, { json: true, verbose: true });
    expect(r.stderr).toContain('$ docker --version\n');
    expect(r.stderr).toContain('$ docker buildx version\n');
    expect(JSON.parse(r.stdout).checks.length).toBeGreaterThan(0);
  });

  it('a builder the config does not declare is checked as buildx has it: endpoints and TLS files from inspect', async () => {
    // Capture inspect-dead, pointed at this test's daemons and files: dead0 at a closed port, badcert at the
    // good server with the real client files (running: doctor probes it all the same).
    const inspect = capture('0.29.1', 'inspect-dead')
      .stdout.replaceAll('tcp://127.0.0.1:1299', `tcp://127.0.0.1:${ports.dead}`)
      .replaceAll('tcp://127.0.0.1:1234', `tcp://127.0.0.1:${ports.good}`)
      .replaceAll('/home/dev/.mpb/certs/ca.crt', client.ca!)
      .replaceAll('/home/dev/.mpb/certs/client.crt', client.cert!)
      .replaceAll('/home/dev/.mpb/certs/client.key', client.key!)
      .replaceAll('/nonexistent/client.key', client.key!)
      .replace(/(Name: +badcert[\s\S]*?Status: +)inactive/, '$1running');
    const rows: FakeRow[] = [[['docker', 'buildx', 'inspect', 'deadb'], { stdout: inspect }]];
    const r = await doctor(['deadb', 'mac'], {}, { json: true, rows });
    expect(r.code).toBe(3);
    const checks = JSON.parse(r.stdout).checks as { id: string; code: string; detail: string }[];
    expect(checks.map((c) => [c.id, c.code])).toEqual([
      ['docker', 'ok'],
      ['buildx', 'ok'],
      ['config', 'ok'],
      ['node:mac/mac-arm64', 'ok'],
      ['node:mac/amd64-box', 'ok'],
      ['node:deadb/dead0', 'tcp.refused'],
      ['node:deadb/badcert', 'ok'],
    ]);
    expect(checks.at(-1)?.detail).toContain('client certificate accepted');
  });

  it('refuses a builder neither the config declares nor buildx has (exit 2)', async () => {
    const missing = capture('0.29.1', 'inspect-missing');
    const rows: FakeRow[] = [
      [
        ['docker', 'buildx', 'inspect', 'nope'],
        { ...missing, stderr: missing.stderr.replace('nosuchbuilder', 'nope') },
      ],
    ];
    const r = await doctor(['nope'], {}, { rows });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: no builder named nope in $DIR/builders.yaml\n  → Declared: fleet, mac\n');
  });

  it('--bootstrap: each emulated platform must be served by its node, else the binfmt one-liner', async () => {
    const workers = (list: string) => ({ stdout: `ID\tPLATFORMS\nw1\t${list}\n` });
    const rows: FakeRow[] = [
      [['docker', 'buildx', 'inspect', '--bootstrap'], capture('0.29.1', 'dc-inspect-bootstrap')],
      [
        ['docker', 'exec', 'buildx_buildkit_mac-arm64'],
        workers('linux/arm64,linux/amd64,linux/amd64/v2,linux/arm/v7'),
      ],
      [
        ['docker', '--host', 'ssh://root@127.0.0.1:2222', 'exec', 'buildx_buildkit_amd64-box'],
        workers('linux/amd64,linux/386,linux/arm64'),
      ],
    ];
    const r = await doctor(['mac'], { bootstrap: true }, { json: true, rows });
    const checks = JSON.parse(r.stdout).checks.filter((c: { id: string }) => c.id.startsWith('emulate:'));
    expect(checks).toEqual([
      {
        id: 'emulate:mac/mac-arm64',
        ok: false,
        code: 'emulation.unserved',
        title: 'mac/mac-arm64 emulates linux/amd64, linux/riscv64',
        detail:
          'BuildKit serves linux/arm64, linux/amd64, linux/amd64/v2, linux/arm/v7 but not linux/riscv64 (no QEMU emulator)',
        fix: 'Install QEMU: docker run --privileged --rm tonistiigi/binfmt --install riscv64',
      },
      {
        id: 'emulate:mac/amd64-box',
        ok: true,
        code: 'ok',
        title: 'mac/amd64-box emulates linux/arm64',
        detail: 'BuildKit serves linux/arm64 (emulated)',
        fix: null,
      },
    ]);
    expect(r.code).toBe(3);
  });
});
