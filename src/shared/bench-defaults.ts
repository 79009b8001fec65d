import type { BenchSettings } from './run-schema';

/** Defaults shared by the UI form, the CLI flags and the engine. */
export const DEFAULT_BENCH_SETTINGS: BenchSettings = {
  warmupRuns: 10,
  runs: 100,
  minTimeMs: 0,
  threads: 0, // 0 = let the runtime choose (onnxruntime: one per physical core)
  shapes: {},
  values: {},
};
