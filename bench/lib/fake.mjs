// How the benchmark starts mpb, and the docker it talks to: the project's fake buildx (test/fake-buildx/,
// a docker CLI plugin) behind the real docker CLI (or the fake's own `docker` where there is none), with
// every docker call timed by a tiny shell wrapper.
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Skip } from './report.mjs';

const MPB = fileURLToPath(new URL('../../bin/mpb.js', import.meta.url));
const FAKE_PLUGIN = fileURLToPath(new URL('../../test/fake-buildx/docker-buildx', import.meta.url));
// Without a real docker CLI, the fake's own `docker` answers every docker command.
const FAKE_DOCKER = fileURLToPath(new URL('../../test/fake-buildx/docker', import.meta.url));

/** `node` argv for one mpb run. */
export const mpbArgs = (...args) => [MPB, ...args];

/** The environment of a plain shell: no CI or colour variables from wherever the bench was started. */
export function plainEnv() {
  const env = { ...process.env, NO_COLOR: '1' };
  for (const name of ['CI', 'GITHUB_ACTIONS', 'FORCE_COLOR', 'MPB_CONFIG', 'MPB_BUILDER']) delete env[name];
  return env;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

const readLines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/**
 * A private docker world: its own DOCKER_CONFIG with the fake buildx plugin, the fake's state file and
 * call log, and `docker` on PATH as a wrapper that logs each call's start and end (ns) around the real CLI.
 */
export function startFake({ version = '0.29.1', latencyMs = 0 } = {}) {
  if (!existsSync(FAKE_PLUGIN)) throw new Skip('test/fake-buildx/docker-buildx is not there yet');
  const docker = findOnPath('docker') ?? FAKE_DOCKER;
  const dir = mkdtempSync(join(tmpdir(), 'mpb-bench-fake-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'docker', 'cli-plugins'), { recursive: true });
  symlinkSync(FAKE_PLUGIN, join(dir, 'docker', 'cli-plugins', 'docker-buildx'));
  const calls = join(dir, 'calls');
  const wrapper = `#!/bin/sh
start=$(date +%s%N)
'${docker}' "$@"
code=$?
echo "$start $(date +%s%N) $code $*" >> '${calls}'
exit $code
`;
  writeFileSync(join(dir, 'bin', 'docker'), wrapper, { mode: 0o755 });
  const fakeLog = join(dir, 'fake-log');
  const env = {
    ...plainEnv(),
    PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH}`,
    DOCKER_CONFIG: join(dir, 'docker'),
    MPB_FAKE_STATE: join(dir, 'state.json'),
    MPB_FAKE_VERSION: version,
    MPB_FAKE_LOG: fakeLog,
    MPB_FAKE_LATENCY_MS: String(latencyMs),
    // Through docker, so the wrapper above sees and times every buildx call (mpb would run the plugin itself).
    MPB_BUILDX_DIRECT: '0',
  };
  return {
    dir,
    env,
    state: () => JSON.parse(readFileSync(env.MPB_FAKE_STATE, 'utf8')),
    setState: (state) => writeFileSync(env.MPB_FAKE_STATE, JSON.stringify(state)),
    /** Calls so far, as the fake logged them: `{argv, ts, pid}`. */
    buildxCalls: () => readLines(fakeLog).map((l) => JSON.parse(l)),
    /** Every docker call so far, timed from outside: `{startMs, endMs, code, args}`. */
    dockerCalls: () =>
      readLines(calls).map((l) => {
        const [start, end, code, ...args] = l.split(' ');
        return {
          startMs: Number(start) / 1e6,
          endMs: Number(end) / 1e6,
          code: Number(code),
          args: args.join(' '),
        };
      }),
  };
}

/** Milliseconds covered by at least one of the intervals (parallel calls count once). */
export function coveredMs(intervals) {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of sorted) {
    if (endMs <= end) continue;
    total += endMs - Math.max(startMs, end);
    end = endMs;
  }
  return total;
}
