// ensure-builder as a workflow: preflight probes → lock → read → plan → execute → bootstrap → verify.
// Takes its world as parameters (runner, version, probe, output) and returns a report; rendering is elsewhere.
import type { Runner } from '../buildx/exec.js';
import type { BuildxBuilder, BuildxVersion } from '../buildx/model.js';
import { readBuilder, readCurrentBuilder } from '../buildx/read.js';
import type { BuilderSpec, NodeSpec } from '../config/types.js';
import { exitCodeOf, type HealthReport, verifyBuilder } from '../core/health.js';
import { planEnsure } from '../core/plan.js';
import type { Plan, PlanAction } from '../core/plan-types.js';
import { UsageError } from '../errors.js';
import type { ProbeResult } from '../probe/types.js';
import { withLock } from '../state/lock.js';
import { readLocalContainers } from './containers.js';
import { type ExecutedAction, executeActions } from './execute.js';
import { withProbes } from './probe-verdicts.js';

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
  version: BuildxVersion;
  /** Probes nodes of this builder in parallel, within the probe timeout. */
  probe: (spec: BuilderSpec, nodes: readonly NodeSpec[]) => Promise<ProbeResult[]>;
  lockDir: string;
  onProgress: (text: string) => void;
}

export interface EnsureReport {
  builder: string;
  dryRun: boolean;
  plan: Plan;
  preflight: ProbeResult[];
  executed: ExecutedAction[];
  /** Absent in a dry run: nothing was bootstrapped, so only the preflight speaks of health. */
  health: HealthReport | undefined;
  exitCode: number;
}

const LOCK = { waitMs: 10 * 60_000, staleMs: 15 * 60_000 };

// Remote nodes answer `inspect` without a bootstrap when reachable; docker-container nodes show `inactive`
// until their container exists (captures ls-two-nodes-not-bootstrapped, dc-inspect-before-bootstrap).
function needsBootstrap(actual: BuildxBuilder | undefined, ran: boolean, dead: Set<string>): boolean {
  if (!actual) return false;
  const waiting = actual.nodes.filter((n) => n.status !== 'running' && !dead.has(n.name));
  return waiting.length > 0 || (ran && actual.nodes.some((n) => n.status !== 'running'));
}

function planFor(
  req: EnsureRequest,
  deps: EnsureDeps,
  actual: BuildxBuilder | undefined,
  containers: Awaited<ReturnType<typeof readLocalContainers>>,
): Plan {
  const plan = planEnsure(req.spec, actual, {
    version: deps.version,
    prune: req.prune,
    recreate: req.recreate,
    localContainers: containers,
  });
  if (plan.blocked) throw new UsageError(plan.blocked.reason, { hint: plan.blocked.hint });
  return plan;
}

// A builder with `use: true` needs to know whether it is current: one nameless `inspect` says so and, when it
// is ours, gives the whole builder too, so a converged run still makes two buildx calls.
async function readActual(run: Runner, version: BuildxVersion, spec: BuilderSpec) {
  if (spec.use) {
    const current = await readCurrentBuilder(run);
    if (current?.name === spec.name) return current;
  }
  return readBuilder(run, version, spec.name);
}

async function readState(run: Runner, version: BuildxVersion, spec: BuilderSpec) {
  return Promise.all([readActual(run, version, spec), readLocalContainers(run, spec)]);
}

async function converge(req: EnsureRequest, deps: EnsureDeps, preflight: ProbeResult[]) {
  const { run, version } = deps;
  const [actual, containers] = await readState(run, version, req.spec);
  const plan = planFor(req, deps, actual, containers);
  const executed = await executeActions(run, plan.actions, (a: PlanAction) => deps.onProgress(a.reason));
  const dead = new Set(preflight.filter((p) => p.state === 'down').map((p) => p.node));
  let state = executed.length > 0 ? await readBuilder(run, version, req.spec.name) : actual;
  if (needsBootstrap(state, executed.length > 0, dead)) {
    deps.onProgress(`bootstrapping ${req.spec.name}`);
    // A failed bootstrap (a node that will not start) is a health verdict, not a crash: read what there is.
    state = await readBuilder(run, version, req.spec.name, {
      bootstrap: true,
      timeoutMs: req.bootstrapTimeoutMs,
    }).catch(() => readBuilder(run, version, req.spec.name));
  }
  return { plan, executed, state };
}

/** Makes one declared builder match its spec, bootstraps it and verifies it. */
export async function ensureBuilder(req: EnsureRequest, deps: EnsureDeps): Promise<EnsureReport> {
  const { spec } = req;
  // Local nodes' containers may not exist yet: they are probed by the health check after the plan ran.
  const preflight = await deps.probe(
    spec,
    spec.nodes.filter((n) => !n.local),
  );
  if (req.dryRun) {
    const [actual, containers] = await readState(deps.run, deps.version, spec);
    const plan = planFor(req, deps, actual, containers);
    // A dry run answers "what would change": 0 once there is a plan. The preflight's findings are shown with
    // it; health, and the exit code that tells it, belong to the real run.
    return {
      builder: spec.name,
      dryRun: true,
      plan,
      preflight,
      executed: [],
      health: undefined,
      exitCode: 0,
    };
  }
  const { plan, executed, state } = await withLock(
    deps.lockDir,
    spec.name,
    {
      ...LOCK,
      onWait: (owner) =>
        deps.onProgress(
          `waiting for another mpb run${owner ? ` (pid ${owner.pid})` : ''} to finish with ${spec.name}`,
        ),
    },
    () => converge(req, deps, preflight),
  );
  const health = withProbes(
    state
      ? verifyBuilder(spec, state)
      : verifyBuilder(spec, {
          name: spec.name,
          driver: spec.driver,
          current: false,
          error: 'the builder does not exist',
          lastActivity: undefined,
          nodes: [],
        }),
    preflight,
  );
  const exitCode = exitCodeOf(health, { allowDegraded: req.allowDegraded });
  return { builder: spec.name, dryRun: false, plan, preflight, executed, health, exitCode };
}
