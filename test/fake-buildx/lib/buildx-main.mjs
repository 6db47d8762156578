// One `docker buildx ...` call of the fake: log it, apply the injected faults, dispatch, print errors as buildx does.
import { runBake } from './bake.mjs';
import { runBuild } from './build.mjs';
import { runInspect, runLs, runRm, runStop, runUse, runVersion } from './commands.mjs';
import { runCreate } from './create.mjs';
import { runHistory } from './history.mjs';
import { runImagetools } from './imagetools.mjs';
import {
  buildxVersion,
  CliError,
  FlagError,
  logCall,
  parseFailRules,
  ruleMatches,
  sleep,
  slowMs,
} from './runtime.mjs';
import { readState, updateState } from './state.mjs';

const COMMANDS = {
  version: runVersion,
  ls: runLs,
  inspect: runInspect,
  create: runCreate,
  rm: runRm,
  use: runUse,
  stop: runStop,
  build: runBuild,
  bake: runBake,
  imagetools: runImagetools,
  history: runHistory,
};

/** Output helpers that let a command flush stdout before it hangs on purpose. */
export function createContext(env) {
  const write = (stream) => (text) => {
    if (text) stream.write(text);
  };
  return {
    env,
    version: buildxVersion(env),
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    flush: () => new Promise((resolve) => process.stdout.write('', resolve)),
  };
}

/** The call's fault keys: its subcommand and `subcommand positional` (e.g. `imagetools inspect`). */
function splitCommand(argv) {
  let i = 0;
  const globals = [];
  while (i < argv.length && argv[i].startsWith('-')) {
    globals.push(argv[i]);
    if (argv[i] === '--builder') globals.push(argv[++i]);
    i++;
  }
  const sub = argv[i];
  const rest = [...globals, ...argv.slice(i + 1)];
  const next = argv.slice(i + 1).find((a) => !a.startsWith('-'));
  return { sub, rest, keys: [sub, `${sub} ${next}`, `buildx ${sub}`] };
}

/** An injected failure for this call (env rules, then state rules whose `times` count down), or undefined. */
export function takeFailure(keys, argv, env) {
  const fromEnv = parseFailRules(env.MPB_FAKE_FAIL).find((r) => ruleMatches(r, keys, argv));
  if (fromEnv) return fromEnv;
  if (!(readState(env).fail ?? []).some((r) => ruleMatches(r, keys, argv))) return undefined;
  return updateState((state) => {
    const rule = state.fail.find((r) => ruleMatches(r, keys, argv));
    if (rule?.times !== undefined && --rule.times <= 0) state.fail.splice(state.fail.indexOf(rule), 1);
    return rule;
  }, env);
}

/** Common prologue for the fake buildx and the fake docker: log, wait, maybe fail. Returns an exit code or undefined. */
export async function prologue(ctx, argv, keys) {
  logCall(argv, ctx.env);
  const wait = Number(ctx.env.MPB_FAKE_LATENCY_MS || 0) + slowMs(keys, ctx.env);
  if (wait > 0) await sleep(wait);
  const failure = takeFailure(keys, argv, ctx.env);
  if (!failure) return undefined;
  ctx.stdout(failure.stdout ?? '');
  ctx.stderr(failure.stderr && !failure.stderr.endsWith('\n') ? `${failure.stderr}\n` : failure.stderr);
  return failure.exit ?? 1;
}

// A test checks that Ctrl-C reached the build: the marker is a line in the call log.
function markSignals(argv, env) {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.on(signal, () => {
      logCall(argv, env, { event: 'signal', signal });
      process.exit(code);
    });
  }
}

/** Runs `docker buildx <argv>`; returns the exit code. */
export async function runBuildx(argv, env) {
  const ctx = createContext(env);
  const full = ['docker', 'buildx', ...argv];
  const { sub, rest, keys } = splitCommand(argv);
  if (sub === 'build' || sub === 'bake') markSignals(full, env);
  try {
    const injected = await prologue(ctx, full, keys);
    if (injected !== undefined) return injected;
    const command = COMMANDS[sub];
    if (!command) throw new CliError(`unknown command "${sub ?? ''}" for "docker buildx"`);
    return await command(ctx, rest);
  } catch (e) {
    if (e instanceof FlagError) {
      ctx.stderr(`${e.message}\n`);
      return 125;
    }
    if (e instanceof CliError) {
      ctx.stderr(`ERROR: ${e.message}\n`);
      return e.code;
    }
    throw e;
  }
}
