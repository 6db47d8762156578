// The plan is versioned data: `--dry-run` prints it, `--json` emits it, the executor runs it, tests assert it.
// So is what ensure-builder reports of it; ui/ renders both, so they are declared here, below ui/ and reconcile/.
import type { ProbeResult } from '../probe/types.js';
import type { HealthReport } from './health.js';

export const PLAN_VERSION = 1;

interface ActionBase {
  /** The executor calls run(file, argv). */
  file: 'docker';
  /** Everything after `docker`. */
  argv: string[];
  /** Why this call is needed, in words a user can check against the config. */
  reason: string;
}

/** One docker call, tagged by what it does. */
export type PlanAction =
  | (ActionBase & { kind: 'create' | 'append' | 'update' | 'leave'; node: string })
  | (ActionBase & { kind: 'rm' | 'use' })
  | (ActionBase & {
      kind: 'container-create' | 'container-start' | 'container-rm' | 'volume-rm';
      node: string;
      container: string;
    });

export type PlanActionKind = PlanAction['kind'];

export interface Plan {
  version: typeof PLAN_VERSION;
  builder: string;
  /** In the order they must run. Empty when converged or blocked. */
  actions: PlanAction[];
  /** Nodes buildx has that the config does not declare, kept (no `--prune`). */
  extraNodes: string[];
  /** Set when the plan needs a flag the user did not give (exit 2). */
  blocked?: { reason: string; hint: string };
}

/** One action as it ran (reconcile/execute.ts). */
export interface ExecutedAction {
  kind: PlanAction['kind'];
  command: string;
  exitCode: number;
  durationMs: number;
}

/** What ensure-builder did to one builder (reconcile/ensure.ts makes it, ui/render-ensure.ts renders it). */
export interface EnsureReport {
  builder: string;
  dryRun: boolean;
  plan: Plan;
  preflight: ProbeResult[];
  executed: ExecutedAction[];
  /** Absent in a dry run: nothing was bootstrapped, so only the preflight speaks of health. */
  health: HealthReport | undefined;
  outcome: 'ok' | 'unhealthy';
  /** The outcome as mpb's exit number, kept for the --json document. */
  exitCode: number;
}
