// Issue 12's fault matrix on real components, against real buildx 0.29.1 and 0.13.1: each fault injected for real
// — a closed port, a listener that never answers, TLS servers with the wrong CA, an expired, not-yet-valid or
// misnamed certificate, one that refuses the client certificate, TLS servers that are not BuildKit, a real
// buildkitd v0.32.2 killed (SIGKILL) or frozen (SIGSTOP) in the middle of a build, a Docker socket with nothing
// behind it, ssh refused, the lock folder a file or read-only, buildx missing or printing garbage. Each row: its
// diagnosis code from --json, its exit code (never 70, no stack), the diagnosis within the timeout named for it,
// no buildx left running; and buildx's store unchanged for every builder the config does not declare.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { DiagnosisCode } from '../../src/probe/codes.js';
import type { BuildkitDaemons } from '../helpers/buildkit.js';
import { cleanEnv, MPB_BIN, ROOT } from '../helpers/built-cli.js';
import { truthNonce, truthSteps, waitForStep } from '../helpers/daemon-truth.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { closedPorts } from '../helpers/listeners.js';
import { createUnpinnedBuilder } from '../helpers/real-remote.js';
import { itUnless } from '../helpers/skip.js';
import {
  leaf,
  type Running,
  readAuthority,
  startPlainServer,
  startTlsServer,
} from '../helpers/tls-server.js';

/** --probe-timeout and --node-timeout of every row, in seconds: short, so a wait past them shows. */
const PROBE_TIMEOUT_S = 2;
const NODE_TIMEOUT_S = 3;
/**
 * What mpb may take beyond the timeout named for a row: starting node, `docker buildx version`, the config, the
 * probes of the other checks, and for the watchdog its probe interval and the 5 s SIGINT grace, all on a loaded
 * 2-core machine with the other rows running. Still below buildx's own 20 s waits, which a hang would show.
 */
const MARGIN_MS = 15_000;
/** The RUN step of a mid-build row holds this long: the fault strikes while it runs. */
const HOLD_S = 120;

/** A unix socket file nothing listens on any more: what a Docker daemon that stopped or crashed leaves. */
function staleSocket(path: string): void {
  const listen = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`;
  const r = spawnSync(process.execPath, ['-e', listen], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(path)) throw new Error(`no stale socket at ${path}: ${r.stderr}`);
}

/** One remote builder of one node per port, with the client files `mpb certs create` wrote; ssh and Docker nodes. */
function configText(ports: Record<string, number>, sshPort: number): string {
  const tls = '{ ca: certs/ca.pem, cert: certs/client-cert.pem, key: certs/client-key.pem }';
  const lines = ['version: 1', 'builders:'];
  for (const [name, port] of Object.entries(ports)) {
    lines.push(`  ${name}:`, '    driver: remote', '    nodes:');
    lines.push(`      - name: ${name}0`, `        endpoint: tcp://127.0.0.1:${port}`);
    lines.push('        platforms: [linux/amd64]', `        tls: ${tls}`);
  }
  lines.push('  ssh-refused:', '    driver: docker-container', '    nodes:');
  lines.push('      - name: ssh-refused0', `        endpoint: ssh://builder@127.0.0.1:${sshPort}`);
  lines.push('        platforms: [linux/amd64]');
  // No endpoint: the local Docker, which DOCKER_HOST names.
  lines.push('  local-docker:', '    driver: docker-container', '    nodes:');
  lines.push('      - name: local-docker0', '        platforms: [linux/amd64]');
  return `${lines.join('\n')}\n`;
}

/** The TLS faults, each a server on 127.0.0.1; `ours` is the set the config's nodes trust, `theirs` another. */
async function startTlsFaults(ours: string, theirs: string): Promise<Record<string, Running>> {
  const read = (file: string) => readFile(file, 'utf8');
  const ca = await readAuthority({
    cert: await read(join(ours, 'ca.pem')),
    key: await read(join(ours, 'ca-key.pem')),
  });
  const ourServer = {
    cert: await read(join(ours, 'server-cert.pem')),
    key: await read(join(ours, 'server-key.pem')),
  };
  const theirServer = {
    cert: await read(join(theirs, 'server-cert.pem')),
    key: await read(join(theirs, 'server-key.pem')),
  };
  const serve = (pair: { cert: string; key: string }, speaks?: 'h2-http' | 'http1', clientCa = ca.pem.cert) =>
    startTlsServer({ ...pair, ca: clientCa, ...(speaks ? { speaks } : {}) });
  return {
    'wrong-ca': await serve(theirServer),
    expired: await serve(await leaf(ca, 'server', { fromDays: -30, toDays: -1 })),
    'not-yet-valid': await serve(await leaf(ca, 'server', { fromDays: 1, toDays: 30 })),
    'san-mismatch': await serve(await leaf(ca, 'server', { hosts: ['build.example.com'] })),
    'client-rejected': await serve(ourServer, undefined, await read(join(theirs, 'ca.pem'))),
    'h2-not-grpc': await serve(ourServer, 'h2-http'),
    'http1-only': await serve(ourServer, 'http1'),
  };
}

/** The fault servers beside the world's daemons, and the config declaring a builder per fault. */
async function startFaults(kit: BuildkitDaemons): Promise<{ config: string; servers: Running[] }> {
  // A second set, as another team's `mpb certs create` would make it: its server certificate is for 127.0.0.1 too.
  const other = join(kit.dir, 'other-certs');
  const argv = [MPB_BIN, 'certs', 'create', '--host', '127.0.0.1', '--out', other];
  const made = spawnSync(process.execPath, argv, { encoding: 'utf8', env: cleanEnv() });
  if (made.status !== 0) throw new Error(`mpb certs create failed: ${made.stderr}`);
  const servers = {
    'silent-listener': await startPlainServer('silent'),
    ...(await startTlsFaults(kit.certs.dir, other)),
  };
  // Taken while every server listens, so neither closed port is one of theirs.
  const [closed, spare] = (await closedPorts(2)) as [number, number];
  const ports: Record<string, number> = { 'closed-port': closed };
  for (const [name, s] of Object.entries(servers)) ports[name] = s.port;
  for (const d of kit.daemons) ports[d.name] = d.port;
  // Beside certs/, which the config names relatively.
  const config = join(kit.dir, 'builders.yaml');
  await writeFile(config, configText(ports, spare));
  return { config, servers: Object.values(servers) };
}

/** Everything but buildx, started once for the file. */
const world = await e2eWorld({ daemons: [{ name: 'killed' }, { name: 'frozen' }] });
const faults = world.skip ? undefined : await startFaults(world.kit);
// Newest first: the release people run.
const SUITES = [...world.suites].reverse();
/** Each row's code, exit and time, printed at the end for the record. */
const measured: string[] = [];
afterAll(async () => {
  if (measured.length > 0) console.info(measured.join('\n'));
  await Promise.all(faults?.servers.map((s) => s.close()) ?? []);
});
const daemon = (name: string) => world.daemon(name);

interface Outcome {
  exitCode: number | null;
  /** The --json document on stdout. */
  doc: { checks?: { id: string; code: string }[]; errors?: { code?: string }[] };
  stdout: string;
  stderr: string;
  /** From the start of mpb, or from the fault when it strikes later, to mpb's exit. */
  ms: number;
  /** The processes of the build still running after mpb ended ("pid: command line"). */
  leftover: string[];
}

/** The processes whose command line holds `text` (a build's context folder names its docker and buildx). */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/**
 * Runs the built CLI; `strike`, given, runs while mpb does (a mid-build fault) and the time counts from the
 * moment it returns. Resolves on mpb's exit, not on its pipes closing: a buildx left behind holds those.
 */
function mpb(args: string[], env: NodeJS.ProcessEnv, strike?: () => Promise<void>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let started = performance.now();
    const child = spawn(process.execPath, [MPB_BIN, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdin.end();
    const struck = strike?.().then(() => {
      started = performance.now();
    });
    // What mpb wrote before it exited may still be in the pipes at 'exit': wait for their end, but no longer
    // than a second, since a buildx left behind would hold them open.
    const drained = Promise.all(
      [child.stdout, child.stderr].map((stream) => new Promise((done) => stream.once('end', done))),
    );
    child.on('error', reject);
    child.on('exit', async (exitCode) => {
      const ms = performance.now() - started;
      await Promise.race([drained, new Promise((done) => setTimeout(done, 1_000))]);
      await struck;
      let doc: Outcome['doc'] = {};
      try {
        doc = JSON.parse(stdout);
      } catch {
        // not JSON: the code assertion shows stdout
      }
      resolve({ exitCode, doc, stdout, stderr, ms, leftover: [] });
    });
  });
}

/** buildx's store of every builder the config does not declare: instance file name → content. */
async function undeclaredStore(
  dockerConfig: string,
  declared: readonly string[],
): Promise<Record<string, string>> {
  const dir = join(dockerConfig, 'buildx', 'instances');
  if (!existsSync(dir)) return {};
  const store: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => !declared.includes(n)))
    store[name] = await readFile(join(dir, name), 'utf8');
  return store;
}

interface RowContext {
  /** The suite's: DOCKER_CONFIG with its buildx. */
  env: NodeJS.ProcessEnv;
  config: string;
  /** A temp folder of the suite's. */
  scratch: string;
  /** The one `mpb doctor` run of the endpoint faults, which every one of their rows reads. */
  doctor?: Promise<Outcome>;
}

/** One fault: how it is injected, the mpb command that meets it, and what mpb must say. */
interface Row {
  fault: string;
  code: DiagnosisCode;
  exit: number;
  /** The timeout the diagnosis must come within. */
  bound: { flag: '--probe-timeout' | '--node-timeout'; seconds: number };
  /** Injects the fault and runs mpb on it; or says why the fault cannot be injected here. */
  run: (ctx: RowContext) => Promise<Outcome | { skip: string }>;
  /** Where the row's code is in the --json document. */
  codeOf: (o: Outcome) => string | undefined;
}

const probeArgs = ['--probe-timeout', String(PROBE_TIMEOUT_S)];
const probeBound = { flag: '--probe-timeout', seconds: PROBE_TIMEOUT_S } as const;
const errorCode = (o: Outcome) => o.doc.errors?.[0]?.code;

/** The builders whose faults are endpoints: one `mpb doctor A B ...` probes them all at once. */
const ENDPOINT_FAULTS: string[] = [];

/**
 * `mpb doctor --json`: the check of the builder's one node names the fault. Endpoint faults share one doctor
 * run (all of them must be diagnosed within the one --probe-timeout, and a whole mpb process per row would
 * only load a small machine); a fault that `env` injects gets a run of its own.
 */
function doctorRow(
  fault: string,
  builder: string,
  code: DiagnosisCode,
  env?: (ctx: RowContext) => NodeJS.ProcessEnv,
): Row {
  if (!env) ENDPOINT_FAULTS.push(builder);
  const doctor = (ctx: RowContext, builders: string[], extra: NodeJS.ProcessEnv = {}) =>
    mpb(['--config', ctx.config, '--json', 'doctor', ...builders, ...probeArgs], { ...ctx.env, ...extra });
  return {
    fault,
    code,
    exit: 3,
    bound: probeBound,
    run: (ctx) => {
      if (env) return doctor(ctx, [builder], env(ctx));
      ctx.doctor ??= doctor(ctx, ENDPOINT_FAULTS);
      return ctx.doctor;
    },
    codeOf: (o) => o.doc.checks?.find((c) => c.id === `node:${builder}/${builder}0`)?.code,
  };
}

/**
 * `mpb ensure-builder --json` of a builder whose node is never reached: the fault is in this machine's set-up,
 * which `setup` makes (and undoes with the returned function).
 */
function setupRow(
  fault: string,
  code: DiagnosisCode,
  exit: number,
  setup: (ctx: RowContext) => Promise<{ env: NodeJS.ProcessEnv; undo?: () => void } | { skip: string }>,
): Row {
  return {
    fault,
    code,
    exit,
    bound: probeBound,
    run: async (ctx) => {
      const made = await setup(ctx);
      if ('skip' in made) return made;
      try {
        const args = ['--config', ctx.config, '--json', 'ensure-builder', 'closed-port', ...probeArgs];
        return await mpb(args, { ...ctx.env, ...made.env });
      } finally {
        made.undo?.();
      }
    },
    codeOf: errorCode,
  };
}

/** `mpb build` on a real buildkitd whose RUN step holds; `strike` injects the fault once the step runs there. */
function midBuildRow(fault: string, builder: 'killed' | 'frozen', strike: () => Promise<void> | void): Row {
  return {
    fault,
    code: 'node.died',
    exit: 3,
    bound: { flag: '--node-timeout', seconds: NODE_TIMEOUT_S },
    run: async (ctx) => {
      const nonce = truthNonce();
      const context = join(ctx.scratch, `context-${builder}`);
      await mkdir(context, { recursive: true });
      const steps = truthSteps(nonce, { platform: 'linux/amd64', seconds: HOLD_S });
      await writeFile(join(context, 'Dockerfile'), `FROM ${world.base.image}\n${steps}\n`);
      const d = daemon(builder);
      const args = ['--config', ctx.config, '--json', 'build', '--builder', builder, '-p', 'linux/amd64'];
      args.push(...probeArgs, '--node-timeout', String(NODE_TIMEOUT_S), context);
      const outcome = await mpb(args, ctx.env, async () => {
        await waitForStep([d], nonce, 'linux/amd64', 60_000);
        await strike();
      });
      // Looked at before the daemon comes back, which would end a hung buildx by itself.
      outcome.leftover = processesNaming(context);
      // The other suite builds on it too: back as from a crash, its cache kept.
      await d.restart({ keepRoot: true });
      return outcome;
    },
    codeOf: errorCode,
  };
}

/** A BUILDX_CONFIG whose lock folder `prepare` spoils. */
async function lockFolder(ctx: RowContext, name: string, prepare: (locks: string) => Promise<void>) {
  const buildxConfig = join(ctx.scratch, name);
  await mkdir(buildxConfig, { recursive: true });
  await prepare(join(buildxConfig, 'mpb-locks'));
  return { BUILDX_CONFIG: buildxConfig };
}

/** A DOCKER_CONFIG whose cli-plugins/ holds `plugin` (a script), or nothing. */
async function dockerConfigHolding(ctx: RowContext, name: string, plugin?: string) {
  const config = join(ctx.scratch, name);
  await mkdir(join(config, 'cli-plugins'), { recursive: true });
  if (plugin !== undefined) {
    await writeFile(join(config, 'cli-plugins', 'docker-buildx'), plugin);
    await chmod(join(config, 'cli-plugins', 'docker-buildx'), 0o755);
  }
  return { DOCKER_CONFIG: config };
}

const ROWS: Row[] = [
  // First: the slowest (a real build must reach its RUN step), so the rest run meanwhile.
  midBuildRow('buildkitd killed (SIGKILL) mid-build', 'killed', () => daemon('killed').kill()),
  midBuildRow('buildkitd frozen (SIGSTOP) mid-build', 'frozen', () => daemon('frozen').freeze()),
  doctorRow('closed port', 'closed-port', 'tcp.refused'),
  doctorRow('silent listener (accepts TCP, never answers TLS)', 'silent-listener', 'tls.timeout'),
  doctorRow('wrong CA', 'wrong-ca', 'tls.unknown-ca'),
  doctorRow('expired server certificate', 'expired', 'tls.expired'),
  doctorRow('server certificate not yet valid', 'not-yet-valid', 'tls.not-yet-valid'),
  doctorRow('SAN mismatch', 'san-mismatch', 'tls.name-mismatch'),
  doctorRow('client certificate rejected', 'client-rejected', 'tls.client-rejected'),
  doctorRow('TLS without gRPC: an HTTP/2 web server', 'h2-not-grpc', 'grpc.no-answer'),
  doctorRow('TLS without gRPC: HTTP/1.1 only', 'http1-only', 'grpc.no-h2'),
  doctorRow('ssh refused (ssh:// on a closed port)', 'ssh-refused', 'ssh.refused'),
  // Cheaper than starting and stopping a dockerd: the socket file a stopped daemon leaves, nothing behind it.
  doctorRow('Docker daemon stopped (DOCKER_HOST: a dead socket)', 'local-docker', 'docker.down', (ctx) => {
    const socket = join(ctx.scratch, 'docker.sock');
    if (!existsSync(socket)) staleSocket(socket);
    return { DOCKER_HOST: `unix://${socket}` };
  }),
  setupRow('lock folder is a file', 'fs.not-a-folder', 2, async (ctx) => ({
    env: await lockFolder(ctx, 'buildx-locks-file', (locks) => writeFile(locks, '')),
  })),
  setupRow('lock folder unwritable (read-only)', 'fs.read-only', 2, async (ctx) => {
    let locks = '';
    const env = await lockFolder(ctx, 'buildx-locks-ro', async (path) => {
      locks = path;
      await mkdir(path);
    });
    // Root writes through any mode: a read-only mount is what stops it.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', locks], {
      encoding: 'utf8',
    });
    if (mounted.status !== 0) return { skip: `no read-only mount here: ${mounted.stderr.trim()}` };
    return { env, undo: () => spawnSync('umount', [locks]) };
  }),
  setupRow('buildx missing', 'buildx.unusable', 4, async (ctx) => {
    const env = await dockerConfigHolding(ctx, 'docker-without-buildx');
    // docker also looks in the system's plugin folders: one there would be found.
    const found = spawnSync('docker', ['buildx', 'version'], {
      env: { ...ctx.env, ...env },
      encoding: 'utf8',
    });
    if (found.status === 0)
      return { skip: `this machine has a system buildx plugin: ${found.stdout.trim()}` };
    return { env };
  }),
  // An unreadable version is buildx failing (exit 1); the code says mpb cannot use it.
  setupRow('buildx prints garbage', 'buildx.unusable', 1, async (ctx) => {
    const real = join(ctx.env['DOCKER_CONFIG']!, 'cli-plugins', 'docker-buildx');
    // docker asks a plugin for its metadata first: the real answer, so docker runs it; then garbage.
    const script = [
      '#!/bin/sh',
      `[ "$1" = docker-cli-plugin-metadata ] && exec ${real} "$@"`,
      `printf '\\033[2J\\377\\376 %s\\n' 'ok?' '{"Name": ['`,
    ];
    return { env: await dockerConfigHolding(ctx, 'docker-garbage-buildx', `${script.join('\n')}\n`) };
  }),
];

describe.each(SUITES)('the fault matrix on real buildx from Debian %s (%s)', (suite) => {
  const bx = world.suite(suite);
  const test = itUnless(bx.skip);
  const ctx = {} as RowContext;
  let declared: string[] = [];
  let before: Record<string, string> = {};

  beforeAll(async () => {
    if (bx.skip) return;
    const { kit } = world;
    const { config } = faults!;
    const { dockerConfig, env } = bx.dockerEnv();
    const scratch = world.temp('mpb-e2e-faults-');
    Object.assign(ctx, { env, config, scratch });
    // Made by hand, as a user or another tool would: no row may touch it.
    const tls = { ca: kit.certs.ca, clientCert: kit.certs.clientCert, clientKey: kit.certs.clientKey };
    await createUnpinnedBuilder(
      env,
      'bystander',
      [{ name: 'by0', endpoint: daemon('killed').endpoint }],
      tls,
    );
    declared = [...(await readFile(config, 'utf8')).matchAll(/^ {2}([\w-]+):$/gm)].map((m) => m[1]!);
    before = await undeclaredStore(dockerConfig, declared);
    expect(Object.keys(before)).toContain('bystander');
  });

  // Rows are independent (one builder, server or folder each): they run at once.
  for (const row of ROWS) {
    const title = `${row.fault} → ${row.code}, exit ${row.exit}, diagnosed within ${row.bound.flag} ${row.bound.seconds} s`;
    test.concurrent(title, async ({ skip: skipRow }) => {
      const o = await row.run(ctx);
      if ('skip' in o) return skipRow(o.skip);
      const code = row.codeOf(o);
      measured.push(`${suite}\t${row.fault}\t${code}\texit ${o.exitCode}\t${Math.round(o.ms)} ms`);
      expect(o.exitCode, o.stderr).not.toBe(70);
      expect(o.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(code, o.stdout).toBe(row.code);
      expect(o.exitCode, o.stderr).toBe(row.exit);
      expect(o.leftover).toEqual([]);
      expect(o.ms).toBeLessThan(row.bound.seconds * 1000 + MARGIN_MS);
    });
  }

  test('nothing the config does not declare was changed', async () => {
    expect(await undeclaredStore(ctx.env['DOCKER_CONFIG']!, declared)).toEqual(before);
  });
});
