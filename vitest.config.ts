import { defineConfig } from 'vitest/config';

// Three tiers, visible in file names: test/unit (pure), test/flows (fake buildx), test/e2e (real buildx).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
