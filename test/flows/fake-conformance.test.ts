// The fake buildx is only as good as this test: it replays the capture scenarios of
// test/fixtures/captures/INDEX.md in order (state carries over, as when they were captured) against the fake for
// each buildx version, and compares stdout, stderr and the exit code with the captured bytes. Masked on both
// sides: timestamps, digests, worker IDs, durations and byte counts in progress lines, and the order of lines
// buildx prints from Go maps (driver options, annotations). Progress output (bootstrap, build) is compared
// vertex by vertex, since its interleaving depends on timing. The fake runs as the fake `docker` on PATH;
// MPB_CONFORMANCE_MODE=plugin replays through the real docker CLI and the plugin instead (slower, same bytes).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDocker, type FakeVersion, withFakeDocker } from '../helpers/fake-docker.js';
import { CAPTURES, capture, kubeCapture } from '../helpers/fake-run.js';
import { describeUnless, itUnless } from '../helpers/skip.js';
import { CAPTURED_VERSIONS as VERSIONS } from '../helpers/versions.js';

const CAPTURED_CERTS = '/home/dev/.mpb/certs';
/** How long a step may run at most; a 0.10 "hang" is killed sooner, once it has printed what the capture holds. */
const STEP_CAP_MS = 30_000;
const MODE = process.env.MPB_CONFORMANCE_MODE === 'plugin' ? 'plugin' : 'path';

type Compare = 'exact' | 'progress' | 'exit-stdout';
interface Step {
  name: string;
  args: string[];
  /** How stderr is compared: bytes (masked), progress vertices, or not at all (with a reason in EXCLUDED_STDERR). */
  stderr?: Compare;
}

/** Splits a command line as INDEX.md writes it (double quotes group words) into docker's argv. */
const words = (line: string) => (line.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1'));
const stepOf = (name: string, line: string, stderr?: Compare): Step => ({
  name,
  args: words(`buildx ${line}`),
  stderr,
});
const tls = (C: string) =>
  `--driver-opt key=${C}/client.key --driver-opt cert=${C}/client.crt --driver-opt cacert=${C}/ca.crt`;

/** INDEX.md's first set, in capture order; `C` is the cert dir, `V` the version tag. */
function mainScenario(C: string, V: string, metadata: string): Step[] {
  const hello = (rest: string) =>
    `build --builder builder --platform linux/amd64,linux/arm64 ${rest} ./hello`;
  return [
    stepOf('version', 'version'),
    stepOf('ls-empty', 'ls'),
    stepOf(
      'create-amd64',
      `create --name builder --node linux-amd64 --platform linux/amd64,linux/386 --driver remote ${tls(C)} tcp://127.0.0.1:1234`,
    ),
    stepOf(
      'create-exists',
      'create --name builder --node linux-amd64 --platform linux/amd64 --driver remote tcp://127.0.0.1:1234',
    ),
    stepOf(
      'append-arm64',
      `create --append --name builder --node linux-arm64 --platform linux/arm64 --driver remote ${tls(C)} tcp://127.0.0.1:1235`,
    ),
    stepOf(
      'append-wrong-driver',
      'create --append --name builder --node other --driver docker-container unix:///var/run/docker.sock',
    ),
    stepOf(
      'append-same-node',
      `create --append --name builder --node linux-arm64 --platform linux/arm64 --driver remote ${tls(C)} tcp://127.0.0.1:1235`,
    ),
    stepOf('ls-two-nodes-not-bootstrapped', 'ls'),
    stepOf('inspect-bootstrap', 'inspect --bootstrap builder', 'progress'),
    stepOf('ls-two-nodes', 'ls'),
    stepOf('ls-json', 'ls --format json'),
    stepOf('ls-no-trunc', 'ls --no-trunc'),
    stepOf('inspect', 'inspect builder'),
    stepOf(
      'create-dead',
      `create --name deadb --node dead0 --platform linux/s390x --driver remote ${tls(C)} tcp://127.0.0.1:1299`,
    ),
    stepOf(
      'append-badcert',
      `create --append --name deadb --node badcert --driver remote --driver-opt key=/nonexistent/client.key --driver-opt cert=${C}/client.crt --driver-opt cacert=${C}/ca.crt tcp://127.0.0.1:1234`,
    ),
    stepOf('create-notls', 'create --name notls --node notls0 --driver remote tcp://127.0.0.1:1234'),
    stepOf('create-dc', 'create --name dc --driver docker-container --platform linux/amd64,linux/arm64'),
    stepOf(
      'create-dc-ssh',
      'create --name dcssh --node ssh0 --driver docker-container --platform linux/amd64 ssh://nobody@127.0.0.1:2299',
    ),
    stepOf('ls-mixed', 'ls'),
    stepOf('ls-mixed-json', 'ls --format json'),
    stepOf('inspect-dead', 'inspect deadb'),
    stepOf('inspect-dead-bootstrap', 'inspect --bootstrap deadb', 'progress'),
    stepOf('inspect-notls-bootstrap', 'inspect --bootstrap notls', 'progress'),
    stepOf('inspect-missing', 'inspect nosuchbuilder'),
    stepOf('use', 'use builder'),
    stepOf('ls-after-use', 'ls'),
    stepOf('leave', 'create --leave --name builder --node linux-arm64'),
    stepOf('ls-after-leave', 'ls'),
    stepOf(
      'append-back',
      `create --append --name builder --node linux-arm64 --platform linux/arm64 --driver remote ${tls(C)} tcp://127.0.0.1:1235`,
    ),
    stepOf(
      'build-push',
      hello(`--tag localhost:5000/capture/hello:${V} --push --metadata-file ${metadata} --progress plain`),
      'progress',
    ),
    stepOf(
      'build-noplatform-node',
      `build --builder builder --platform linux/riscv64 --tag localhost:5000/capture/riscv:${V} --push --progress plain ./hello`,
      'progress',
    ),
    stepOf('build-load-multi', hello('--load --progress plain'), 'progress'),
    stepOf(
      'build-rawjson',
      hello(`--tag localhost:5000/capture/hello:${V}-rj --push --progress rawjson`),
      'exit-stdout',
    ),
    stepOf('imagetools', `imagetools inspect localhost:5000/capture/hello:${V}`),
    stepOf('imagetools-json', `imagetools inspect --format "{{json .}}" localhost:5000/capture/hello:${V}`),
    stepOf('imagetools-raw', `imagetools inspect --raw localhost:5000/capture/hello:${V}`),
    stepOf('imagetools-missing', 'imagetools inspect localhost:5000/capture/nosuch:1'),
    stepOf('imagetools-noregistry', 'imagetools inspect 127.0.0.1:5999/x/y:1'),
    stepOf('rm-dead', 'rm deadb'),
    stepOf('rm-missing', 'rm nosuchbuilder'),
    stepOf('ls-final', 'ls'),
  ];
}

/** INDEX.md's second set (a fresh config dir; QEMU registered, a BuildKit v0.32.2 node on :1237). */
function qemuScenario(C: string, V: string): Step[] {
  return [
    stepOf(
      'qemu-create',
      `create --name mixed --node native-amd64 --platform linux/amd64 --driver remote ${tls(C)} tcp://127.0.0.1:1234`,
    ),
    stepOf(
      'qemu-append',
      `create --append --name mixed --node qemu0 --driver remote ${tls(C)} tcp://127.0.0.1:1237`,
    ),
    stepOf('qemu-inspect-bootstrap', 'inspect --bootstrap mixed', 'progress'),
    stepOf('qemu-ls', 'ls'),
    stepOf('qemu-ls-no-trunc', 'ls --no-trunc'),
    stepOf(
      'qemu-build-arm64-unpinned',
      `build --builder mixed --platform linux/amd64,linux/arm64 --tag localhost:5000/capture/qemu:${V} --push --progress plain ./hello`,
      'exit-stdout',
    ),
  ];
}

/** INDEX.md's third set, the `default` builder only: a Docker Engine answers (its BuildKit, driver `docker`). */
function engineScenario(V: string): Step[] {
  const build = (platforms: string) =>
    `build --builder default --platform ${platforms} --tag localhost:5000/capture/default:${V} --push ./hello`;
  return [
    stepOf('default-ls', 'ls'),
    stepOf('default-inspect', 'inspect default'),
    stepOf('default-build-arm64-push', build('linux/arm64'), 'progress'),
    stepOf('default-build-multi', build('linux/amd64,linux/arm64')),
  ];
}

/** The kubernetes captures (test/fixtures/captures/kubernetes/INDEX.md), in capture order. */
function kubeScenario(): Step[] {
  const opts = 'namespace=buildkit,image=moby/buildkit:buildx-stable-1';
  return [
    stepOf('version', 'version'),
    stepOf(
      'create',
      `create --name k8s --node k8s0 --driver kubernetes --driver-opt ${opts},replicas=1 --platform linux/amd64,linux/arm64`,
    ),
    stepOf('inspect-before-bootstrap', 'inspect k8s'),
    stepOf('inspect-bootstrap', 'inspect --bootstrap k8s', 'progress'),
    stepOf('inspect', 'inspect k8s'),
    stepOf('rm', 'rm k8s'),
    stepOf(
      'create-replicas2',
      `create --name k8r --node k8r0 --driver kubernetes --driver-opt ${opts},replicas=2`,
    ),
    stepOf('inspect-bootstrap-replicas2', 'inspect --bootstrap k8r', 'progress'),
    stepOf('inspect-after-bootstrap-replicas2', 'inspect k8r'),
    stepOf('rm-replicas2', 'rm k8r'),
    stepOf(
      'create-no-namespace',
      'create --name k8n --node k8n0 --driver kubernetes --driver-opt namespace=nope,image=moby/buildkit:buildx-stable-1,timeout=20s',
    ),
    stepOf('inspect-bootstrap-no-namespace', 'inspect --bootstrap k8n', 'progress'),
    stepOf('inspect-no-namespace', 'inspect k8n'),
    stepOf('rm-no-namespace', 'rm k8n'),
    stepOf(
      'create-two-nodes',
      `create --name k8m --node k8m-amd64 --driver kubernetes --driver-opt ${opts},nodeselector=kubernetes.io/arch=amd64,timeout=25s --platform linux/amd64`,
    ),
    stepOf(
      'append-arm64-node',
      `create --append --name k8m --node k8m-arm64 --driver kubernetes --driver-opt ${opts},nodeselector=kubernetes.io/arch=arm64,timeout=25s --platform linux/arm64`,
    ),
    stepOf('inspect-bootstrap-two-nodes', 'inspect --bootstrap k8m', 'progress'),
    stepOf('inspect-two-nodes', 'inspect k8m'),
    stepOf('rm-two-nodes', 'rm k8m'),
  ];
}
/** Kubernetes cases not replayed, each with why. */
const KUBE_EXCLUDED: Record<string, string> = {
  'ls*':
    'the table and JSON of `ls` list the docker engine builder of the capture machine (v0.8+unknown), which the fake kubernetes scenario does not run',
  build: 'a real two-platform build on the cluster; the fake builds are replayed by the first set',
  'create-deleted / inspect-deleted / rm-deleted': 'the Deployment was deleted with kubectl behind buildx',
  'create-no-kubeconfig':
    'replayed as unit cases (test/unit/drivers/kubernetes.test.ts): the fake reads the kubeconfig of the whole scenario',
};

/** Capture cases not replayed, each with why. Everything else in the capture folders is replayed above. */
const EXCLUDED: Record<string, string> = {
  'qemu-ls-json':
    'the capture lists only `default` although `mixed` exists (qemu-ls just before shows it): an artifact of the capture run, not buildx behaviour',
  'dc-*':
    'BuildKit containers on a real Docker Engine and over ssh (third set): the fake models docker-container nodes, but these bytes hold image-pull fallbacks, container start timings and containers left by other runs',
};
/** Steps whose stderr is not compared, and why. */
const EXCLUDED_STDERR: Record<string, string> = {
  'build-rawjson':
    'rawjson is a timing-dependent event stream (0.13.1 even logs an http2 error into it); the fake prints plain progress',
  'qemu-build-arm64-unpinned':
    'BuildKit merged the identical scratch COPY of both platforms into one vertex; the fake prints one per platform. The routing itself is asserted from the fake state below.',
};

const TIME = /(?!0001-)\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d \+0000 UTC|T\d\d:\d\d:\d\d(\.\d+)?Z)/g;
const DIGEST = /sha256:[0-9a-f]{64}/g;

/** The masks applied to both sides. */
function mask(text: string): string {
  return text
    .replace(TIME, '<TIME>')
    .replace(DIGEST, 'sha256:<DIGEST>')
    .replace(/"IDs":\["[a-z0-9]{20,}"\]/g, '"IDs":["<ID>"]')
    .replace(
      /^(Driver Options:\s+)(.*)$/gm,
      (_, label: string, opts: string) => label + (opts.match(/\S+="[^"]*"/g) ?? []).sort().join(' '),
    )
    .replace(
      /( {2}Annotations: \n)((?: {4}.*\n)+)/g,
      (_, head: string, lines: string) => head + lines.split('\n').filter(Boolean).sort().join('\n') + '\n',
    );
}

/**
 * Progress output as a sorted list of vertices with their status lines (numbers, `...` interruptions, durations,
 * byte counts and CACHED-vs-DONE dropped), then the other lines sorted.
 */
function canonProgress(text: string): string {
  const vertices = new Map<string, { name: string; events: string[] }>();
  const other: string[] = [];
  for (const line of mask(text).split('\n')) {
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m) {
      if (line !== '') other.push(line);
      continue;
    }
    const [, n, rest] = m as unknown as [string, string, string];
    const v = vertices.get(n);
    if (!v) {
      vertices.set(n, { name: rest, events: [] });
      continue;
    }
    if (rest === v.name || rest === '...') continue;
    const event = rest
      .replace(/ \d+\.\d+s/g, '')
      .replace(/ done$/, '')
      .replace(/: \d+B$/, ': <N>B')
      .replace(/^CACHED$/, 'DONE')
      .replace(/^pushing layer [0-9a-f]{12}$/, 'pushing layer <ID>');
    if (v.events[v.events.length - 1] !== event) v.events.push(event);
  }
  const list = [...vertices.values()].map((v) => `${v.name} :: ${v.events.join(' | ')}`).sort();
  return `${list.join('\n')}\n--\n${other.sort().join('\n')}`;
}

interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `docker ARGS` with the fake. A 0.10 bootstrap on a dead node polls forever, and its capture is what
 * `timeout 60` cut off (exit 124): such a run is killed once it has printed that many bytes, so a loaded
 * machine that starts the fake slowly still gets the whole output; anything still running at the cap is too.
 */
function runDocker(args: string[], env: NodeJS.ProcessEnv, cwd: string, hangBytes?: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (hangBytes !== undefined && Buffer.byteLength(stdout) >= hangBytes) kill();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(kill, STEP_CAP_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: killed ? 124 : (code ?? -1), stdout, stderr });
    });
  });
}

function makeWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'mpb-conformance-'));
  const certs = join(dir, 'certs');
  mkdirSync(certs);
  for (const f of ['ca.crt', 'client.crt', 'client.key']) writeFileSync(join(certs, f), `fake ${f}\n`);
  // The capture's build context (INDEX.md): hello.txt and a scratch Dockerfile with no RUN.
  mkdirSync(join(dir, 'hello'));
  writeFileSync(join(dir, 'hello', 'hello.txt'), 'hello from mpb\n');
  writeFileSync(
    join(dir, 'hello', 'Dockerfile'),
    'FROM scratch\nARG TARGETPLATFORM\nCOPY hello.txt /hello.txt\nLABEL org.example.test=mpb\n',
  );
  return { dir, certs };
}

// The remote nodes of the captures: mutual TLS on :1234 and :1235 (same amd64 host), nothing on :1299.
const TLS_WORKERS = { 'tcp://127.0.0.1:1234': { tls: true }, 'tcp://127.0.0.1:1235': { tls: true } };
const DOWN = ['tcp://127.0.0.1:1299', 'ssh://nobody@127.0.0.1:2299'];
const QEMU_AMD64 = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/386',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/s390x',
];
const QEMU_V032 = [
  'linux/amd64',
  'linux/amd64/v2',
  'linux/amd64/v3',
  'linux/amd64/v4',
  'linux/arm64',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/s390x',
  'linux/386',
  'linux/arm/v7',
  'linux/arm/v6',
];

function expectLikeCapture(version: FakeVersion, step: Step, got: Ran, certs: string) {
  const want = capture(version, step.name);
  const fromFake = (t: string) => t.replaceAll(certs, CAPTURED_CERTS);
  expect({ exit: got.exitCode, stdout: mask(fromFake(got.stdout)) }).toEqual({
    exit: want.exitCode,
    stdout: mask(want.stdout),
  });
  if (step.stderr === 'exit-stdout') return;
  if (step.stderr === 'progress')
    expect(canonProgress(fromFake(got.stderr))).toBe(canonProgress(want.stderr));
  else expect(mask(fromFake(got.stderr))).toBe(mask(want.stderr));
}

// The replay checks the test double, not mpb: a CI run that runs the suite twice (Node 20, then Node 24) replays
// once and sets MPB_FAKE_CHECKED=1 for the second run (.ci/run); every flow test still runs on the fake there.
const CHECKED =
  process.env['MPB_FAKE_CHECKED'] === '1' &&
  'MPB_FAKE_CHECKED=1, the fake was replayed earlier in this CI run';

for (const version of VERSIONS) {
  describeUnless(CHECKED, `fake buildx ${version} replays the captures`, () => {
    const ws = makeWorkspace();
    const metadata = join(ws.dir, 'build-push.metadata.json');
    let fake: FakeDocker;
    const run = (step: Step) => {
      const want = capture(version, step.name);
      // The fake prints the captured bytes with the certificate folder of this workspace in place of the capture's.
      const hang =
        want.exitCode === 124
          ? Buffer.byteLength(want.stdout.replaceAll(CAPTURED_CERTS, ws.certs))
          : undefined;
      return runDocker(step.args, fake.env, ws.dir, hang);
    };

    describe('first set: remote TLS nodes, a dead node, builds, imagetools', () => {
      beforeAll(async () => {
        fake = await withFakeDocker({ version, mode: MODE, down: DOWN, downDelayMs: 50 });
        fake.setState((s) => Object.assign(s.workers, TLS_WORKERS));
      });
      afterAll(() => fake.cleanup());

      for (const step of mainScenario(ws.certs, version, metadata)) {
        it(step.name, async () => {
          expectLikeCapture(version, step, await run(step), ws.certs);
          if (step.name === 'build-push') {
            const meta = JSON.parse(readFileSync(metadata, 'utf8'));
            const want = JSON.parse(
              readFileSync(join(CAPTURES, `v${version}`, 'build-push.metadata.json'), 'utf8'),
            );
            expect(Object.keys(meta)).toEqual(Object.keys(want));
            expect(meta['containerimage.digest']).toBe(
              fake.state().registry[`localhost:5000/capture/hello:${version}`],
            );
          }
        });
      }
    });

    describe('second set: a node that emulates with QEMU', () => {
      beforeAll(async () => {
        fake = await withFakeDocker({ version, mode: MODE });
        fake.setState((s) => {
          s.workers['tcp://127.0.0.1:1234'] = { tls: true, platforms: QEMU_AMD64 };
          s.workers['tcp://127.0.0.1:1237'] = { tls: true, preset: 'buildkit-v0.32.2', platforms: QEMU_V032 };
        });
      });
      afterAll(() => fake.cleanup());

      for (const step of qemuScenario(ws.certs, version)) {
        it(step.name, async () => {
          const got = await run(step);
          if (step.name === 'qemu-ls-no-trunc' && version !== '0.29.1') expect(got.exitCode).toBe(125);
          expectLikeCapture(version, step, got, ws.certs);
        });
      }

      it('routes unpinned arm64 to the first node that lists it, native-amd64 (checked on the daemons, INDEX.md)', () => {
        expect(fake.state().builds.at(-1)?.routing).toEqual({
          'linux/amd64': 'native-amd64',
          'linux/arm64': 'native-amd64',
        });
      });
    });

    describe('third set: the default builder of a running Docker Engine', () => {
      beforeAll(async () => {
        fake = await withFakeDocker({ version, mode: MODE, daemon: true });
      });
      afterAll(() => fake.cleanup());

      for (const step of engineScenario(version)) {
        it(step.name, async () => expectLikeCapture(version, step, await run(step), ws.certs));
      }
    });
  });
}

// test/fixtures/bake: the `bake --print` cases of the JSON bake file (the fake reads no HCL or compose), run in
// the fixture's input folder as capture.sh ran them, compared byte for byte.
const BAKE = join(CAPTURES, '..', 'bake');
const JOB_OUTPUT =
  'type=image,name=localhost:5000/bake/app,push-by-digest=true,name-canonical=true,push=true';
const JOB_CACHE = 'type=registry,ref=localhost:5000/cache:app-linux-arm64';
const BAKE_PRINT_CASES: [string, string[]][] = [
  ['print-json', []],
  ['print-set-platform', ['--set', 'app.platform=linux/arm64', 'app']],
  [
    'print-job-set',
    [
      ...['--set', 'app.platform=linux/arm64', '--set', `app.output=${JOB_OUTPUT}`],
      ...['--set', `app.cache-from=${JOB_CACHE}`, '--set', `app.cache-to=${JOB_CACHE},mode=max`, 'app'],
    ],
  ],
  ['print-set-wildcard', ['--set', '*.platform=linux/amd64', 'worker', 'api']],
];

for (const version of ['0.13.1', '0.29.1'] as const) {
  describeUnless(CHECKED, `fake buildx ${version} replays the bake --print captures`, () => {
    let fake: FakeDocker;
    beforeAll(async () => {
      fake = await withFakeDocker({ version, mode: MODE });
    });
    afterAll(() => fake.cleanup());

    it.each(BAKE_PRINT_CASES)('%s', async (name, args) => {
      const got = await runDocker(
        ['buildx', 'bake', '--print', '-f', 'docker-bake.json', ...args],
        fake.env,
        join(BAKE, 'input'),
      );
      const want = (ext: string) => readFileSync(join(BAKE, `v${version}`, `${name}.${ext}`), 'utf8');
      expect({ exit: `exit=${got.exitCode}\n`, stdout: got.stdout, stderr: got.stderr }).toEqual({
        exit: want('exit'),
        stdout: want('stdout'),
        stderr: want('stderr'),
      });
    });
  });
}

const KUBECONFIG_CAPTURED = '%2Fhome%2Fdev%2F.kube%2Fconfig';
const POD_LABELS = {
  'org.mobyproject.buildkit.worker.executor': 'oci',
  'org.mobyproject.buildkit.worker.hostname': 'pod',
  'org.mobyproject.buildkit.worker.network': 'host',
  'org.mobyproject.buildkit.worker.oci.process-mode': 'sandbox',
  'org.mobyproject.buildkit.worker.selinux.enabled': 'false',
  'org.mobyproject.buildkit.worker.snapshotter': 'overlayfs',
};
/** Kubernetes steps not compared on a version, and why. */
const KUBE_NOT_COMPARED: Record<string, string> = {
  '0.29.1 inspect-bootstrap':
    "buildx 0.29.1 lists only the two pinned platforms of a node pinned to two (the fake lists the worker's too); the rule behind it is not known yet",
  '0.29.1 inspect':
    'same as inspect-bootstrap: only the pinned platforms are listed for a node pinned to two',
};
// Worker hostnames are pod names (random suffixes); the cluster's BuildKit v0.32.2 with QEMU.
const maskPods = (t: string) => t.replace(/(worker\.hostname:\s+)\S+/g, '$1<POD>');

for (const version of ['0.13.1', '0.29.1'] as const) {
  describeUnless(CHECKED, `fake buildx ${version} replays the kubernetes captures`, () => {
    let fake: FakeDocker;
    let encoded = '';
    beforeAll(async () => {
      fake = await withFakeDocker({ version, mode: MODE, downDelayMs: 50 });
      const kubeconfig = join(fake.dir, 'kubeconfig');
      writeFileSync(kubeconfig, 'apiVersion: v1\n');
      fake.env.KUBECONFIG = kubeconfig;
      encoded = encodeURIComponent(kubeconfig);
      fake.setState((s) => {
        for (const n of ['k8s0', 'k8r0', 'k8n0', 'k8m-amd64', 'k8m-arm64']) {
          const ep = `kubernetes:///${n.replace(/0$|-amd64$|-arm64$/, '')}?deployment=${n}&kubeconfig=${encoded}`;
          s.workers[ep] = { preset: 'buildkit-v0.32.2', platforms: QEMU_V032, labels: POD_LABELS };
        }
      });
    });
    afterAll(() => fake.cleanup());

    for (const step of kubeScenario()) {
      itUnless(KUBE_NOT_COMPARED[`${version} ${step.name}`])(step.name, async () => {
        const got = await runDocker(step.args, fake.env, fake.dir, 60_000);
        const want = kubeCapture(version, step.name);
        const norm = (t: string) => maskPods(mask(t.replaceAll(encoded, KUBECONFIG_CAPTURED)));
        expect({ exit: got.exitCode, stdout: norm(got.stdout) }).toEqual({
          exit: want.exitCode,
          stdout: norm(want.stdout),
        });
        if (step.stderr === 'progress')
          expect(canonProgress(norm(got.stderr))).toBe(canonProgress(norm(want.stderr)));
        else expect(norm(got.stderr)).toBe(norm(want.stderr));
      });
    }
  });
}

// The buildkitd config captures (test/fixtures/captures-local/buildkitd-config/README.md): buildx stores the file
// re-encoded and prints it under `File#` from 0.18. Captured on a throwaway dockerd, whose socket is the endpoint.
const CONFIG_CAPTURES = join(CAPTURES, '..', 'captures-local', 'buildkitd-config');
const CAPTURED_ENGINE = 'unix:///tmp/mpb-dockerd-cap-eCpr/docker.sock';
const CAPTURED_INPUT = '/tmp/bxcap';
const CONFIG_STEPS = [
  [
    'create-mirror',
    'create --name mirror --driver docker-container --node mirror0 --buildkitd-config I/buildkitd.toml',
  ],
  ['inspect-mirror', 'inspect mirror'],
  [
    'update-mirror',
    'create --name mirror --driver docker-container --node mirror0 --buildkitd-config I/buildkitd-changed.toml',
  ],
  ['inspect-mirror-changed', 'inspect mirror'],
  [
    'create-registries',
    'create --name registries --driver docker-container --node registries0 --buildkitd-config I/mpb.toml',
  ],
  ['inspect-registries', 'inspect registries'],
  [
    'create-own-config',
    'create --name own --driver docker-container --node own0 --buildkitd-config I/own.toml',
  ],
  ['inspect-own-config', 'inspect own'],
] as const;

for (const version of ['0.13.1', '0.29.1'] as const) {
  describeUnless(CHECKED, `fake buildx ${version} replays the buildkitd config captures`, () => {
    let fake: FakeDocker;
    let input = '';
    beforeAll(async () => {
      fake = await withFakeDocker({ version, mode: MODE, daemon: true });
      // The inputs as captured, their CA path (in mpb.toml and own.toml) moved to this copy.
      input = mkdtempSync(join(tmpdir(), 'mpb-conformance-config-'));
      for (const f of ['buildkitd.toml', 'buildkitd-changed.toml', 'mpb.toml', 'own.toml', 'ca.pem']) {
        const text = readFileSync(join(CONFIG_CAPTURES, 'input', f), 'utf8');
        writeFileSync(join(input, f), text.replaceAll(CAPTURED_INPUT, input));
      }
    });
    afterAll(() => fake.cleanup());

    for (const [name, line] of CONFIG_STEPS) {
      it(name, async () => {
        const got = await runDocker(words(`buildx ${line.replace('I/', `${input}/`)}`), fake.env, fake.dir);
        const read = (ext: string) =>
          readFileSync(join(CONFIG_CAPTURES, `v${version}`, `${name}.${ext}`), 'utf8');
        const want = (ext: string) =>
          mask(read(ext).replaceAll(CAPTURED_ENGINE, 'unix:///var/run/docker.sock'));
        expect({
          exit: `exit=${got.exitCode}\n`,
          stdout: mask(got.stdout),
          stderr: mask(got.stderr),
        }).toEqual({
          exit: read('exit'),
          stdout: want('stdout'),
          stderr: want('stderr'),
        });
      });
    }
  });
}

describe('the replay covers every capture', () => {
  it('replays or excludes (with a reason) each case of each version', () => {
    const replayed = new Set(
      [...mainScenario('', '', ''), ...qemuScenario('', ''), ...engineScenario('')].map((s) => s.name),
    );
    for (const version of VERSIONS) {
      const dir = join(CAPTURES, `v${version}`);
      expect(existsSync(dir)).toBe(true);
      const cases = new Set(
        readFileSync(join(CAPTURES, 'INDEX.md'), 'utf8')
          .split('\n')
          .flatMap((l) => /^\| ([a-z0-9-]+(?: \/ [a-z0-9-]+)*) \|/.exec(l)?.[1]?.split(' / ') ?? [])
          .filter((c) => c !== 'case'),
      );
      for (const name of cases) {
        const excluded = Object.keys(EXCLUDED).some((k) =>
          k.endsWith('*') ? name.startsWith(k.slice(0, -1)) : k === name,
        );
        expect(replayed.has(name) || excluded, `${name} is neither replayed nor excluded`).toBe(true);
      }
    }
    expect(Object.values({ ...EXCLUDED, ...EXCLUDED_STDERR }).every((why) => why.length > 40)).toBe(true);
  });

  it('replays or excludes (with a reason) each kubernetes case', () => {
    const replayed = new Set(kubeScenario().map((s) => s.name));
    const excluded = Object.keys(KUBE_EXCLUDED).flatMap((k) => k.split(' / '));
    const cases = readFileSync(join(CAPTURES, 'kubernetes', 'INDEX.md'), 'utf8')
      .split('\n')
      .flatMap((l) => /^\| ([a-z0-9-]+) \|/.exec(l)?.[1] ?? [])
      .filter((c) => c !== 'name');
    expect(cases.length).toBeGreaterThan(20);
    for (const name of cases) {
      const out = excluded.some((k) => (k.endsWith('*') ? name.startsWith(k.slice(0, -1)) : k === name));
      expect(replayed.has(name) || out, `${name} is neither replayed nor excluded`).toBe(true);
    }
  });
});
