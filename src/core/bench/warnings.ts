/**
 * Warnings attached to a run: each has a stable code and a message that says what it means
 * and what to do about it.
 */
import type { LatencyStats, RunWarning } from '../../shared/run-schema';

export type WarningCode = 'few-samples' | 'high-variance' | 'slow-first-run';

export interface BenchWarning extends RunWarning {
  code: WarningCode;
}

/** Below this many samples p90/p99 are little more than the largest values seen. */
export const MIN_RELIABLE_SAMPLES = 10;
/** Coefficient of variation (stddev / mean) above which the machine was probably busy. */
export const HIGH_VARIANCE_CV = 0.1;
/** A first inference this many times the median is worth telling (lazy allocation, JIT, cold caches). */
export const SLOW_FIRST_RUN_FACTOR = 5;

export function benchWarnings(latency: LatencyStats, firstInferenceMs: number): BenchWarning[] {
  const warnings: BenchWarning[] = [];
  if (latency.count < MIN_RELIABLE_SAMPLES) {
    warnings.push({
      code: 'few-samples',
      message:
        `Only ${latency.count} run${latency.count === 1 ? ' was' : 's were'} measured; percentiles from fewer than ` +
        `${MIN_RELIABLE_SAMPLES} samples are unreliable. Raise --runs.`,
    });
  }
  const cv = latency.mean > 0 ? latency.stddev / latency.mean : 0;
  if (cv > HIGH_VARIANCE_CV) {
    warnings.push({
      code: 'high-variance',
      message:
        `Latency varied a lot between runs (standard deviation is ${formatPercent(cv)} of the mean): ` +
        'close other programs, pin threads with --threads, or raise --runs.',
    });
  }
  if (latency.median > 0 && firstInferenceMs > SLOW_FIRST_RUN_FACTOR * latency.median) {
    const factor = firstInferenceMs / latency.median;
    warnings.push({
      code: 'slow-first-run',
      message:
        `The first inference took ${firstInferenceMs.toFixed(2)} ms, ${factor.toFixed(1)}× the median. ` +
        'It is kept apart from the measured runs; expect it once after every model load.',
    });
  }
  return warnings;
}

function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
