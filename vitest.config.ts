import { defineConfig } from 'vitest/config';

// Three tiers, each runnable alone (`npm run test:unit|test:flows|test:e2e`, or `vitest run --project NAME`):
// unit (pure: no process, no socket), flows (the built CLI against the fake buildx, plus test/integration: real
// processes and sockets on 127.0.0.1), e2e (real buildx, registry, BuildKit and Docker).
export default defineConfig({
  test: {
    // Flow tests run several whole mpb processes each; on a loaded 2-core machine that can take a minute.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Flow and e2e tests mostly wait on child processes: more files at once than cores pays on 2-core CI (4 was
    // slower than 3 in CI: 544 s against 476 s for the Node 20 pass).
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/helpers/unit-guard.ts'],
          // Pure tests share no state between files, so one module cache per worker saves most of the import time.
          isolate: false,
        },
      },
      // Both run the built CLI: dist/ is built first when src/ is newer, once, before any file (build-once.ts).
      {
        extends: true,
        test: {
          name: 'flows',
          include: ['test/flows/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/build-once.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/helpers/build-once.ts'],
        },
      },
    ],
  },
});
