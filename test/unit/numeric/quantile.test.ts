/**
 * The one quantile against numpy.percentile (its default, linear: Hyndman & Fan's definition 7),
 * through Debian's /usr/bin/python3 with python3-numpy, on sample sets with ties, one sample,
 * two samples and heavy tails.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/runner/input-data';
import { asSamples, median, medianOf, percentile, sortSamples } from '../../../src/shared/numeric/quantile';

const PYTHON = '/usr/bin/python3';
const PERCENTILES = [0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.9, 100];

function numpyPercentiles(sets: number[][]): number[][] {
  const script = 'import json, sys\nimport numpy as np\nsets, ps = json.load(sys.stdin)\nprint(json.dumps([np.percentile(np.array(s, dtype=np.float64), ps).tolist() for s in sets]))';
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify([sets, PERCENTILES]), encoding: 'utf8', maxBuffer: 64 << 20 })) as number[][];
}

describe('percentile', () => {
  it('agrees with numpy.percentile on every sample set and percentile', () => {
    const next = seededRandom(7);
    const sets: number[][] = [
      [3.5],
      [2, 1],
      [1, 1, 1, 2, 2, 9],
      Array.from({ length: 1000 }, () => 0.8 + next() * 0.1),
      Array.from({ length: 777 }, () => Math.round(next() * 20) / 10), // many ties
      Array.from({ length: 5000 }, () => 1 / (1 - next()) ** 2), // heavy tail
    ];
    const expected = numpyPercentiles(sets);
    sets.forEach((set, s) => {
      const sorted = sortSamples(asSamples(set));
      PERCENTILES.forEach((p, i) => {
        const want = expected[s]?.[i] as number;
        expect(Math.abs(percentile(sorted, p) - want), `set ${s}, p${p}`).toBeLessThanOrEqual(Math.abs(want) * 4 * Number.EPSILON);
      });
    });
  });

  it('is the median at 50, and medianOf leaves out values that are not finite', () => {
    expect(median(sortSamples(asSamples([4, 1, 3, 2])))).toBe(2.5);
    expect(medianOf([400, Number.POSITIVE_INFINITY, 200, 300])).toBe(300);
    expect(medianOf([])).toBeNaN();
  });

  it('takes only sorted samples, by type', () => {
    const samples = asSamples([3, 1, 2]);
    // @ts-expect-error unsorted samples cannot reach the quantile
    expect(percentile(samples, 50)).toBeTypeOf('number');
  });
});
