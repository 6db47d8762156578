// Preloaded into a measured node process (`node --import`): at exit, writes the process's own peak
// resident set size in KiB (getrusage ru_maxrss, as /usr/bin/time -v reports it) to $MPB_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const target = process.env.MPB_BENCH_RSS_FILE;
// Not inherited by the processes it starts (the fake docker is node too): they have no --import.
delete process.env.MPB_BENCH_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
