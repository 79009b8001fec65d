import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests, and end-to-end tests that drive a real
// Chromium against browser mode (they need `electron-vite build` to have run first).
// Before either, the CLI and the processes it starts are built into out/cli from the current
// sources (test/helpers/cli-build-setup.ts), and the tests run that build.
export default defineConfig({
  test: {
    globalSetup: ['test/helpers/cli-build-setup.ts'],
    // Under CI=true a skipped test fails the run (test/helpers/no-skip-reporter.ts).
    reporters: ['default', './test/helpers/no-skip-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/real-models/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
