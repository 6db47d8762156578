// Runs a plan's actions in order. The first failure stops the run: every action is one docker call that
// leaves buildx in a state the next `mpb ensure-builder` plans from, so nothing needs rolling back.

import { TIMEOUT_MS } from '../buildx/exec.js';
import { expectOk } from '../buildx/run-result.js';
import type { Runner } from '../buildx/run-types.js';
import type { ExecutedAction, PlanAction } from '../core/plan-types.js';
import type { Step } from '../ui/output.js';

export async function executeActions(
  run: Runner,
  actions: readonly PlanAction[],
  step?: Step,
): Promise<ExecutedAction[]> {
  const done: ExecutedAction[] = [];
  for (const action of actions) {
    const once = () => run(action.file, action.argv, { timeoutMs: TIMEOUT_MS.mutate });
    const r = await (step ? step(action.reason, once) : once());
    expectOk(r, `${action.reason}: ${r.command}`);
    done.push({ kind: action.kind, command: r.command, exitCode: r.exitCode, durationMs: r.durationMs });
  }
  return done;
}
