/**
 * The one energy arithmetic: counter deltas across a wrap-around, the trapezoid rule, energy per
 * inference with its idle baseline subtracted, the doubts it writes down, and repeats pooled.
 */
import { describe, expect, it } from 'vitest';
import { alignCounterReadings, counterDelta, counterEnergyJ, energyPerInference, pooledEnergy, trapezoidEnergyJ, type EnergyTrace } from '../../../src/core/power/energy-math';
import { RunEnergy, energyLines } from '../../../src/shared/energy';

/** A counter at `watts` read every `everyMs` for `ms`, starting at `start` µJ and wrapping at `range`. */
function counterTrace(watts: number, ms: number, everyMs: number, start = 0, range = 1e12, t0 = 0): Extract<EnergyTrace, { method: 'counter' }> {
  const readings = [];
  for (let t = 0; t <= ms; t += everyMs) readings.push({ tMs: t0 + t, values: [Math.round(start + watts * t * 1000) % range] });
  return { method: 'counter', readings, maxRange: [range], unitJ: 1e-6 };
}

const common = { source: 'rapl', method: 'counter' as const, rails: ['package-0'], window: 'measured' as const };

describe('counterDelta', () => {
  it('is after − before while the counter climbs, and goes round the range once when it wrapped', () => {
    expect(counterDelta(100, 250, 1000)).toBe(150);
    expect(counterDelta(900, 50, 1000)).toBe(150);
  });
});

describe('alignCounterReadings', () => {
  // Two PMICs at 1 W each (1000 µJ per ms); the second serves a snapshot that lags the first's by 0, 40, 10 and 0 ms.
  const lags = [0, 40, 10, 0];
  const readings = lags.map((lag, i) => ({ tMs: 100 * i, values: [100_000 * i, 1000 * (100 * i - lag)], valueTimesMs: [100 * i, 100 * i - lag] }));

  it("carries each value to the reading's time along the line to that value's reading on the other side", () => {
    expect(alignCounterReadings(readings).map((r) => r.values)).toEqual([0, 1, 2, 3].map((i) => [100_000 * i, 100_000 * i]));
    // As read, the lag that changes between readings moves energy between them: 2 W is not what the second stretch shows.
    const trace = (rs: typeof readings): Extract<EnergyTrace, { method: 'counter' }> => ({ method: 'counter', readings: rs.slice(1, 3), maxRange: [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], unitJ: 1e-6 });
    expect(counterEnergyJ(trace(readings)) / 0.1).toBeCloseTo(2.3, 9);
    expect(counterEnergyJ({ ...trace(readings), readings: alignCounterReadings(readings).slice(1, 3) }) / 0.1).toBeCloseTo(2, 9);
  });

  it('keeps a value with no reading on the other side, or whose counter went backwards, as read; readings without times are untouched', () => {
    const last = { tMs: 400, values: [400_000, 370_000], valueTimesMs: [400, 370] };
    expect(alignCounterReadings([...readings, last]).at(-1)?.values).toEqual([400_000, 370_000]);
    expect(alignCounterReadings([readings[0], { ...last, tMs: 100, values: [100_000, 9_000_000], valueTimesMs: [100, 60] }, readings[2]].filter((r) => r !== undefined)).at(1)?.values).toEqual([100_000, 9_000_000]);
    expect(alignCounterReadings([{ tMs: 5, values: [1, 2] }])).toEqual([{ tMs: 5, values: [1, 2] }]);
  });
});

describe('trapezoidEnergyJ', () => {
  it('integrates power over time (W × s), a ramp by its mean', () => {
    expect(trapezoidEnergyJ([{ tMs: 0, watts: 2 }, { tMs: 1000, watts: 4 }, { tMs: 2000, watts: 4 }])).toBeCloseTo(3 + 4, 12);
    expect(trapezoidEnergyJ([{ tMs: 0, watts: 5 }])).toBe(0);
  });
});

describe('energyPerInference', () => {
  it('subtracts the idle power over the load duration and divides by the inferences', () => {
    // 5 W idle, 15 W under load for 2 s, 1000 inferences: (30 J − 10 J) / 1000 = 20 mJ.
    const energy = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20), inferences: 1000 });
    expect(RunEnergy.parse(energy)).toEqual(energy);
    expect(energy.perInferenceJ).toBeCloseTo(0.02, 6);
    expect(energy.reliable).toBe(true);
    expect(energy.notes).toEqual([]);
    expect(energy.load.samples).toBe(101);
    expect(energy.intervalMs).toBeCloseTo(20, 9);
    expect(energy.idle.averagePowerW).toBeCloseTo(5, 6);
  });

  it('gives the same figure when the counter wraps around during the timed runs', () => {
    const straight = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20), inferences: 1000 });
    // 30 J of load starting 10 J below a 20 J range: the counter passes 0 part-way.
    const wrapped = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20, 10e6, 20e6), inferences: 1000 });
    expect(wrapped.load.energyJ).toBeCloseTo(straight.load.energyJ, 6);
    expect(wrapped.perInferenceJ).toBeCloseTo(0.02, 6);
  });

  it('gives no figure, and says why, when the idle baseline is at or above the load power', () => {
    const energy = energyPerInference({ ...common, idle: counterTrace(12, 1000, 20), load: counterTrace(10, 2000, 20), inferences: 1000 });
    expect(energy.perInferenceJ).toBeNull();
    expect(energy.reliable).toBe(false);
    expect(energy.notes.join(' ')).toMatch(/idle baseline \(12\.000 W\) is at or above the power during the timed runs \(10\.000 W\)/);
  });

  it('marks a window too short for the counter unreliable, keeping its figure', () => {
    const energy = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(15, 40, 20), inferences: 10 });
    expect(energy.perInferenceJ).not.toBeNull();
    expect(energy.reliable).toBe(false);
    expect(energy.notes.join(' ')).toMatch(/lasted 40\.0 ms, too short for an energy counter/);
  });

  it('says the counter did not advance when it stood still', () => {
    const energy = energyPerInference({ ...common, idle: counterTrace(0, 1000, 20, 777), load: counterTrace(0, 2000, 20, 777), inferences: 100 });
    expect(energy.perInferenceJ).toBeNull();
    expect(energy.reliable).toBe(false);
    expect(energy.notes.join(' ')).toMatch(/did not advance during the timed runs/);
  });

  it('integrates sampled power and wants enough samples', () => {
    const samples = (watts: number, n: number) => ({ method: 'sampled' as const, samples: Array.from({ length: n }, (_, i) => ({ tMs: i * 100, watts })) });
    const energy = energyPerInference({ ...common, method: 'sampled', rails: ['VDD_IN'], idle: samples(4, 11), load: samples(6, 21), inferences: 200 });
    // 6 W × 2 s − 4 W × 2 s = 4 J over 200 inferences.
    expect(energy.perInferenceJ).toBeCloseTo(0.02, 9);
    expect(energy.reliable).toBe(true);
    const few = energyPerInference({ ...common, method: 'sampled', rails: ['VDD_IN'], idle: samples(4, 11), load: samples(6, 3), inferences: 200 });
    expect(few.reliable).toBe(false);
    expect(few.notes[0]).toMatch(/Only 3 meter readings/);
  });

  it('labels a window that covered the whole cell', () => {
    const energy = energyPerInference({ ...common, window: 'cell', idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20), inferences: 1000 });
    expect(energy.reliable).toBe(false);
    expect(energyLines(energy).join('\n')).toMatch(/over the whole cell, warmup included/);
  });
});

describe('pooledEnergy', () => {
  it("adds the repeats' net energies and inferences, not their per-inference means", () => {
    const a = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20), inferences: 1000 });
    const b = energyPerInference({ ...common, idle: counterTrace(5, 1000, 20), load: counterTrace(25, 1000, 20), inferences: 3000 });
    const pooled = pooledEnergy([a, b]);
    // (20 J + 20 J) / 4000 = 10 mJ (the mean of 20 mJ and 6.7 mJ would be 13.3 mJ).
    expect(pooled?.perInferenceJ).toBeCloseTo(0.01, 6);
    expect(pooled?.inferences).toBe(4000);
    expect(pooled?.reliable).toBe(true);
    expect(pooledEnergy([undefined])).toBeUndefined();
    const missing = pooledEnergy([a, undefined]);
    expect(missing?.reliable).toBe(false);
    expect(missing?.notes.at(-1)).toMatch(/1 of 2 repeats have no energy reading/);
  });
});

describe('energyLines', () => {
  it('prints the figure with its method, rails, interval and readings, and the baseline behind it', () => {
    const energy = energyPerInference({ ...common, rails: ['package-0', 'dram (package-0)'], idle: counterTrace(5, 1000, 20), load: counterTrace(15, 2000, 20), inferences: 1000 });
    const text = energyLines(energy).join('\n');
    expect(text).toContain('energy per inference 20.0 mJ   RAPL energy counter (package-0, dram (package-0)) read every 20 ms, 101 readings over the measured runs');
    expect(text).toContain('load 15.0 W over 2.00 s, idle baseline 5.00 W over 1.00 s subtracted, 1000 inferences');
  });
});
