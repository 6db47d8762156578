// Real tier, whole stack: two real BuildKit v0.32.2 daemons on 127.0.0.1 with mutual TLS from `mpb certs create`
// — A pinned to linux/amd64, B to linux/arm64 and running it through QEMU — a remote builder declared in a
// builders.yaml, real buildx 0.29.1 and 0.13.1, and a real registry holding a busybox base image. `mpb
// ensure-builder` then `mpb build --push` of a Dockerfile with a RUN step; the daemons' own disks say which of
// them built which platform, and `mpb inspect --expect-platforms` that the tag holds both.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { truthNonce, truthSteps, whoBuilt } from '../helpers/daemon-truth.js';
import { e2eWorld } from '../helpers/e2e-world.js';
import { runMpb } from '../helpers/fake-docker.js';
import { readStore, writeRemoteConfig } from '../helpers/real-remote.js';
import { itUnless } from '../helpers/skip.js';

const PLATFORMS = { a: 'linux/amd64', b: 'linux/arm64' };

const world = await e2eWorld({
  qemu: ['linux/arm64', 'linux/riscv64'],
  daemons: [
    { name: 'a', platform: PLATFORMS.a },
    { name: 'b', platform: PLATFORMS.b },
  ],
});
// Newest first: the release people run.
const SUITES = [...world.suites].reverse();
/** Nonces of the builds below, whose arm64 markers B's root holds until it is restarted afresh. */
const builtOnB: string[] = [];
/** A --json document without the probe's timings (`gRPC ListWorkers in 12 ms`) and the build's wall time. */
const withoutTimes = (json: string) =>
  json.replace(/ in \d+ ms/g, ' in N ms').replace(/"wallMs": ?\d+/g, '"wallMs":0');
const daemon = (name: 'a' | 'b') => world.daemon(name);

describe('two real BuildKit daemons', () => {
  itUnless(world.skip)(
    'each lists its pinned platform first, then what it runs natively or through QEMU',
    async () => {
      const [a, b] = [await daemon('a').platforms(), await daemon('b').platforms()];
      expect(a[0]).toBe('linux/amd64');
      expect(b[0]).toBe('linux/arm64');
      for (const list of [a, b])
        expect(list).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64', 'linux/riscv64']));
    },
  );
});

describe.each(SUITES)('mpb build on them with real buildx from Debian %s (%s)', (suite) => {
  const bx = world.suite(suite);
  const test = itUnless(bx.skip);

  test('ensure-builder, then build --push: amd64 ran on A, arm64 on B through QEMU, and the tag has both', async () => {
    const { kit, base } = world;
    const { env } = bx.dockerEnv();
    const context = world.temp('mpb-e2e-context-');
    // writeRemoteConfig names certs/ beside the file: the kit's dir holds them.
    const config = join(kit.dir, `builders-${suite}.yaml`);
    await writeRemoteConfig(config, `duo-${suite}`, [
      { name: 'a', port: daemon('a').port, platforms: [PLATFORMS.a] },
      { name: 'b', port: daemon('b').port, platforms: [PLATFORMS.b] },
    ]);
    const nonce = truthNonce();
    await writeFile(join(context, 'Dockerfile'), `FROM ${base.image}\n${truthSteps(nonce)}\n`);
    const mpb = (...args: string[]) => runMpb(['--config', config, ...args], env);

    const ensured = await mpb('ensure-builder');
    expect(ensured.exitCode, ensured.stderr).toBe(0);

    // Converged now: buildx's record with the daemons' own ListWorkers answers (ensure-builder, a build's dry
    // run), or with `ls --format json` (ls), gives the very document `buildx inspect` gives (MPB_BUILDX_RECORD=0).
    for (const args of [
      ['ensure-builder'],
      ['build', '--dry-run', '-p', 'linux/amd64,linux/arm64', context],
      ['ls'],
    ]) {
      const byRecord = await mpb('--json', '--verbose', ...args);
      const byInspect = await runMpb(['--config', config, '--json', '--verbose', ...args], {
        ...env,
        MPB_BUILDX_RECORD: '0',
      });
      if (args[0] !== 'ls')
        expect(byRecord.stderr).toContain("converged by buildx's record and the nodes' own answers");
      expect(byRecord.stderr).not.toContain('$ docker buildx inspect');
      expect(byInspect.stderr).toContain(`$ docker buildx inspect duo-${suite}\n`);
      expect([byRecord.exitCode, withoutTimes(byRecord.stdout)]).toEqual([
        byInspect.exitCode,
        withoutTimes(byInspect.stdout),
      ]);
    }

    const tag = `${base.registry.host}/app-${suite}:1`;
    const built = await mpb('build', '-p', 'linux/amd64,linux/arm64', '-t', tag, '--push', context);
    expect(built.exitCode, built.stderr).toBe(0);
    builtOnB.push(nonce);
    expect(await whoBuilt(kit.daemons, nonce)).toEqual({
      'linux/amd64': [{ daemon: 'a', machine: 'x86_64' }],
      'linux/arm64': [{ daemon: 'b', machine: 'aarch64' }],
    });

    const inspected = await mpb('inspect', tag, '--expect-platforms', 'linux/amd64,linux/arm64', '--exact');
    expect(inspected.stderr).toContain(`✓ ${tag} has exactly the expected platforms`);
    expect(inspected.exitCode).toBe(0);
  }, 300_000);
});

describe.concurrent.each(SUITES)(
  'tls as PEM text from environment variables, real buildx from Debian %s',
  (suite) => {
    const bx = world.suite(suite);
    const test = itUnless(bx.skip);

    test('ensure-builder brings the mutual-TLS node up from files mpb writes; no PEM text in any output; rm removes them', async () => {
      const { kit } = world;
      const pem = {
        BUILDKIT_CA: await readFile(kit.certs.ca, 'utf8'),
        BUILDKIT_CERT: await readFile(kit.certs.clientCert, 'utf8'),
        BUILDKIT_KEY: await readFile(kit.certs.clientKey, 'utf8'),
      };
      const { dockerConfig, env } = bx.dockerEnv(pem);
      const builder = `pem-${suite}`;
      const config = join(kit.dir, `pem-${suite}.yaml`);
      await writeFile(
        config,
        [
          'version: 1',
          'builders:',
          `  ${builder}:`,
          '    driver: remote',
          '    nodes:',
          `      - name: a`,
          `        endpoint: ${daemon('a').endpoint}`,
          `        platforms: [${PLATFORMS.a}]`,
          '        tls: { ca: "${BUILDKIT_CA}", cert: "${BUILDKIT_CERT}", key: "${BUILDKIT_KEY}" }',
          '',
        ].join('\n'),
      );
      const mpb = (...args: string[]) => runMpb(['--config', config, ...args], env);
      // Every line of the three PEM blocks: none may reach stdout or stderr.
      const secretLines = Object.values(pem).flatMap((text) => text.split('\n').filter((l) => l.length > 0));
      const leaks = (r: { stdout: string; stderr: string }) =>
        secretLines.filter((l) => r.stdout.includes(l) || r.stderr.includes(l));
      const dir = join(dockerConfig, 'buildx', 'mpb-certs', builder, 'a');
      const files = { cacert: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };

      const ensured = await mpb('--verbose', '--json', 'ensure-builder');
      expect(ensured.exitCode, ensured.stderr).toBe(0);
      expect(leaks(ensured)).toEqual([]);
      expect(ensured.stderr).toContain(`$ docker buildx create --name ${builder} --node a --driver remote`);
      const [report] = JSON.parse(ensured.stdout).builders;
      expect(report.health.nodes.map((n: { verdict: { result: string } }) => n.verdict.result)).toEqual([
        'ok',
      ]);
      expect(await readStore(env, builder)).toEqual([
        { name: 'a', endpoint: daemon('a').endpoint, driverOpts: files, pinned: [PLATFORMS.a] },
      ]);
      for (const [path, text] of [
        [files.cacert, pem.BUILDKIT_CA],
        [files.cert, pem.BUILDKIT_CERT],
        [files.key, pem.BUILDKIT_KEY],
      ] as const) {
        expect((await stat(path)).mode & 0o777).toBe(0o600);
        expect(await readFile(path, 'utf8')).toBe(text);
      }
      expect((await stat(dir)).mode & 0o777).toBe(0o700);

      // Converged: the same text keeps the same files, so the same driver options, so nothing to do.
      const before = await Promise.all(Object.values(files).map((f) => stat(f)));
      const again = await mpb('--verbose', '--json', 'ensure-builder');
      expect(again.exitCode, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).builders[0].plan.actions).toEqual([]);
      expect(again.stderr).not.toContain('buildx create');
      expect(leaks(again)).toEqual([]);
      const after = await Promise.all(Object.values(files).map((f) => stat(f)));
      expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));

      const doctor = await mpb('--verbose', 'doctor', builder);
      expect(leaks(doctor)).toEqual([]);
      expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);

      const removed = await mpb('--verbose', 'rm', builder, '--yes');
      expect(removed.exitCode, removed.stderr).toBe(0);
      expect(leaks(removed)).toEqual([]);
      expect(removed.stdout).toContain(`removed ${join(dockerConfig, 'buildx', 'mpb-certs', builder)}`);
      expect(await readStore(env, builder)).toBeUndefined();
      await expect(stat(join(dockerConfig, 'buildx', 'mpb-certs', builder))).rejects.toThrow(/ENOENT/);
    }, 120_000);
  },
);

describe('the fault controls', () => {
  /** Whether the daemon answers `buildctl debug workers` within 3 s. */
  const answers = (name: 'a' | 'b') =>
    daemon(name)
      .platforms(3_000)
      .then(
        () => true,
        () => false,
      );

  itUnless(world.skip)(
    'freeze holds the answer until thaw; kill ends it; restart brings it back with its root or an empty one; stop ends it',
    async () => {
      const b = daemon('b');
      const pid = b.pid();
      await b.freeze();
      expect(await answers('b')).toBe(false);
      b.thaw();
      expect(await answers('b')).toBe(true);
      for (const nonce of builtOnB) expect(Object.keys(await whoBuilt([b], nonce))).toEqual(['linux/arm64']);
      await b.kill();
      expect(() => process.kill(pid!, 0)).toThrow();
      expect(await answers('b')).toBe(false);
      await b.restart({ keepRoot: true });
      expect(b.pid()).not.toBe(pid);
      expect(await answers('b')).toBe(true);
      for (const nonce of builtOnB) expect(Object.keys(await whoBuilt([b], nonce))).toEqual(['linux/arm64']);
      await b.restart();
      expect(await answers('b')).toBe(true);
      for (const nonce of builtOnB) expect(await whoBuilt([b], nonce)).toEqual({});
      const restarted = b.pid();
      await b.stop();
      expect(() => process.kill(restarted!, 0)).toThrow();
    },
    120_000,
  );
});
