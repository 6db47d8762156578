// ensure-builder as a workflow: lock → probe + read (at once) → plan → execute → bootstrap → verify.
// Takes its world as parameters (runner, version, probe, output) and returns a report; rendering is elsewhere.
import type { ContainerState } from '../buildx/container-args.js';
import { readLocalContainers } from '../buildx/containers.js';
import type { NodeAnswer } from '../buildx/inspect-from-record.js';
import type { RecordRead } from '../buildx/instances.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { type BootstrapError, parseBootstrapErrors } from '../buildx/parse/bootstrap-errors.js';
import { readBuilder, readCurrentBuilder } from '../buildx/read.js';
import type { Runner } from '../buildx/run-types.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { healthOutcome, verifyBuilder } from '../core/health.js';
import { planEnsure } from '../core/plan.js';
import type { EnsureReport, Plan } from '../core/plan-types.js';
import { DRIVERS } from '../drivers/registry.js';
import { BuildxFailedError, exitCodeOf, UsageError } from '../errors.js';
import type { NativeTruth, ProbeResult } from '../probe/types.js';
import { type LockSettings, withLock } from '../state/lock.js';
import type { Step } from '../ui/output.js';
import { withBootstrapErrors } from './bootstrap-verdicts.js';
import { executeActions } from './execute.js';
import { withProbes } from './probe-verdicts.js';
import { answerOf, convergedFromRecord, recordPathRefusal } from './record-path.js';

/** What each node that answered a probe said it runs natively (its worker list, its Docker host). */
export function observedNatives(preflight: readonly ProbeResult[]): Map<string, NativeTruth> {
  return new Map(preflight.flatMap((p) => (p.state === 'up' && p.native ? [[p.node, p.native]] : [])));
}

export interface EnsureRequest {
  spec: BuilderSpec;
  dryRun: boolean;
  prune: boolean;
  recreate: boolean;
  allowDegraded: boolean;
  bootstrapTimeoutMs: number;
}

export interface EnsureDeps {
  run: Runner;
  /** A promise, so the version call runs alongside the probes instead of before them. */
  version: Promise<BuildxVersion>;
  /**
   * Probes nodes of this builder in parallel, within the probe timeout; BuildKit's ListWorkers answer of each
   * TLS node that gave one goes to `onWorkersReply`.
   */
  probe: (
    spec: BuilderSpec,
    nodes: readonly NodeSpec[],
    onWorkersReply?: (node: string, reply: Buffer) => void,
  ) => Promise<ProbeResult[]>;
  /** buildx's record of a builder (buildx/instances.ts); absent: the builder is always read with `inspect`. */
  readRecord?: (name: string) => Promise<RecordRead>;
  /** A --verbose note (which way the builder was read); absent without --verbose. */
  note?: (text: string) => void;
  lock: LockSettings;
  /** A note that something waits on someone else (another mpb run's lock). */
  onProgress: (text: string) => void;
  /** Each wait — reading and probing, every buildx change, the bootstrap — shown as it runs. */
  step: Step;
}

// Declared with the plan (core/plan-types.ts), below ui/, which renders it; here too, beside what makes it.
export type { EnsureReport };

// Remote nodes answer `inspect` without a bootstrap when reachable; docker-container nodes show `inactive`
// until their container exists (captures ls-two-nodes-not-bootstrapped, dc-inspect-before-bootstrap). Nodes the
// preflight found dead are not waited for: buildx 0.13+ would give up after 20 s, and 0.10-0.12 never do, so
// there a single dead node rules the bootstrap out (capture inspect-dead-bootstrap, v0.10.5: killed at 60 s).
function needsBootstrap(
  actual: BuildxBuilder | undefined,
  dead: Set<string>,
  version: BuildxVersion,
): boolean {
  if (!actual || (dead.size > 0 && !version.caps.bootstrapTimesOut)) return false;
  return actual.nodes.some((n) => n.status !== 'running' && !dead.has(n.name));
}

// `create` fails for a cause the driver can name: the kubeconfig cannot be read (capture
// kubernetes/create-no-kubeconfig). The failure stays buildx's (exit 1); the hint says what it means.
function withDiagnosis(e: unknown, spec: BuilderSpec): unknown {
  if (!(e instanceof BuildxFailedError)) return e;
  const node = spec.nodes.find((n) => e.stderr.includes(`(${n.name})`)) ?? spec.nodes[0];
  const found = DRIVERS[spec.driver].diagnose(e.stderr, {
    node: node?.name ?? spec.name,
    driverOpts: node?.driverOpts ?? {},
  });
  if (!found) return e;
  return new BuildxFailedError(e.message, e.command, e.stderr, {
    hint: `${found.why} [${found.code}]; ${found.fix}`,
    cause: e,
  });
}

interface Observed {
  preflight: ProbeResult[];
  version: BuildxVersion;
  actual: BuildxBuilder | undefined;
  containers: Map<string, ContainerState>;
}

function planFor(req: EnsureRequest, seen: Observed): Plan {
  const plan = planEnsure(req.spec, seen.actual, {
    version: seen.version,
    prune: req.prune,
    recreate: req.recreate,
    localContainers: seen.containers,
  });
  if (plan.blocked) throw new UsageError(plan.blocked.reason, { hint: plan.blocked.hint });
  return plan;
}

// A builder with `use: true` needs to know whether it is current: one nameless `inspect` says so and, when it
// is ours, gives the whole builder too, so a converged run still makes two buildx calls.
async function readActual(run: Runner, version: Promise<BuildxVersion>, spec: BuilderSpec) {
  if (spec.use) {
    const current = await readCurrentBuilder(run);
    if (current?.name === spec.name) return current;
  }
  return readBuilder(run, version, spec.name);
}

// Probes, the version and the builder's state are read at once: a converged run costs the slowest of them.
// Local nodes' containers may not exist yet: they are judged by the health check after the plan ran.
function observe(spec: BuilderSpec, req: EnsureRequest, deps: EnsureDeps): Promise<Observed> {
  const { readRecord } = deps;
  const refusal = readRecord ? recordPathRefusal(spec) : 'reading it is off';
  return deps.step(
    `reading builder ${spec.name} and checking its endpoints`,
    () =>
      readRecord && refusal === undefined
        ? observeByRecord(spec, req, deps, readRecord)
        : observeByInspect(spec, deps, refusal ?? ''),
    { plainLine: false },
  );
}

// `inspect` does not wait for the version (readBuilder): on a first run the two buildx calls run side by side.
// A version mpb refuses is still the error a run ends with, whatever the reads found.
async function readByInspect(spec: BuilderSpec, deps: EnsureDeps) {
  const read = Promise.all([readActual(deps.run, deps.version, spec), readLocalContainers(deps.run, spec)]);
  read.catch(() => {}); // awaited below, once the version is known
  await deps.version;
  return read;
}

async function observeByInspect(spec: BuilderSpec, deps: EnsureDeps, why: string): Promise<Observed> {
  deps.note?.(`builder ${spec.name}: read with buildx inspect (buildx's record not used: ${why})`);
  const [preflight, version, [actual, containers]] = await Promise.all([
    deps.probe(
      spec,
      spec.nodes.filter((n) => !n.local),
    ),
    deps.version,
    readByInspect(spec, deps),
  ]);
  return { preflight, version, actual, containers };
}

// The record and the probes' answers first; `inspect` starts the moment either is found wanting (the record
// missing or not understood, a node down), so a run that needs it waits for it about as long as before.
async function observeByRecord(
  spec: BuilderSpec,
  req: EnsureRequest,
  deps: EnsureDeps,
  readRecord: (name: string) => Promise<RecordRead>,
): Promise<Observed> {
  let inspect: ReturnType<typeof readByInspect> | undefined;
  const byInspect = () => {
    if (!inspect) {
      inspect = readByInspect(spec, deps);
      inspect.catch(() => {}); // awaited below; a failure before that must not be an unhandled rejection
    }
    return inspect;
  };
  const answers = new Map<string, NodeAnswer>();
  const unanswered: string[] = [];
  const record = readRecord(spec.name).then((r) => {
    if (!r.ok) byInspect();
    return r;
  });
  const probes = spec.nodes.map((node) =>
    deps
      .probe(spec, [node], (name, reply) => answers.set(name, answerOf(node, reply)))
      .then((results) => {
        if (results.some((r) => r.state !== 'up')) {
          unanswered.push(node.name);
          byInspect();
        }
        return results;
      }),
  );
  const [preflight, version, read] = await Promise.all([
    Promise.all(probes).then((all) => all.flat()),
    deps.version,
    record,
  ]);
  const { prune, recreate } = req;
  const verdict = convergedFromRecord(spec, { record: read, answers, version, prune, recreate });
  // Every node answered when the verdict is ok: `inspect` was never started.
  if (verdict.ok) {
    deps.note?.(
      `builder ${spec.name}: converged by buildx's record and the nodes' own answers (no buildx inspect)`,
    );
    return { preflight, version, actual: verdict.actual, containers: new Map() };
  }
  const why = unanswered.length > 0 ? `${unanswered.join(', ')} did not answer` : verdict.why;
  deps.note?.(`builder ${spec.name}: read with buildx inspect (buildx's record not used: ${why})`);
  const [actual, containers] = await byInspect();
  return { preflight, version, actual, containers };
}

async function converge(req: EnsureRequest, deps: EnsureDeps) {
  const { run } = deps;
  const seen = await observe(req.spec, req, deps);
  const { version, preflight } = seen;
  const plan = planFor(req, seen);
  const executed = await executeActions(run, plan.actions, deps.step).catch((e: unknown) => {
    throw withDiagnosis(e, req.spec);
  });
  const dead = new Set(preflight.filter((p) => p.state === 'down').map((p) => p.node));
  let state = executed.length > 0 ? await readBuilder(run, version, req.spec.name) : seen.actual;
  let bootstrapErrors: BootstrapError[] = [];
  if (needsBootstrap(state, dead, version)) {
    // A failed bootstrap (a node that will not start) is a health verdict, not a crash: its error names the
    // cause (withBootstrapErrors), and what there is is read again.
    const booted = await deps
      .step(`bootstrapping ${req.spec.name}`, () =>
        readBuilder(run, version, req.spec.name, { bootstrap: true, timeoutMs: req.bootstrapTimeoutMs }),
      )
      .then(
        (builder) => ({ builder, failure: undefined }),
        (failure: unknown) => ({ builder: undefined, failure }),
      );
    if (booted.failure instanceof BuildxFailedError)
      bootstrapErrors = parseBootstrapErrors(booted.failure.stderr);
    // A bootstrap that succeeded may still print a stale `inactive` (docker/buildx#1935, kubernetes):
    // a node it shows not running is read once more before it is judged.
    const settled = booted.builder?.nodes.every((n) => n.status === 'running') ?? false;
    state = settled ? booted.builder : await readBuilder(run, version, req.spec.name);
  }
  return { plan, executed, state, preflight, bootstrapErrors };
}

/** A run's report, and the builder as buildx last showed it (after any change; as found in a dry run). */
export interface Ensured {
  report: EnsureReport;
  builder: BuildxBuilder | undefined;
}

/** Makes one declared builder match its spec, bootstraps it and verifies it. */
export async function ensureBuilder(req: EnsureRequest, deps: EnsureDeps): Promise<Ensured> {
  const { spec } = req;
  if (req.dryRun) {
    const seen = await observe(spec, req, deps);
    const plan = planFor(req, seen);
    const { preflight } = seen;
    // A dry run answers "what would change": 0 once there is a plan. The preflight's findings are shown with
    // it; health, and the exit code that tells it, belong to the real run.
    const report: EnsureReport = {
      builder: spec.name,
      dryRun: true,
      plan,
      preflight,
      executed: [],
      health: undefined,
      outcome: 'ok',
      exitCode: exitCodeOf('ok'),
    };
    return { report, builder: seen.actual };
  }
  const { plan, executed, state, preflight, bootstrapErrors } = await withLock(
    deps.lock.dir,
    spec.name,
    {
      ...deps.lock,
      onWait: (owner) =>
        deps.onProgress(
          `waiting for another mpb run${owner ? ` (pid ${owner.pid})` : ''} to finish with ${spec.name}`,
        ),
    },
    () => converge(req, deps),
  );
  const observed = observedNatives(preflight);
  const verified = state
    ? verifyBuilder(spec, state, observed)
    : verifyBuilder(
        spec,
        {
          name: spec.name,
          driver: spec.driver,
          current: false,
          error: 'the builder does not exist',
          lastActivity: undefined,
          nodes: [],
        },
        observed,
      );
  const health = withProbes(withBootstrapErrors(verified, spec, bootstrapErrors), preflight);
  const outcome = healthOutcome(health, { allowDegraded: req.allowDegraded });
  const exitCode = exitCodeOf(outcome);
  return {
    report: { builder: spec.name, dryRun: false, plan, preflight, executed, health, outcome, exitCode },
    builder: state,
  };
}
