// What every fake invocation shares: the buildx version it impersonates (MPB_FAKE_VERSION), the call log
// (MPB_FAKE_LOG), and the injected faults: fixed latency, slow subcommands, failing subcommands, down nodes.
import { appendFileSync } from 'node:fs';

/** Byte formats change with these versions (see docs/buildx.md and each capture). */
const VERSION_LINES = {
  '0.10.5': 'github.com/docker/buildx v0.10.5 86bdced',
  '0.13.1': 'github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3',
  '0.29.1': 'github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4',
};

// Docker API version in the ssh dial error (captures create-dc-ssh).
const API_VERSIONS = { 10: '1.24', 13: '1.45', 29: '1.51' };

export function buildxVersion(env = process.env) {
  const raw = env.MPB_FAKE_VERSION || '0.13.1';
  const [major, minor] = raw.split('.').map(Number);
  const at = (m) => minor >= m || major > 0;
  return {
    raw,
    line: VERSION_LINES[raw] ?? `github.com/docker/buildx v${raw} fake`,
    apiVersion: API_VERSIONS[minor] ?? '1.45',
    caps: {
      treeLs: at(13), // tree layout, `ls --format json`, `create --buildkitd-config`, `rm` of several names
      jsonEveryRow: at(13) && !at(21), // 0.13–0.20 print a builder's JSON once per table row
      truncPlatforms: at(18), // `(+N)` groups and `--no-trunc`
      currentInJson: at(24),
      appendMissingIsError: at(13),
      leavePrintsName: !at(13),
      labelsAndGc: at(11),
      gcSpaceFields: at(18), // Reserved/Max Used/Min Free Space instead of Keep Bytes
      platformsLineAlways: !at(12),
      bootErrorIfAny: at(22),
      bootHangs: !at(12), // 0.10/0.11 poll a dead remote node forever (capture inspect-dead-bootstrap: exit 124)
      buildingWithLine: at(13),
      defaultLoadOpt: at(14),
      // A missing kubeconfig: 0.29.1 says `stat PATH`, 0.13.1 client-go's "no configuration" (versions between
      // not captured).
      kubeconfigStat: at(29),
      bootTimeoutShown: at(15), // `waiting for 1 pods to be ready, timeout: 2 minutes` (the `timeout` option)
      filesInInspect: at(18),
      failedToBuildPrefix: at(20),
      history: at(23), // `history ls|inspect --format json`
      provenanceVertex: at(14), // `resolving provenance for metadata file` (capture build-push in 0.29.1)
      // bake --print: exporter entries as objects, the group sorted, a linked-only target as cacheonly
      // (test/fixtures/bake: 0.13.1 has none of it, 0.29.1 all; the release between that changed it is not captured).
      bakePrintObjects: at(18),
      bakeTargetErrors: at(20), // `ERROR: target NAME: failed to solve: …` (0.29.1; 0.13.1 without the target)
      ociLoad: at(11), // `--load` of several platforms into the containerd image store (build/build.go)
    },
  };
}

/** Thrown for buildx's `ERROR: <message>` + exit 1 (or another code). */
export class CliError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Thrown for cobra's flag errors: printed as is, exit 125 (captures ls-json in 0.10.5, ls-no-trunc). */
export class FlagError extends Error {}

export function logCall(argv, env = process.env, extra = {}) {
  if (!env.MPB_FAKE_LOG) return;
  appendFileSync(
    env.MPB_FAKE_LOG,
    `${JSON.stringify({ argv, ts: Date.now(), pid: process.pid, ...extra })}\n`,
  );
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the process alive (buildx 0.10 polling a dead node) until a signal ends it; 10 minutes at most. */
export const hang = () => new Promise(() => setTimeout(() => process.exit(124), 600_000));

/**
 * When whoever started the fake dies (the docker CLI killed on a timeout, or mpb itself), stop as on Ctrl-C
 * instead of lingering as an orphan that keeps the caller's pipes open (0.10's endless bootstrap, slow builds).
 */
export function exitWhenOrphaned() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGINT');
  }, 100).unref();
}

const list = (text) =>
  (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `MPB_FAKE_SLOW=build:2000,inspect:500` → ms for this subcommand (or 0). */
export function slowMs(keys, env = process.env) {
  for (const item of list(env.MPB_FAKE_SLOW)) {
    const [key, ms] = item.split(':');
    if (keys.includes(key)) return Number(ms) || 0;
  }
  return 0;
}

/**
 * The injected failure for this call, if any. Env `MPB_FAKE_FAIL='create:exit=1:stderr=ERROR: boom'` (one rule
 * per line; `stderr=` takes the rest of the line, `\n` in it means a newline) or state.fail rules
 * `{command, match?, exit, stderr?, stdout?, times?}` (`times` counts down in the state).
 */
export function parseFailRules(text) {
  return (text ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const rule = { command: line.split(':')[0], exit: 1, stderr: '' };
      const rest = line.slice(rule.command.length + 1);
      const stderrAt = rest.indexOf('stderr=');
      const head = stderrAt === -1 ? rest : rest.slice(0, stderrAt);
      for (const part of head.split(':').filter(Boolean)) {
        const [k, v] = part.split('=');
        if (k === 'exit') rule.exit = Number(v);
        if (k === 'match') rule.match = v;
      }
      if (stderrAt !== -1) rule.stderr = rest.slice(stderrAt + 7).replaceAll('\\n', '\n');
      return rule;
    });
}

/** Whether a rule applies to this call: its command is one of the call's keys and `match` is in the argv. */
export function ruleMatches(rule, keys, argv) {
  return keys.includes(rule.command) && (!rule.match || argv.join(' ').includes(rule.match));
}

/** Endpoints or node names that are down: MPB_FAKE_DOWN plus state.down. */
export function downList(state, env = process.env) {
  return [...list(env.MPB_FAKE_DOWN), ...(state.down ?? [])];
}

export function downDelayMs(env = process.env) {
  return env.MPB_FAKE_DOWN_DELAY_MS === undefined ? 200 : Number(env.MPB_FAKE_DOWN_DELAY_MS);
}
