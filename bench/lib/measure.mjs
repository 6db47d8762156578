// Whole-process measurements: wall time from outside, peak RSS reported by the child itself at exit,
// and statistics that hold on a noisy shared machine (medians, and ratios taken pair by pair).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORT_RSS = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));

/**
 * Runs `file args` to its end. With `rss: true`, `file` must be node: the child is started with
 * `--import report-rss.mjs`, which writes its own peak RSS (getrusage ru_maxrss) when it exits.
 */
export function runOnce(file, args, { env = process.env, rss = false, timeoutMs = 120_000, cwd } = {}) {
  const dir = rss ? mkdtempSync(join(tmpdir(), 'mpb-bench-')) : undefined;
  const rssFile = dir && join(dir, 'rss');
  const argv = rss ? ['--import', REPORT_RSS, ...args] : args;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, {
      env: rss ? { ...env, MPB_BENCH_RSS_FILE: rssFile } : env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      cwd,
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      let maxRssKiB;
      if (rssFile) {
        try {
          maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
        } catch {
          maxRssKiB = Number.NaN;
        }
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({
        code,
        wallMs,
        maxRssKiB,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/**
 * Runs each command `runs` times in turn (A B C A B C …, after one warm-up round) and returns each one's
 * wall times and, against the first (the baseline), the ratio of each round's pair.
 */
export async function interleave(commands, runs, options = {}) {
  const walls = commands.map(() => []);
  for (let round = -1; round < runs; round++) {
    for (const [i, c] of commands.entries()) {
      const r = await runOnce(c.file, c.args, { ...options, env: c.env ?? options.env });
      if (r.code !== (c.expectCode ?? 0)) {
        throw new Error(
          `${c.label}: exit ${r.code}, expected ${c.expectCode ?? 0}\n${r.stderr.slice(-2000)}`,
        );
      }
      if (round >= 0) walls[i].push(r.wallMs);
    }
  }
  return commands.map((c, i) => ({
    label: c.label,
    wall: summarize(walls[i]),
    ratio: summarize(walls[i].map((w, k) => w / walls[0][k])),
  }));
}

/** Times `fn(input)` in this process: `iterations` calls after a few warm-up calls; per-call milliseconds. */
export function timeCalls(fn, input, iterations) {
  for (let i = 0; i < 3; i++) fn(input);
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn(input);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/**
 * A figure is only worth printing when the run did what it should: an exit code outside `allowed` stops
 * the section. A missing module of mpb's own means that command is not written yet: the section is skipped.
 */
export function expectExit(result, allowed, label, Skip) {
  if (allowed.includes(result.code)) return;
  const missing = /Cannot find module '([^']+)'/.exec(result.stderr);
  if (missing) throw new Skip(`${label}: ${missing[1].replace(/.*\/dist\//, 'dist/')} is not there yet`);
  throw new Error(
    `${label}: exit ${result.code}, expected ${allowed.join(' or ')}\n${result.stderr.slice(-1500)}`,
  );
}
