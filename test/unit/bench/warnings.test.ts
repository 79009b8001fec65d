import { describe, expect, test } from 'vitest';
import { summarizeLatency } from '../../../src/core/bench/stats';
import {
  UNSTABLE_WARNING_CODES,
  WARNING_CODES,
  assessRun,
  verdictOf,
  type RunAssessmentInput,
} from '../../../src/core/bench/warnings';
import type { LatencyStats } from '../../../src/shared/run-schema';

// 1000 samples alternating 9.99 / 10.01 ms: median 10, CV 0.1%, 95% CI 9.99..10.01 (±0.1%).
const steady = summarizeLatency(Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 9.99 : 10.01)));

/** A quiet run on a 4-core machine with a 50 ns timer; each test changes one thing. */
function input(overrides: Partial<RunAssessmentInput> = {}, latency: Partial<LatencyStats> = {}): RunAssessmentInput {
  return {
    latency: { ...steady, ...latency },
    firstInferenceMs: 12,
    timerResolutionNs: 50,
    cores: 4,
    environment: {
      cpuMHz: { start: 2600, end: 2600 },
      temperatureC: { start: 45, end: 46 },
      loadAverage: 0.3,
      busyProcesses: [],
    },
    ...overrides,
  };
}

const codes = (i: RunAssessmentInput) => assessRun(i).warnings.map((w) => w.code);

describe('run verdict and warnings', () => {
  test('a steady run on a quiet machine is stable with no warnings', () => {
    expect(steady.median).toBeCloseTo(10, 12);
    expect(assessRun(input())).toEqual({ verdict: 'stable', warnings: [] });
    // A target that tells nothing about its environment is judged on the numbers alone.
    expect(assessRun(input({ environment: undefined }))).toEqual({ verdict: 'stable', warnings: [] });
  });

  test('high-variance: CV above 10%', () => {
    const noisy = summarizeLatency(Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 8 : 12)));
    // stddev of ±2 around 10 with n − 1: 2 · √(1000 / 999) ≈ 2.001 → CV 20%
    const result = assessRun(input({ latency: noisy }));
    expect(result.warnings.map((w) => w.code)).toContain('high-variance');
    expect(result.verdict).toBe('unstable');
    expect(result.warnings.find((w) => w.code === 'high-variance')?.message).toMatch(
      /standard deviation is 20% of the mean \(more than 10%\)\. Close other programs.*--threads.*raise --runs or use --mode report/,
    );
    expect(codes(input({}, { cv: 0.1 }))).toEqual([]);
  });

  test('wide-ci: half-width of the median interval above 2% of the median', () => {
    // 9.7..10.3 → half-width 0.3 = 3% of 10
    const wide = assessRun(input({}, { medianCi95: { low: 9.7, high: 10.3 } }));
    expect(wide.warnings.map((w) => w.code)).toEqual(['wide-ci']);
    expect(wide.verdict).toBe('unstable');
    expect(wide.warnings[0]?.message).toMatch(/9\.70 ms to 10\.30 ms, ±3\.0% of the median.*Raise --runs or use --mode report/);
    // 9.85..10.15 → 1.5%
    expect(codes(input({}, { medianCi95: { low: 9.85, high: 10.15 } }))).toEqual([]);
  });

  test('slow-first-run: first inference over 5× the median is informational', () => {
    const slow = assessRun(input({ firstInferenceMs: 60 }));
    expect(slow.warnings.map((w) => w.code)).toEqual(['slow-first-run']);
    expect(slow.verdict).toBe('stable');
    expect(slow.warnings[0]?.message).toMatch(/60\.00 ms, 6\.0× the median.*once after every model load/);
    expect(codes(input({ firstInferenceMs: 49 }))).toEqual([]);
  });

  test('timer-resolution: median shorter than 1000 timer steps', () => {
    // median 10 ms = 10,000,000 ns; 1000 × 20,000 ns = 20,000,000 ns > median; error 20,000 / 10^7 = 0.2%
    const coarse = assessRun(input({ timerResolutionNs: 20_000 }));
    expect(coarse.warnings.map((w) => w.code)).toEqual(['timer-resolution']);
    expect(coarse.verdict).toBe('unstable');
    expect(coarse.warnings[0]?.message).toMatch(/\(10\.00 ms\) is shorter than 1000× the timer's resolution \(20000 ns\).*up to 0\.2% of a sample.*--shape/);
    // 1000 × 10,000 ns equals the median: not shorter
    expect(codes(input({ timerResolutionNs: 10_000 }))).toEqual([]);
  });

  test('few-samples: under 10 samples, naming the hidden percentiles', () => {
    const few = assessRun(input({ latency: summarizeLatency([10, 10, 10]) }));
    expect(few.warnings.map((w) => w.code)).toEqual(['few-samples']);
    expect(few.verdict).toBe('unstable');
    expect(few.warnings[0]?.message).toBe(
      'Only 3 runs were measured; fewer than 10 samples cannot be trusted, and p90 (needs 64), p95 (needs 128), ' +
        'p99 (needs 662) are shown as "too few samples". Raise --runs or --min-time.',
    );
    expect(codes(input({ latency: summarizeLatency([10]) }))).toEqual(['few-samples']);
    expect(codes(input({}, { count: 9 }))).toEqual(['few-samples']);
    expect(codes(input({}, { count: 10 }))).toEqual([]);
  });

  test('cpu-frequency-changed: more than 10% up or down', () => {
    // 2600 → 2300: −11.5%
    const slowed = assessRun(input({ environment: { cpuMHz: { start: 2600, end: 2300 } } }));
    expect(slowed.warnings.map((w) => w.code)).toEqual(['cpu-frequency-changed']);
    expect(slowed.verdict).toBe('unstable');
    expect(slowed.warnings[0]?.message).toMatch(/from 2600 MHz to 2300 MHz during the run \(−12%\).*governor.*performance.*cool down/);
    // 2000 → 2300: +15%
    expect(codes(input({ environment: { cpuMHz: { start: 2000, end: 2300 } } }))).toEqual(['cpu-frequency-changed']);
    // 2600 → 2400: −7.7%
    expect(codes(input({ environment: { cpuMHz: { start: 2600, end: 2400 } } }))).toEqual([]);
  });

  test('temperature-changed: a rise of more than 5 °C', () => {
    const warmed = assessRun(input({ environment: { temperatureC: { start: 45, end: 51 } } }));
    expect(warmed.warnings.map((w) => w.code)).toEqual(['temperature-changed']);
    expect(warmed.verdict).toBe('unstable');
    expect(warmed.warnings[0]?.message).toMatch(/from 45\.0 °C to 51\.0 °C during the run \(\+6\.0 °C\).*Let the board cool down/);
    expect(codes(input({ environment: { temperatureC: { start: 45, end: 50 } } }))).toEqual([]);
    // cooling down is no reason for doubt
    expect(codes(input({ environment: { temperatureC: { start: 60, end: 40 } } }))).toEqual([]);
  });

  test('busy-system: other processes seen using the CPU; the load average alone is not enough', () => {
    // Our own runner's warmup and a matrix's earlier cells raise the load average: no warning from it alone.
    expect(codes(input({ cores: 2, environment: { loadAverage: 8 } }))).toEqual([]);

    const busy = assessRun(input({ cores: 2, environment: { loadAverage: 1.5, busyProcesses: ['stress-ng (pid 42, 98% of a core)'] } }));
    expect(busy.warnings.map((w) => w.code)).toEqual(['busy-system']);
    expect(busy.verdict).toBe('unstable');
    expect(busy.warnings[0]?.message).toMatch(/stress-ng \(pid 42, 98% of a core\); the 1-minute load average was 1\.50 on 2 cores.*Close stress-ng and run again\./);
  });

  test('max-time-reached is informational', () => {
    const stopped = assessRun(input({ maxTimeReached: { plannedRuns: 5000 } }));
    expect(stopped.warnings.map((w) => w.code)).toEqual(['max-time-reached']);
    expect(stopped.verdict).toBe('stable');
    expect(stopped.warnings[0]?.message).toMatch(/after 1000 of the planned 5000 runs.*Raise --max-time or lower --runs/);
  });

  test('verdict: unstable exactly when an unstable code is present', () => {
    expect([...UNSTABLE_WARNING_CODES].sort()).toEqual(
      WARNING_CODES.filter((c) => c !== 'slow-first-run' && c !== 'max-time-reached').sort(),
    );
    expect(verdictOf([{ code: 'slow-first-run' }, { code: 'max-time-reached' }])).toBe('stable');
    for (const code of UNSTABLE_WARNING_CODES) expect(verdictOf([{ code: 'slow-first-run' }, { code }])).toBe('unstable');
    // several problems at once are all reported, in WARNING_CODES order
    const everything = assessRun(
      input({
        latency: summarizeLatency([5, 10, 15]),
        firstInferenceMs: 100,
        timerResolutionNs: 20_000,
        maxTimeReached: { plannedRuns: 100 },
        environment: { cpuMHz: { start: 3000, end: 2000 }, temperatureC: { start: 40, end: 70 }, busyProcesses: ['yes (pid 7, 100% of a core)'] },
        guessedInputs: { inputs: [{ input: 'x', dims: [{ index: 0, name: 'batch', value: 1 }], rankGuessed: false }], suggestedFlags: ['--shape x=1x4'] },
      }),
    );
    expect(everything.warnings.map((w) => w.code)).toEqual([...WARNING_CODES]);
    expect(everything.verdict).toBe('unstable');
  });

  test('every message is a full sentence', () => {
    const everything = assessRun(
      input({
        latency: summarizeLatency([5, 10, 15]),
        firstInferenceMs: 100,
        timerResolutionNs: 20_000,
        maxTimeReached: { plannedRuns: 100 },
        environment: { cpuMHz: { start: 3000, end: 2000 }, temperatureC: { start: 40, end: 70 }, busyProcesses: ['yes (pid 7, 100% of a core)'] },
      }),
    );
    for (const w of everything.warnings) expect(w.message).toMatch(/^[A-Z].*\.$/s);
  });
});
