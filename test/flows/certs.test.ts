// `mpb certs create` and `mpb certs show`: files, modes, refusals, the printed commands, and a real handshake.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthority, validityFor } from '../../src/certs/generate.js';
import { runCertsCreate } from '../../src/commands/certs-create.js';
import { runCertsShow } from '../../src/commands/certs-show.js';
import type { Deps } from '../../src/deps.js';
import { keyMatchesCert } from '../../src/probe/cert-facts.js';
import { probeNode } from '../../src/probe/node.js';
import type { CommandResult } from '../../src/run-command.js';
import { leaf, type Running, startTlsServer } from '../helpers/tls-server.js';
import { captureDeps } from '../unit/ui/capture.js';

const FILES = [
  'ca.pem',
  'ca-key.pem',
  'server-cert.pem',
  'server-key.pem',
  'client-cert.pem',
  'client-key.pem',
];

async function mpb<A extends unknown[]>(
  command: (deps: Deps, ...args: A) => Promise<CommandResult>,
  args: A,
  settings: { json?: boolean; cwd: string },
) {
  const captured = captureDeps({ json: settings.json, color: false, cwd: settings.cwd });
  const code = await captured.exit(() => command(captured.deps, ...args));
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const servers: Running[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

describe('mpb certs create', () => {
  it('writes a CA, a server and a client certificate; keys 0600; prints the buildkitd command and the node', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    const r = await mpb(
      runCertsCreate,
      [{ host: ['build.example.com', '10.0.0.5'], out: 'certs', days: 30 }],
      { cwd },
    );
    const dir = join(cwd, 'certs');
    expect(r.code).toBe(0);
    const modes = await Promise.all(
      FILES.map(async (f) => ((await stat(join(dir, f))).mode & 0o777).toString(8)),
    );
    expect(Object.fromEntries(FILES.map((f, i) => [f, modes[i]]))).toEqual({
      'ca.pem': '644',
      'ca-key.pem': '600',
      'server-cert.pem': '644',
      'server-key.pem': '600',
      'client-cert.pem': '644',
      'client-key.pem': '600',
    });
    const read = (f: string) => readFile(join(dir, f), 'utf8');
    const ca = new X509Certificate(await read('ca.pem'));
    const server = new X509Certificate(await read('server-cert.pem'));
    const client = new X509Certificate(await read('client-cert.pem'));
    expect([ca.ca, server.ca, client.ca]).toEqual([true, false, false]);
    expect([server.checkIssued(ca), server.verify(ca.publicKey), client.verify(ca.publicKey)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(server.subjectAltName).toBe('DNS:build.example.com, IP Address:10.0.0.5');
    expect([server.keyUsage, client.keyUsage]).toEqual([['1.3.6.1.5.5.7.3.1'], ['1.3.6.1.5.5.7.3.2']]);
    expect(keyMatchesCert(await read('server-key.pem'), await read('server-cert.pem'))).toBe(true);
    expect(keyMatchesCert(await read('client-key.pem'), await read('client-cert.pem'))).toBe(true);
    expect(Math.round((Date.parse(server.validTo) - Date.now()) / 86_400_000)).toBe(30);
    // Only what buildkitd needs is mounted, read-only: never the CA key or the client key.
    expect(r.stdout).toContain(
      `  docker run -d --name buildkitd --privileged -p 1234:1234 -v ${dir}/ca.pem:/certs/ca.pem:ro -v ${dir}/server-cert.pem:/certs/server-cert.pem:ro -v ${dir}/server-key.pem:/certs/server-key.pem:ro moby/buildkit --addr tcp://0.0.0.0:1234 --tlscacert /certs/ca.pem --tlscert /certs/server-cert.pem --tlskey /certs/server-key.pem\n`,
    );
    expect(r.stdout).not.toMatch(/ca-key\.pem:|client-key\.pem:|-v \S+:\/certs /);
    expect(r.stdout).toContain(
      [
        '      - name: build-example-com',
        '        endpoint: tcp://build.example.com:1234',
        '        # platforms: [linux/amd64]   # what this node builds natively',
        '        tls:',
        `          ca: ${dir}/ca.pem`,
        `          cert: ${dir}/client-cert.pem`,
        `          key: ${dir}/client-key.pem`,
      ].join('\n'),
    );
  });

  it("without --out writes under mpb's config folder ($XDG_CONFIG_HOME/mpb/certs), never the working folder", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    const home = await mkdtemp(join(tmpdir(), 'mpb-home-'));
    const captured = captureDeps({ json: true, color: false, cwd, env: { HOME: home } });
    const code = await captured.exit(() => runCertsCreate(captured.deps, { host: ['127.0.0.1'], days: 7 }));
    expect(code).toBe(0);
    const dir = join(home, '.config', 'mpb', 'certs');
    expect(JSON.parse(captured.stdout()).dir).toBe(dir);
    expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700');
    expect(((await stat(join(dir, 'client-key.pem'))).mode & 0o777).toString(8)).toBe('600');
    expect(await readdir(cwd)).toEqual([]);
    const xdg = await mkdtemp(join(tmpdir(), 'mpb-xdg-'));
    const other = captureDeps({ json: true, color: false, cwd, env: { HOME: home, XDG_CONFIG_HOME: xdg } });
    await other.exit(() => runCertsCreate(other.deps, { host: ['127.0.0.1'], days: 7 }));
    expect(JSON.parse(other.stdout()).dir).toBe(join(xdg, 'mpb', 'certs'));
  });

  it('refuses to overwrite without --force, and replaces (keys 0600 again) with it', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    await writeFile(join(cwd, 'client-key.pem'), 'old', { mode: 0o644 });
    const refused = await mpb(runCertsCreate, [{ host: ['127.0.0.1'], out: '.', days: 30 }], { cwd });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      `error: refusing to overwrite ${cwd}/client-key.pem\n  → Pass --force to replace them (the old CA stops being trusted), or choose another --out.\n`,
    );
    expect(await readFile(join(cwd, 'client-key.pem'), 'utf8')).toBe('old');
    const forced = await mpb(runCertsCreate, [{ host: ['127.0.0.1'], out: '.', days: 30, force: true }], {
      cwd,
    });
    expect(forced.code).toBe(0);
    expect((await stat(join(cwd, 'client-key.pem'))).mode & 0o777).toBe(0o600);
  });

  it.each([
    [{ host: ['bad host!'], days: 30 }, 'error: --host "bad host!": not a DNS name or IP address\n'],
    [{ host: ['ok.example'], days: 0 }, 'error: --days must be a whole number from 1 to 3650\n'],
  ])('rejects %j', async (options, message) => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    const r = await mpb(runCertsCreate, [{ ...options, out: '.' }], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message.trimEnd());
  });

  it('--json gives the paths; the files then work for a real mutual-TLS handshake', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    const r = await mpb(runCertsCreate, [{ host: ['127.0.0.1'], out: 'c', days: 7 }], { cwd, json: true });
    const doc = JSON.parse(r.stdout);
    const dir = join(cwd, 'c');
    expect(doc).toMatchObject({
      ok: true,
      dir,
      hosts: ['127.0.0.1'],
      files: {
        ca: `${dir}/ca.pem`,
        caKey: `${dir}/ca-key.pem`,
        serverCert: `${dir}/server-cert.pem`,
        serverKey: `${dir}/server-key.pem`,
        clientCert: `${dir}/client-cert.pem`,
        clientKey: `${dir}/client-key.pem`,
      },
      node: { name: '127-0-0-1', endpoint: 'tcp://127.0.0.1:1234' },
    });
    const read = (p: string) => readFile(p, 'utf8');
    const server = await startTlsServer({
      cert: await read(doc.files.serverCert),
      key: await read(doc.files.serverKey),
      ca: await read(doc.files.ca),
    });
    servers.push(server);
    const result = await probeNode(
      {
        name: 'n0',
        endpoint: `tcp://127.0.0.1:${server.port}`,
        tls: {
          ca: doc.files.ca,
          cert: doc.files.clientCert,
          key: doc.files.clientKey,
          servername: undefined,
        },
        local: undefined,
        driverOpts: {},
      },
      { timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ state: 'up', warnings: [] });
  });
});

describe('mpb certs show', () => {
  it('prints the facts of a certificate', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    await mpb(runCertsCreate, [{ host: ['build.example.com'], out: '.', days: 30 }], { cwd });
    const r = await mpb(runCertsShow, ['server-cert.pem', {}], { cwd });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${cwd}/server-cert.pem`);
    expect(lines.slice(1, 3)).toEqual(['  subject:  CN=build.example.com', '  issuer:   CN=mpb buildkit CA']);
    expect(lines[4]).toMatch(
      /^ {2}valid: {4}\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d UTC \(valid, 30 days left\)$/,
    );
    expect(lines.slice(5, 8)).toEqual([
      '  SANs:     DNS:build.example.com',
      '  usage:    serverAuth',
      '  CA:       no',
    ]);
  });

  it('exits 3 for an expired certificate and says so, in JSON too', async () => {
    const ca = await createAuthority('old CA', validityFor(100));
    const old = await leaf(ca, 'client', { fromDays: -40, toDays: -10 });
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    await writeFile(join(cwd, 'old.pem'), old.cert);
    const human = await mpb(runCertsShow, ['old.pem', {}], { cwd });
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/\(EXPIRED 10 days ago\)\n/);
    const json = await mpb(runCertsShow, ['old.pem', {}], { cwd, json: true });
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      certificates: [
        { subject: 'CN=mpb client', issuer: 'CN=old CA', extKeyUsage: ['clientAuth'], isCA: false },
      ],
    });
  });

  it('explains a key passed instead of a certificate', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mpb-certs-'));
    await mpb(runCertsCreate, [{ host: ['x.example'], out: '.', days: 1 }], { cwd });
    const r = await mpb(runCertsShow, ['client-key.pem', {}], { cwd });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      `error: ${cwd}/client-key.pem holds no PEM certificate\n  → That is a private key: pass the certificate made with it (e.g. client-cert.pem).\n`,
    );
  });
});
