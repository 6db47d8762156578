import { defineConfig } from 'vitest/config';

// Three tiers, visible in file names: test/unit (pure), test/flows (fake buildx), test/e2e (real buildx).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Flow tests run several whole mpb processes each; on a loaded 2-core machine that can take a minute.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Flow and e2e tests mostly wait on child processes: more files at once than cores pays on 2-core CI.
    maxWorkers: 3,
  },
});
