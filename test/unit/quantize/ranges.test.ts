import { describe, expect, it } from 'vitest';
import { activationParams, addToHistogram, computeRange, ENTROPY_BINS, PERCENTILE_BINS, type TensorStats } from '../../../src/core/quantize/ranges';
import { quantizeWeight } from '../../../src/core/quantize/weights';

/** 10,000 values of a seeded normal-ish distribution (sum of uniforms) plus a few far outliers. */
function heavyTailed(): Float32Array {
  let state = 7;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const values = Float32Array.from({ length: 10_000 }, () => next() + next() + next() + next() - 2);
  values[0] = 40;
  values[1] = -35;
  return values;
}

function statsOf(data: Float32Array, bins: number, ofAbs: boolean, skipZeros: boolean): TensorStats {
  const min = data.reduce((a, b) => Math.min(a, b), Infinity);
  const max = data.reduce((a, b) => Math.max(a, b), -Infinity);
  const lo = ofAbs ? 0 : min;
  const hi = ofAbs ? Math.max(-min, max) : max;
  const histogram = new Float64Array(bins);
  addToHistogram(histogram, lo, hi, data, ofAbs, skipZeros);
  return { min, max, values: data.length, lo, hi, histogram };
}

describe('calibration ranges', () => {
  const data = heavyTailed();

  it('minmax keeps the outliers; percentile and entropy clip them but keep the bulk', () => {
    const minmax = computeRange(statsOf(data, PERCENTILE_BINS, true, false), 'minmax', true, 99.9);
    expect(minmax).toEqual([-35, 40]);
    const percentile = computeRange(statsOf(data, PERCENTILE_BINS, true, false), 'percentile', true, 99.9);
    const entropy = computeRange(statsOf(data, ENTROPY_BINS, true, true), 'entropy', true, 0);
    for (const [lo, hi] of [percentile, entropy]) {
      expect(hi).toBeLessThan(20);
      expect(hi).toBeGreaterThan(1.5);
      expect(lo).toBe(-hi);
    }
  });

  it('asymmetric percentile cuts each tail separately', () => {
    const [lo, hi] = computeRange(statsOf(data, PERCENTILE_BINS, false, false), 'percentile', false, 99.9);
    expect(lo).toBeLessThan(-1);
    expect(lo).toBeGreaterThan(-20);
    expect(hi).toBeGreaterThan(1);
    expect(hi).toBeLessThan(20);
  });

  it('scales and zero points keep zero exact, as padding and ReLU need', () => {
    expect(activationParams([0.5, 2], false)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 0, signed: false });
    const p = activationParams([-1, 3], false);
    expect(p.zeroPoint).toBe(Math.round(1 / p.scale));
    expect(activationParams([-2, 1], true)).toEqual({ scale: Math.fround(2 / 127), zeroPoint: 0, signed: true });
    expect(activationParams([0, 0], false).scale).toBe(1);
  });
});

describe('weight quantization', () => {
  it('gives each output channel its own scale, using the int8 range -127..127', () => {
    const weights = new Float32Array([1, -0.5, 0.25, 100, -50, 25]);
    const perChannel = quantizeWeight(weights, [2, 3], 0);
    expect(Array.from(perChannel.values)).toEqual([127, -64, 32, 127, -64, 32]);
    expect(Array.from(perChannel.scales)).toEqual([Math.fround(1 / 127), Math.fround(100 / 127)]);
    const perTensor = quantizeWeight(weights, [2, 3], undefined);
    expect(Array.from(perTensor.values.subarray(0, 3))).toEqual([1, -1, 0]);
  });
});
