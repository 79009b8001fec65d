import { BenchSettings, type RunMode } from './run-schema';

/** Defaults shared by the UI form, the CLI flags and the engine. */
export const DEFAULT_BENCH_SETTINGS: BenchSettings = BenchSettings.parse({
  warmupRuns: 10,
  // As TFLite's benchmark_model (warmup_min_secs 0.5): JavaScript runtimes (TF.js, LiteRT.js)
  // run 20-50% slow until V8 has optimized them, which a fixed 10 runs does not cover.
  warmupMinTimeMs: 500,
  runs: 100,
  minTimeMs: 0,
  threads: 0, // 0 = let the runtime choose (onnxruntime: one per physical core)
});

/** MLPerf Tiny's report rule: at least 5 windows of at least 10 s each. */
export const REPORT_MODE = {
  windows: 5,
  minWindowMs: 10_000,
  /** --runs is each window's minimum in report mode; fewer make a window's median unreliable. */
  minRunsPerWindow: 10,
} as const;

/**
 * Report mode runs this many repeats unless told otherwise: one fresh process per window of the
 * rule, so the rule's windows also carry what changes between processes.
 */
export const REPORT_MODE_REPEATS = REPORT_MODE.windows;

/** The repeats a cell runs: the ones given, else REPORT_MODE_REPEATS in report mode, else one (the engine's rule; the studio's form shows it). */
export function repeatsFor(mode: RunMode, given: number | undefined): number {
  return given ?? (mode === 'report' ? REPORT_MODE_REPEATS : 1);
}
