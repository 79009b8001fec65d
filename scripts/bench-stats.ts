/**
 * Time to summarize 1,000,000 latency samples (every statistic of a run file: percentiles,
 * stddev, confidence interval of the median, outliers), median of 5 rounds, against the goal of
 * issue 3: under 1 s. Exits with code 1 when the goal is missed.
 *
 *   npm run bench:stats
 */
import { performance } from 'node:perf_hooks';
import { summarizeLatency } from '../src/core/bench/stats';
import { medianOf } from '../src/shared/numeric/quantile';

const SAMPLE_COUNT = 1_000_000;
const ROUNDS = 5;
const GOAL_MS = 1000;

/**
 * Latency-shaped samples: log-normal around 4 ms with a few 10× spikes, from a fixed seed so every
 * run of the script sorts the same data (mulberry32 PRNG; Box-Muller for the normal draws).
 */
function syntheticLatenciesMs(count: number, seed = 42): number[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Array.from({ length: count }, () => {
    const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const latencyMs = 4 * Math.exp(0.1 * normal);
    return uniform() < 0.001 ? latencyMs * 10 : latencyMs;
  });
}

function main(): void {
  const samples = syntheticLatenciesMs(SAMPLE_COUNT);
  const timesMs: number[] = [];
  let last: ReturnType<typeof summarizeLatency> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    last = summarizeLatency(samples);
    timesMs.push(performance.now() - started);
  }
  const medianMs = medianOf(timesMs);
  const met = medianMs < GOAL_MS;

  console.log(`Statistics for ${SAMPLE_COUNT.toLocaleString('en-US')} samples (median of ${ROUNDS} rounds)`);
  console.log(`  rounds:  ${timesMs.map((t) => `${t.toFixed(0)} ms`).join(', ')}`);
  console.log(`  median:  ${medianMs.toFixed(0)} ms   goal: < ${GOAL_MS} ms   ${met ? 'met' : 'MISSED'}`);
  if (last !== undefined) {
    console.log(
      `  result:  median ${last.median.toFixed(3)} ms, p99 ${last.p99.toFixed(3)} ms, ` +
        `95% CI ${last.medianCi95.low.toFixed(4)}..${last.medianCi95.high.toFixed(4)} ms, ` +
        `outliers (MAD z / Tukey mild / severe) ${last.outliers.madZ} / ${last.outliers.tukeyMild} / ${last.outliers.tukeySevere}`,
    );
  }
  if (!met) process.exitCode = 1;
}

main();
