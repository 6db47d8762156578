// Which builder mpb uses (issue 23): --builder, then MPB_BUILDER, then BUILDX_BUILDER, then defaultBuilder (a file
// of one builder: that one), then buildx's current builder (`docker buildx use`); the choice said on stderr and as
// `builderFrom`. Without a config file: ls/status/doctor show buildx's builders, build runs on the current one,
// and `mpb init --from BUILDER` writes a builders.yaml from one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeVersion } from '../helpers/fake-docker.js';
import { type FlowWorld, flowWorld } from '../helpers/flow-world.js';
import { type Listener, loopbackListeners } from '../helpers/listeners.js';
import { loopbackConfig } from '../helpers/loopback-config.js';
import { FLOW_VERSIONS } from '../helpers/versions.js';

let listeners: Listener[];
let ports: { fleet: number; qemu: number; other: number };

beforeAll(async () => {
  listeners = await loopbackListeners(3);
  const [fleet, qemu, other] = listeners.map((l) => l.port);
  ports = { fleet: fleet!, qemu: qemu!, other: other! };
});
afterAll(() => Promise.all(listeners.map((l) => l.close())));

const config = (defaultBuilder: string | undefined) =>
  loopbackConfig(
    {
      fleet: [{ name: 'amd64', port: ports.fleet, platforms: ['linux/amd64'] }],
      qemu: [{ name: 'qemu0', port: ports.qemu, platforms: ['linux/amd64'] }],
    },
    defaultBuilder,
  );

async function world(
  version: FakeVersion,
  options: { defaultBuilder?: string; noConfig?: boolean } = {},
): Promise<FlowWorld> {
  // 'path': the fake docker answers `docker version` too (doctor probes the `default` builder's daemon).
  const w = await flowWorld({
    version,
    mode: 'path',
    daemon: true,
    config: options.noConfig ? undefined : config(options.defaultBuilder),
  });
  mkdirSync(join(w.dir, 'app'));
  writeFileSync(join(w.dir, 'app', 'Dockerfile'), 'FROM scratch\n');
  return w;
}

/** A builder the config does not declare: one remote node, amd64 pinned. */
const createOther = (w: FlowWorld) =>
  w.docker(
    'buildx',
    'create',
    '--name',
    'other',
    '--driver',
    'remote',
    '--platform',
    'linux/amd64',
    `tcp://127.0.0.1:${ports.other}`,
  );

async function dryRun(w: FlowWorld, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = await w.mpb(['--json', 'build', '--dry-run', '-p', 'amd64', ...args, 'app'], { env });
  expect(r.exitCode, r.stderr).toBe(0);
  return { doc: JSON.parse(r.stdout), stderr: r.stderr };
}

const LATEST = FLOW_VERSIONS.at(-1)!;

describe(`the builder choice, on buildx ${LATEST}`, () => {
  it.each([
    [
      '--builder first',
      ['--builder', 'qemu'],
      { MPB_BUILDER: 'fleet', BUILDX_BUILDER: 'fleet' },
      'qemu',
      'flag',
      '--builder',
    ],
    [
      'MPB_BUILDER before BUILDX_BUILDER',
      [],
      { MPB_BUILDER: 'qemu', BUILDX_BUILDER: 'fleet' },
      'qemu',
      'MPB_BUILDER',
      'MPB_BUILDER',
    ],
    [
      'BUILDX_BUILDER before defaultBuilder',
      [],
      { BUILDX_BUILDER: 'qemu' },
      'qemu',
      'BUILDX_BUILDER',
      'BUILDX_BUILDER',
    ],
    ['defaultBuilder', [], {}, 'fleet', 'defaultBuilder', 'defaultBuilder'],
  ])('%s', async (_what, args, env, builder, from, said) => {
    const w = await world(LATEST, { defaultBuilder: 'fleet' });
    const { doc, stderr } = await dryRun(w, args, env);
    expect(doc).toMatchObject({ builder, builderFrom: from });
    expect(stderr).toContain(`builder ${builder} (from ${said})\n`);
  });

  it('an undeclared BUILDX_BUILDER is used as buildx has it, without ensure', async () => {
    const w = await world(LATEST, { defaultBuilder: 'fleet' });
    createOther(w);
    const { doc, stderr } = await dryRun(w, [], { BUILDX_BUILDER: 'other' });
    expect(doc).toMatchObject({ builder: 'other', builderFrom: 'BUILDX_BUILDER', declared: false });
    expect(stderr).toContain('builder other (from BUILDX_BUILDER)\n');
    expect(w.buildxCalls('create')).toHaveLength(1); // createOther's own
  });

  it("two builders, no defaultBuilder: buildx's current builder (docker buildx use), for build and ensure-builder", async () => {
    const w = await world(LATEST);
    const ensured = await w.mpb(['ensure-builder', 'qemu']);
    expect(ensured.exitCode, ensured.stderr).toBe(0);
    w.docker('buildx', 'use', 'qemu');
    const { doc, stderr } = await dryRun(w);
    expect(doc).toMatchObject({ builder: 'qemu', builderFrom: 'buildx-current' });
    expect(stderr).toContain("builder qemu (from buildx's current builder, docker buildx use)\n");
    const again = await w.mpb(['--json', 'ensure-builder']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      builderFrom: 'buildx-current',
      builders: [{ builder: 'qemu' }],
    });
  });

  it("two builders, no defaultBuilder, buildx's current one undeclared: ensure-builder asks which (exit 2)", async () => {
    const w = await world(LATEST);
    createOther(w);
    w.docker('buildx', 'use', 'other');
    const r = await w.mpb(['ensure-builder']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`buildx's current builder "other" is not one of them`);
  });
});

describe.each(FLOW_VERSIONS)('no config file, buildx %s', (version) => {
  it("ls lists buildx's builders as undeclared ones, exit 0; status judges them, exit 0 when healthy", async () => {
    const w = await world(version, { noConfig: true });
    createOther(w);
    const ls = await w.mpb(['--json', 'ls']);
    expect(ls.exitCode, ls.stderr).toBe(0);
    const doc = JSON.parse(ls.stdout);
    expect(doc.config).toBeNull();
    expect(doc.builders.map((b: { name: string }) => b.name).sort()).toEqual(['default', 'other']);
    const human = await w.mpb(['ls']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('other');
    expect(human.stderr).toContain('no config file found');
    const status = await w.mpb(['status']);
    expect(status.exitCode, status.stdout + status.stderr).toBe(0);
  });

  it('status exits 3 when a node of a builder buildx has is down', async () => {
    const w = await world(version, { noConfig: true });
    createOther(w);
    w.fake.setState((s) => {
      s.down.push(`tcp://127.0.0.1:${ports.other}`);
    });
    const status = await w.mpb(['status']);
    expect(status.exitCode).toBe(3);
  });

  it('doctor checks every builder buildx has as an undeclared one', async () => {
    const w = await world(version, { noConfig: true });
    createOther(w);
    const r = await w.mpb(['--json', 'doctor']);
    const checks: { id: string; ok: boolean; detail: string }[] = JSON.parse(r.stdout).checks;
    expect(checks.find((c) => c.id === 'config')).toMatchObject({ ok: true });
    expect(checks.find((c) => c.id === 'config')?.detail).toContain('no config file found');
    expect(checks.filter((c) => c.id.startsWith('node:')).map((c) => [c.id, c.ok])).toEqual([
      ['node:other/other0', true],
      ['node:default/default', true],
    ]);
    expect(checks.filter((c) => !c.ok).map((c) => c.id)).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it("build runs on buildx's current builder, with the routing preview and the report", async () => {
    const w = await world(version, { noConfig: true });
    createOther(w);
    w.docker('buildx', 'use', 'other');
    const r = await w.mpb(['build', '-p', 'amd64', '-t', 'localhost:5000/c:1', '--push', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("builder other (from buildx's current builder, docker buildx use)\n");
    expect(r.stderr).toMatch(/PLATFORM\s+NODE\s+BUILD\nlinux\/amd64\s+other0\s+native/);
    const builds = w.buildxCalls('build');
    expect(builds).toHaveLength(1);
    expect(builds[0]).toContain('other');
  });

  it("build on buildx's current `default` without a daemon: judged on it (docker.down, exit 3), nothing built", async () => {
    const w = await flowWorld({ version, mode: 'path', daemon: false });
    const r = await w.mpb(['build', '-p', 'amd64', '.']);
    expect(r.stderr).toContain("builder default (from buildx's current builder, docker buildx use)\n");
    expect(r.stderr).toContain('[docker.down]');
    expect(r.exitCode).toBe(3);
    expect(w.buildxCalls('build')).toEqual([]);
  });

  it('build says --builder default works when buildx cannot show its current builder (exit 2)', async () => {
    const w = await flowWorld({ version, mode: 'path', daemon: true });
    const r = await w.mpb(['build', '-p', 'amd64', '.'], {
      env: { MPB_FAKE_FAIL: 'inspect:exit=1:stderr=ERROR: something failed' },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no config file found');
    expect(r.stderr).toContain('--builder default');
    expect(w.buildxCalls('build')).toEqual([]);
  });

  it('init --from BUILDER writes a builders.yaml that validates, and refuses to overwrite it', async () => {
    const w = await world(version, { noConfig: true });
    createOther(w);
    const r = await w.mpb(['init', '--from', 'other']);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = join(w.dir, 'builders.yaml');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('defaultBuilder: other');
    expect(text).toContain(`endpoint: tcp://127.0.0.1:${ports.other}`);
    expect(text).toContain('platforms: [linux/amd64]');
    const valid = await w.mpb(['config', 'validate']);
    expect(valid.exitCode, valid.stderr).toBe(0);
    // Declared now: ls reads it as in sync with what buildx has.
    const ls = await w.mpb(['--json', 'ls', 'other']);
    expect(JSON.parse(ls.stdout).builders[0]).toMatchObject({
      name: 'other',
      declared: true,
      state: 'in-sync',
    });
    const again = await w.mpb(['init', '--from', 'other']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
  });
});
