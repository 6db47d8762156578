#!/usr/bin/env node
// Starts the built CLI. `mpb --version`, run at the top of many CI jobs, answers without loading
// commander or dist/ at all (see BENCHMARKS.md: start-up).
import { readFileSync } from 'node:fs';
import module from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  // Node 22.1+ keeps compiled code on disk between runs (zod, yaml, execa are most of a command's start-up);
  // Node 20 has no such API, and a cache that cannot be written is skipped by Node itself.
  module.enableCompileCache?.();
  const { main } = await import('../dist/cli.js');
  await main(process.argv);
}
