import { BenchSettings } from './run-schema';

/** Defaults shared by the UI form, the CLI flags and the engine. */
export const DEFAULT_BENCH_SETTINGS: BenchSettings = BenchSettings.parse({
  warmupRuns: 10,
  runs: 100,
  minTimeMs: 0,
  threads: 0, // 0 = let the runtime choose (onnxruntime: one per physical core)
});

/** MLPerf Tiny's report rule: at least 5 windows of at least 10 s each. */
export const REPORT_MODE = { windows: 5, minWindowMs: 10_000 } as const;
