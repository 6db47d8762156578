// doctor's checklist: one line per check, each ✓ or ✗ with what to do. Built here, rendered by the command.

import type { BuildxBuilder } from '../buildx/model.js';
import type { Runner } from '../buildx/run-types.js';
import type { BuilderSpec } from '../config/types.js';
import type { DiagnosisCode, FaultCode } from './codes.js';
import { checkEmulation } from './emulation.js';
import type { ProbeResult } from './types.js';

export interface Check {
  id: string;
  /** false fails doctor (exit 3); a warning is ok: something to fix or do, but nothing is broken. */
  ok: boolean;
  /** A warning (`!`): a key readable by others, a builder not created yet. Absent on other checks. */
  warning?: true;
  /** Stable, for scripts (codes.ts); `ok` when the check passed. */
  code: DiagnosisCode;
  title: string;
  detail: string;
  fix: string | null;
}

export const pass = (id: string, title: string, detail: string): Check => ({
  id,
  ok: true,
  code: 'ok',
  title,
  detail,
  fix: null,
});
export const fail = (id: string, code: FaultCode, title: string, detail: string, fix: string): Check => ({
  id,
  ok: false,
  code,
  title,
  detail,
  fix,
});

/** A warning: ok, so it does not fail doctor, but shown with what to do. */
export const warning = (id: string, code: FaultCode, title: string, detail: string, fix: string): Check => ({
  id,
  ok: true,
  warning: true,
  code,
  title,
  detail,
  fix,
});

/** `docker --version` (works without a daemon): is the CLI there, and which one. */
export async function checkDockerCli(run: Runner, timeoutMs: number): Promise<Check> {
  const r = await run('docker', ['--version'], { timeoutMs });
  if (r.outcome.kind === 'ok') return pass('docker', 'docker CLI', r.stdout.trim());
  if (r.outcome.kind === 'missing') {
    return fail(
      'docker',
      'docker.missing',
      'docker CLI',
      'docker was not found on PATH',
      'Install the Docker CLI (docker-ce-cli or docker.io) and make sure `docker` is on PATH.',
    );
  }
  return fail(
    'docker',
    'docker.cli-failed',
    'docker CLI',
    `docker --version ${r.outcome.kind}: ${r.stderr.trim()}`,
    'Reinstall the Docker CLI.',
  );
}

/** The checks of one node's probe: reachability, then each warning (a key readable by others) as its own line. */
export function probeChecks(result: ProbeResult): Check[] {
  const id = `node:${result.builder ?? '-'}/${result.node}`;
  const title = `${result.builder ? `${result.builder}/` : ''}${result.node} (${result.endpoint})`;
  switch (result.state) {
    case 'skipped':
      return [{ ...pass(id, title, `skipped: ${result.detail}`), code: result.code }];
    case 'up':
    case 'down': {
      const main =
        result.state === 'up'
          ? pass(id, title, result.checks.join('; '))
          : fail(id, result.code, title, result.detail, result.fix);
      return [
        main,
        ...result.warnings.map((w) => warning(`${id}:${w.reason}`, w.code, title, w.detail, w.fix)),
      ];
    }
  }
}

/** After `inspect --bootstrap`: every node that declares `emulate` really serves those platforms. */
export async function emulationChecks(
  builder: BuilderSpec,
  actual: BuildxBuilder | undefined,
  options: { run: Runner; timeoutMs: number },
): Promise<Check[]> {
  const nodes = builder.nodes.filter((n) => n.emulate.length > 0);
  if (!actual) {
    return [
      fail(
        `builder:${builder.name}`,
        'builder.bootstrap-failed',
        `builder ${builder.name}`,
        'buildx has no builder by this name',
        `Create it: mpb ensure-builder ${builder.name}`,
      ),
    ];
  }
  return Promise.all(
    nodes.map(async (node) => {
      const id = `emulate:${builder.name}/${node.name}`;
      const title = `${builder.name}/${node.name} emulates ${node.emulate.join(', ')}`;
      const found = actual.nodes.find((n) => n.name === node.name);
      const verdict = await checkEmulation(builder, node, found, options);
      return verdict.ok
        ? pass(id, title, verdict.detail)
        : fail(id, 'emulation.unserved', title, verdict.detail, verdict.fix);
    }),
  );
}
