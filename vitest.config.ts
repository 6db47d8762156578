import { defineConfig } from 'vitest/config';

// Three tiers, visible in file names: test/unit (pure), test/flows (fake buildx), test/e2e (real buildx).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Flow and e2e tests mostly wait on child processes: more files at once than cores pays on 2-core CI.
    maxWorkers: 3,
  },
});
