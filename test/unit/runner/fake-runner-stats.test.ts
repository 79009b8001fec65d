/**
 * The measuring loop end to end on latencies the test gives (the fake runner, a test stand-in:
 * test/helpers/fake-runner.ts): what lands in the run file (statistics, warnings, verdict,
 * report-mode windows, how many runs --min-time and --max-time make) follows from the script
 * alone, with no real time spent measuring and no race with the machine's load. The machine's
 * state around the run is a quiet one the test gives, so no warning here comes from the host.
 *
 * Expected figures are worked out by hand in the comments, from the scripted latencies.
 */
import { describe, expect, test } from 'vitest';
import { type BenchProgress, type EnvironmentProbe, runLocalBenchmark } from '../../../src/core/bench/run-local-benchmark';
import type { BenchSettings, RunFile } from '../../../src/shared/run-schema';
import { runIn } from '../../helpers/bench-results';
import { fakeRunnerSpawner, type FakeRunnerScript } from '../../helpers/fake-runner';
import { DEMO_ONNX_PATH, jobFor } from './bench-helpers';

/** A machine with nothing else running and a steady clock and temperature. */
const QUIET_MACHINE: EnvironmentProbe = {
  sample: () => Promise.resolve({ cpuMHz: 2600, temperatureC: 45, loadAverage: 0.05 }),
  busyProcesses: () => Promise.resolve([]),
};

/**
 * Benchmarks the demo model's job (its batch dim given, as with --dim batch=1) on a fake runner
 * following `script`, which declares the demo model's input as the real runner would read it.
 * Returns the run file, the progress seen and the runner's session.
 */
async function benchmark(script: FakeRunnerScript, settings: Partial<BenchSettings>) {
  const spawner = fakeRunnerSpawner({ declaredShapes: { input: ['batch', 1, 28, 28] }, ...script });
  const progress: BenchProgress[] = [];
  const job = jobFor(DEMO_ONNX_PATH, null, { dims: { batch: 1 }, ...settings });
  const run = runIn(await runLocalBenchmark(job, { spawner, environment: QUIET_MACHINE, onProgress: (p) => progress.push(p) }), 'completed');
  const runner = spawner.runners[0];
  if (runner === undefined || spawner.runners.length !== 1) throw new Error(`expected one runner, got ${spawner.runners.length}`);
  return { run, progress, requests: runner.session.state.requests, runner };
}

const codes = (run: RunFile): string[] => run.warnings.map((w) => w.code);
const repeat = <T>(values: readonly T[], times: number): T[] => Array.from({ length: times }, () => values).flat();
/** 0.99, 1.00, 1.01 ms over and over: CV 0.82%, median 1 ms, nothing to warn about. */
const STEADY = [0.99, 1.0, 1.01];

describe('statistics and warnings of scripted latencies', () => {
  test('a steady run: every sample as scripted, in order, and a stable verdict with no warnings', async () => {
    const { run, progress, requests, runner } = await benchmark({ latencyMs: STEADY, firstInferenceMs: 3 }, { runs: 99, warmupRuns: 10 });
    expect(run.latencyMs.samples).toEqual(repeat(STEADY, 33));
    expect(run.latencyMs).toMatchObject({ count: 99, median: 1, min: 0.99, max: 1.01, medianCi95: { low: 1, high: 1 }, outliers: { madZ: 0, tukeyMild: 0, tukeySevere: 0 } });
    expect(run.latencyMs.mean).toBeCloseTo(1, 12);
    // stddev = sqrt(66 · 0.01² / 98) = 0.0082065 ms
    expect(run.latencyMs.stddev).toBeCloseTo(0.0082065, 6);
    expect(run.latencyMs.throughputPerSec).toBeCloseTo(1000, 9);
    expect(run).toMatchObject({ verdict: 'stable', warnings: [], initMs: 12.5, firstInferenceMs: 3, status: 'completed' });
    expect(run.runtime).toEqual({ name: 'onnxruntime', version: '0.0.0-fake', threads: 1, backend: 'fake' });
    expect(run.memory).toEqual({ peakRssBytes: 52 * 2 ** 20, modelLoadRssBytes: 8 * 2 ** 20, osPeakRssBytes: 52 * 2 ** 20 });
    expect(run.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 1, 28, 28], fill: 'random', declaredShape: ['batch', 1, 28, 28], guessedDims: [], rankGuessed: false }]);
    expect(run.environment).toEqual({ cpuMHz: { start: 2600, end: 2600 }, temperatureC: { start: 45, end: 45 }, loadAverage: 0.05, busyProcesses: [] });

    // What the runner was asked, in protocol order, and a polite goodbye.
    expect(requests.map((r) => r.type)).toEqual(['hello', 'load', 'warmup', 'measure', 'bye']);
    expect(requests[2]).toMatchObject({ runs: 10, minTimeMs: 0 });
    expect(requests[3]).toMatchObject({ runs: 99, minTimeMs: 0, maxTimeMs: 0, progressEvery: 1 });
    expect(runner.exit).toEqual({ code: 0, signal: null });
    // Progress goes at most every 50 ms of (fake) time: the first 50 runs add up to 49.99 ms, so after 51; then at the end.
    expect(progress.filter((p) => p.phase === 'measuring').map((p) => [p.completed, p.total])).toEqual([[0, 99], [51, 99], [99, 99]]);
  });

  test('four spikes among 96 steady runs: counted as outliers, and the CV says high-variance', async () => {
    // 25-run blocks of 24 steady runs and one 5 ms spike: sorted, 32 × 0.99, 32 × 1.00, 32 × 1.01, 4 × 5.
    const { run } = await benchmark({ latencyMs: [...repeat(STEADY, 8), 5] }, { runs: 100 });
    // MAD = 0.01 → 10 robust stddevs reach 0.148 ms: only the spikes. Quartiles 0.99 and 1.01 → fences 1.04 (1.5 IQR), 1.07 (3 IQR).
    expect(run.latencyMs.outliers).toEqual({ madZ: 4, tukeyMild: 4, tukeySevere: 4 });
    // Ranks 40..61 of 100 are all 1.00 ms, so the median is certain even though the spikes pull the mean.
    expect(run.latencyMs).toMatchObject({ median: 1, medianCi95: { low: 1, high: 1 }, max: 5 });
    // mean = (96 + 20) / 100 = 1.16; stddev = sqrt((32 · (0.17² + 0.16² + 0.15²) + 4 · 3.84²) / 99) = 0.78783; CV 67.9%
    expect(run.latencyMs.mean).toBeCloseTo(1.16, 12);
    expect(run.latencyMs.cv).toBeCloseTo(0.78783 / 1.16, 4);
    expect(codes(run)).toEqual(['high-variance']);
    expect(run.warnings[0]?.message).toMatch(/^Latency varied a lot between runs: the standard deviation is 68% of the mean \(more than 10%\)\./);
    expect(run.verdict).toBe('unstable');
  });

  test('latencies spread evenly over 0.85..1.15 ms: the CV is fine, but the median\'s interval is too wide', async () => {
    // The 100 values of an even grid, in a scrambled order (37 is coprime with 100).
    const grid = (k: number): number => 0.85 + (0.3 * k) / 99;
    const { run } = await benchmark({ latencyMs: Array.from({ length: 100 }, (_, i) => grid((37 * i) % 100)) }, { runs: 100 });
    // CI ranks 40 and 61 of 100: grid(39) = 0.9682 and grid(60) = 1.0318, ±3.2% of the median 1.0.
    expect(run.latencyMs.median).toBeCloseTo(1, 12);
    expect(run.latencyMs.medianCi95.low).toBeCloseTo(grid(39), 12);
    expect(run.latencyMs.medianCi95.high).toBeCloseTo(grid(60), 12);
    // stddev of the grid = (0.3 / 99) · sqrt(100 · 101 / 12) = 0.08791: CV 8.8%, under 10%.
    expect(run.latencyMs.cv).toBeCloseTo(0.08791, 4);
    expect(codes(run)).toEqual(['wide-ci']);
    expect(run.warnings[0]?.message).toContain('its 95% confidence interval is 0.9682 ms to 1.03 ms, ±3.2% of the median (more than ±2%)');
    expect(run.verdict).toBe('unstable');
  });

  test('a first inference 40× the median is told, and leaves the run stable', async () => {
    const { run } = await benchmark({ latencyMs: STEADY, firstInferenceMs: 40 }, { runs: 99 });
    expect(run.firstInferenceMs).toBe(40);
    expect(run.latencyMs.samples).not.toContain(40);
    expect(codes(run)).toEqual(['slow-first-run']);
    expect(run.warnings[0]?.message).toMatch(/^The first inference took 40\.00 ms, 40\.0× the median\./);
    expect(run.verdict).toBe('stable');
  });

  test('a 0.5 ms median on a clock of 1 µs steps: timer-resolution', async () => {
    const { run } = await benchmark({ latencyMs: [0.495, 0.5, 0.505], timerResolutionNs: 1000 }, { runs: 99 });
    expect(run.latencyMs.median).toBe(0.5);
    expect(codes(run)).toEqual(['timer-resolution']);
    expect(run.warnings[0]?.message).toMatch(/^The median latency \(0\.5000 ms\) is shorter than 1000× the timer's resolution \(1000 ns\), so each sample's timing error is up to 0\.2% of a sample\./);
    expect(run.verdict).toBe('unstable');
  });

  test('5 runs: few-samples names the percentiles it hides, and the interval is the whole range', async () => {
    const { run } = await benchmark({ latencyMs: [1.2, 1.0, 1.1, 1.0, 1.3] }, { runs: 5 });
    expect(run.latencyMs).toMatchObject({ count: 5, median: 1.1, medianCi95: { low: 1.0, high: 1.3 } });
    expect(codes(run)).toContain('few-samples');
    expect(run.warnings.find((w) => w.code === 'few-samples')?.message).toBe(
      'Only 5 runs were measured; fewer than 10 samples cannot be trusted, and p90 (needs 64), p95 (needs 128), p99 (needs 662) are shown as "too few samples". Raise --runs or --min-time.',
    );
    expect(run.verdict).toBe('unstable');
  });
});

describe('how long it measures, on the fake clock', () => {
  test('--min-time 50 with 10 ms runs: 5 runs where --runs asked 3', async () => {
    const { run, requests } = await benchmark({ latencyMs: [10] }, { runs: 3, minTimeMs: 50 });
    expect(requests.find((r) => r.type === 'measure')).toMatchObject({ runs: 3, minTimeMs: 50 });
    expect(run.latencyMs.samples).toEqual([10, 10, 10, 10, 10]);
  });

  test('--max-time 100 with 1 ms runs and 0.25 ms between them: stops after 80 of 1000 runs and says so', async () => {
    const { run, requests } = await benchmark({ latencyMs: [1], betweenRunsMs: 0.25 }, { runs: 1000, maxTimeMs: 100 });
    expect(requests.find((r) => r.type === 'measure')).toMatchObject({ runs: 1000, maxTimeMs: 100 });
    // 80 × 1.25 ms of wall time = 100 ms; the samples hold only the timed 1 ms.
    expect(run.latencyMs.count).toBe(80);
    expect(run.latencyMs.samples.every((ms) => ms === 1)).toBe(true);
    expect(codes(run)).toEqual(['max-time-reached']);
    expect(run.warnings[0]?.message).toMatch(/^Measuring stopped at --max-time after 80 of the planned 1000 runs;/);
    expect(run.verdict).toBe('stable');
  });

  test('--warmup-time: warmup goes on past its 2 runs until 500 ms of 100 ms runs are spent', async () => {
    const { run, progress } = await benchmark({ latencyMs: [1], warmupLatencyMs: 100 }, { warmupRuns: 2, warmupMinTimeMs: 500 });
    const warmup = progress.filter((p) => p.phase === 'warmup');
    expect(warmup.at(-1)).toMatchObject({ completed: 5, total: 5 });
    expect(run.settings).toMatchObject({ warmupRuns: 2, warmupMinTimeMs: 500 });
  });
});

describe('report mode: 5 windows of at least 10 s of fake time', () => {
  test('each window measured until its 10 s, the reported latency the median of the window medians', async () => {
    // Steady windows at 2.0, 2.2, 50 (disturbed), 1.8 and 2.1 ms: runs = ceil(10 000 / latency).
    const windowLatencyMs = [[2.0], [2.2], [50], [1.8], [2.1]];
    const { run, requests } = await benchmark({ latencyMs: [1], windowLatencyMs }, { mode: 'report', runs: 10 });
    expect(requests.filter((r) => r.type === 'measure')).toEqual(Array.from({ length: 5 }, () => expect.objectContaining({ runs: 10, minTimeMs: 10_000, maxTimeMs: 0 })));
    const windows = run.report?.windows ?? [];
    expect(windows.map((w) => w.runs)).toEqual([5000, 4546, 200, 5556, 4762]);
    expect(windows.map((w) => w.medianMs)).toEqual([2.0, 2.2, 50, 1.8, 2.1]);
    for (const window of windows) expect(window.durationMs).toBeGreaterThanOrEqual(10_000);
    expect(windows[0]?.durationMs).toBe(10_000);
    // One disturbed window cannot move the reported figure: the median of 1.8, 2.0, 2.1, 2.2, 50 is 2.1.
    expect(run.report?.medianOfWindowsMs).toBe(2.1);
    // The statistics cover every sample of every window, in the order measured.
    expect(run.latencyMs.count).toBe(5000 + 4546 + 200 + 5556 + 4762);
    expect(run.latencyMs.samples.slice(4999, 5001)).toEqual([2.0, 2.2]);
    expect(run.latencyMs.median).toBe(2.0);
    expect(codes(run)).not.toContain('report-window-short');
  });

  test('a model too fast to fill 10 s within the cap on stored runs: each window stops at 100 000 runs, and a warning says so', async () => {
    // 0.08 ms runs: 10 s would take 125 000 runs; the cap stops each window at 100 000, 8 s.
    const { run } = await benchmark({ latencyMs: [0.08] }, { mode: 'report', runs: 10 });
    const windows = run.report?.windows ?? [];
    expect(windows.map((w) => w.runs)).toEqual([100_000, 100_000, 100_000, 100_000, 100_000]);
    for (const window of windows) expect(window.durationMs).toBeCloseTo(8000, 6);
    expect(run.warnings.find((w) => w.code === 'report-window-short')?.message).toMatch(
      /^5 of 5 report windows stopped at the cap on measured runs before reaching 10 s \(the shortest measured 8\.00 s\)/,
    );
  });
});
