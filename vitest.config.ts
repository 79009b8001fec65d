import { defineConfig } from 'vitest/config';

// Three projects, run one after another (sequence.groupOrder):
//   unit         test/unit: in-process tests, two files at a time;
//   integration  test/integration and test/real-models: real processes (the CLI, sshd, adb, the
//                arm64 board, Python), two files at a time: most of their time is spent waiting
//                on another process, so a second worker fills the idle core on a 2-vCPU CI machine;
//   e2e          a real Chromium against browser mode, one file at a time (they need
//                `electron-vite build` to have run first).
// Vitest's default is one worker less than the CPU count: one worker on CI's two vCPUs, which
// left a core idle for most of the run. Tests must therefore pass with another file running beside
// them: no fixed ports, no assumptions about load or timing (timings belong in `npm run bench:*`).
// Before any project, the CLI and the processes it starts are built into out/cli from the current
// sources (test/helpers/cli-build-setup.ts), and the tests run that build.
const SIDE_BY_SIDE = 2;

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/cli-build-setup.ts'],
    // Under CI=true a skipped test fails the run (test/helpers/no-skip-reporter.ts).
    reporters: ['default', './test/helpers/no-skip-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: SIDE_BY_SIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/real-models/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: SIDE_BY_SIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
