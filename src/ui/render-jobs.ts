// The output of a split build's concurrent jobs. Plain (pipes, CI, --json): every buildx line whole, with its
// platforms in front, on stderr. On a TTY: one live status line per job (node, last step, elapsed).
import type { Context } from '../context.js';
import { isInteractive } from './output.js';
import { formatDuration } from './render-build.js';

export interface JobView {
  line(job: number, text: string): void;
  done(job: number, exitCode: number): void;
  stop(): void;
}

/** What the view shows of a job: its platforms, and the node it builds on. */
interface ShownJob {
  node: string | undefined;
  platforms: readonly string[];
  /** What names it in front of its lines, when not its platforms (a bake job: `TARGET os/arch`). */
  label?: string;
}

export const jobPrefixOf = (job: Pick<ShownJob, 'platforms' | 'label'>): string =>
  `[${job.label ?? job.platforms.join(',')}] `;

// buildx's plain progress names each step `#N [stage k/n] INSTRUCTION` (captures build-*).
const STEP = /^#\d+ \[[^\]]+\] .+/;

function plainView(deps: Pick<Context, 'env' | 'stderr' | 'json'>, jobs: readonly ShownJob[]): JobView {
  return {
    line: (i, text) => deps.stderr.write(`${jobPrefixOf(jobs[i]!)}${text}\n`),
    done: () => {},
    stop: () => {},
  };
}

function liveView(deps: Pick<Context, 'env' | 'stderr' | 'json'>, jobs: readonly ShownJob[]): JobView {
  const started = performance.now();
  const steps = jobs.map(() => 'starting');
  const ends: (string | undefined)[] = jobs.map(() => undefined);
  let drawn = 0;
  const width = () => (deps.stderr as { columns?: number }).columns ?? 100;
  const draw = () => {
    const elapsed = formatDuration(performance.now() - started);
    const lines = jobs.map((j, i) => {
      const text = `${jobPrefixOf(j)}${j.node ?? ''}  ${ends[i] ?? elapsed}  ${steps[i]}`;
      return text.length > width() - 1 ? `${text.slice(0, width() - 2)}…` : text;
    });
    // Back to the first status line, then each line rewritten in place.
    const up = drawn > 0 ? `\u001b[${drawn}F` : '';
    deps.stderr.write(`${up}${lines.map((l) => `\u001b[2K${l}\n`).join('')}`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 250);
  draw();
  return {
    line: (i, text) => {
      if (STEP.test(text)) steps[i] = text;
    },
    done: (i, exitCode) => {
      const time = formatDuration(performance.now() - started);
      ends[i] = exitCode === 0 ? `done in ${time}` : `failed (exit ${exitCode}) after ${time}`;
      draw();
    },
    stop: () => {
      clearInterval(timer);
      draw();
    },
  };
}

export function jobView(deps: Pick<Context, 'env' | 'stderr' | 'json'>, jobs: readonly ShownJob[]): JobView {
  return isInteractive(deps) ? liveView(deps, jobs) : plainView(deps, jobs);
}
