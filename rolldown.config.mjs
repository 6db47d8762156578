// The shipped dist/: one ESM bundle of src/ and its dependencies, code-split at every dynamic import so that
// `--help` loads only commander and each command only what it imports (BENCHMARKS.md: where the time goes —
// loading ~50 files and execa's ~15 packages one by one was most of a converged run's own CPU).
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: {
    cli: 'src/cli.ts',
    // test/integration/state/lock.test.ts holds a lock from other processes through the built module.
    'state/lock': 'src/state/lock.ts',
  },
  platform: 'node',
  // @peculiar/x509 needs reflect-metadata's global set up before it: both stay packages, loaded by `certs`.
  external: ['@peculiar/x509', 'reflect-metadata'],
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    cleanDir: true,
  },
});
