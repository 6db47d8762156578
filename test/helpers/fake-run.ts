// A Runner for unit tests: answers by argv prefix from a table of real captures, and fails loudly on anything else.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../src/buildx/quote.js';
import { classify } from '../../src/buildx/run-result.js';
import type { Runner, RunResult } from '../../src/buildx/run-types.js';
import type { CapturedVersion } from './versions.js';

export const CAPTURES = fileURLToPath(new URL('../fixtures/captures/', import.meta.url));

/** One captured case, e.g. capture('0.13.1', 'ls-json'): its stdout, stderr and exit code, byte for byte. */
export function capture(version: CapturedVersion, name: string) {
  const read = (ext: string) => readFileSync(`${CAPTURES}v${version}/${name}.${ext}`, 'utf8');
  const exitCode = Number(/exit=(\d+)/.exec(read('exit'))?.[1] ?? Number.NaN);
  return { stdout: read('stdout'), stderr: read('stderr'), exitCode };
}

export interface FakeAnswer {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  timedOut?: boolean;
}

export type FakeRow = [prefix: string[], answer: FakeAnswer | ((args: string[]) => FakeAnswer)];

export interface FakeRunner extends Runner {
  calls: string[][];
}

/** Builds a Runner from `[argvPrefix, answer]` rows (file + args, e.g. ['docker','buildx','ls']). First match wins. */
export function fakeRun(rows: FakeRow[]): FakeRunner {
  const calls: string[][] = [];
  const run = async (file: string, args: readonly string[]): Promise<RunResult> => {
    const argv = [file, ...args];
    calls.push(argv);
    const row = rows.find(([prefix]) => prefix.every((p, i) => argv[i] === p));
    if (!row) throw new Error(`fakeRun: no answer for ${shellQuote(argv)}`);
    const answer = typeof row[1] === 'function' ? row[1]([...args]) : row[1];
    const exitCode = answer.exitCode ?? 0;
    const stderr = answer.stderr ?? '';
    return {
      file,
      args: [...args],
      command: shellQuote(argv),
      exitCode,
      stdout: answer.stdout ?? '',
      stderr,
      outcome: classify(file, args, { exitCode, stderr, timedOut: answer.timedOut }),
      durationMs: 0,
    };
  };
  return Object.assign(run, { calls });
}

/** One case of the kubernetes captures (test/fixtures/captures/kubernetes/INDEX.md), byte for byte. */
export function kubeCapture(version: CapturedVersion, name: string) {
  const read = (ext: string) => readFileSync(`${CAPTURES}kubernetes/v${version}/${name}.${ext}`, 'utf8');
  const exitCode = Number(/exit=(\d+)/.exec(read('exit'))?.[1] ?? Number.NaN);
  return { stdout: read('stdout'), stderr: read('stderr'), exitCode };
}
