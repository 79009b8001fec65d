/**
 * The between-run estimate against values worked out by hand (python3's math module, as in the
 * comments): the median of the repeat medians, the t interval on their logs, the disagreement
 * test on the within-run CIs, and Student's t beyond the table.
 */
import { describe, expect, it } from 'vitest';
import { betweenRunEstimate, studentT975, withinRunCisDisagree } from '../../../src/core/bench/between-run';
import { betweenRunCauses, betweenRunWarning, verdictOf } from '../../../src/core/bench/warnings';

const tight = (ms: number) => ({ medianMs: ms, medianCi95: { low: ms * 0.99, high: ms * 1.01 } });

describe('betweenRunEstimate', () => {
  it('three repeats of 1.0, 1.3 and 0.9 ms: median 1.0 ms, interval exp(m ± 4.303 · s · √(2/3)) = 0.5417 to 2.0496 ms', () => {
    // logs 0, 0.262364, -0.105361: mean m = 0.052335, s = 0.189366, half-width 4.303 · s · 0.816497 = 0.665316
    const estimate = betweenRunEstimate([tight(1.0), tight(1.3), tight(0.9)]);
    expect(estimate?.repeats).toBe(3);
    expect(estimate?.medianMs).toBe(1.0);
    expect(estimate?.rangeMs).toEqual({ min: 0.9, max: 1.3 });
    expect(estimate?.ci95?.low).toBeCloseTo(0.541733, 5);
    expect(estimate?.ci95?.high).toBeCloseTo(2.049613, 5);
    expect(estimate?.disagree).toBe(true);
    expect(estimate?.method).toContain('Student t interval (2 degrees of freedom) on the log of the 3 repeats');
  });

  it("the issue's six re-runs as five repeats: 0.0170 to 0.0589 ms around a median of 0.0254 ms", () => {
    // logs of 0.0242 0.0249 0.0254 0.0385 0.0539 ms; t(0.975, 4) = 2.776
    const estimate = betweenRunEstimate([0.0385, 0.0539, 0.0254, 0.0242, 0.0249].map(tight));
    expect(estimate?.medianMs).toBe(0.0254);
    expect(estimate?.ci95?.low).toBeCloseTo(0.0170159, 6);
    expect(estimate?.ci95?.high).toBeCloseTo(0.0588713, 6);
  });

  it('two repeats give a median and a range but no interval, and say why', () => {
    const estimate = betweenRunEstimate([tight(2), tight(4)]);
    expect(estimate?.medianMs).toBe(3);
    expect(estimate?.ci95).toBeNull();
    expect(estimate?.method).toBe('No between-run interval: 2 fresh runs are too few (it needs at least 3).');
  });

  it('one repeat has no between-run estimate at all', () => {
    expect(betweenRunEstimate([tight(1)])).toBeUndefined();
  });

  it('identical repeat medians give an interval of zero width at that median', () => {
    const estimate = betweenRunEstimate([tight(2), tight(2), tight(2), tight(2)]);
    expect(estimate?.ci95?.low).toBeCloseTo(2, 12);
    expect(estimate?.ci95?.high).toBeCloseTo(2, 12);
    expect(estimate?.disagree).toBe(false);
  });
});

describe('withinRunCisDisagree', () => {
  it('is true only when some two within-run CIs do not overlap', () => {
    expect(withinRunCisDisagree([{ medianMs: 1, medianCi95: { low: 0.9, high: 1.1 } }, { medianMs: 1.05, medianCi95: { low: 1.0, high: 1.2 } }])).toBe(false);
    expect(withinRunCisDisagree([{ medianMs: 1, medianCi95: { low: 0.9, high: 1.1 } }, { medianMs: 1.2, medianCi95: { low: 1.11, high: 1.3 } }])).toBe(true);
  });

  it('leaves out repeats without a CI (fewer than 6 samples)', () => {
    expect(withinRunCisDisagree([{ medianMs: 1, medianCi95: { low: 0.9, high: 1.1 } }, { medianMs: 5, medianCi95: null }])).toBe(false);
  });
});

describe('studentT975', () => {
  it('reads the table for df 1..30 and continues it by the Cornish-Fisher expansion', () => {
    expect(studentT975(1)).toBe(12.706);
    expect(studentT975(4)).toBe(2.776);
    expect(studentT975(30)).toBe(2.042);
    // Tabled values: t(0.975, 31) = 2.0395, t(0.975, 60) = 2.0003, t(0.975, 100) = 1.9840
    expect(studentT975(31)).toBeCloseTo(2.0395, 3);
    expect(studentT975(60)).toBeCloseTo(2.0003, 3);
    expect(studentT975(100)).toBeCloseTo(1.984, 3);
    expect(() => studentT975(0)).toThrow(RangeError);
  });
});

describe('betweenRunWarning', () => {
  it("names the range of the repeats' medians and the causes the repeats' environments show", () => {
    const estimate = betweenRunEstimate([0.0385, 0.0539, 0.0254, 0.0242, 0.0249].map(tight));
    if (estimate === undefined) throw new Error('no estimate');
    const warning = betweenRunWarning(estimate, [
      { cpuMHz: { start: 3000, end: 2990 }, governor: 'schedutil', stealShare: 0.001 },
      { cpuMHz: { start: 2200, end: 2210 }, stealShare: 0.081, busyProcesses: ['vitest (pid 12)'] },
      undefined,
      { temperatureC: { start: 50, end: 51 } },
      { temperatureC: { start: 58, end: 62 }, throttled: { now: true, sinceBoot: true, raw: 'throttled=0x50005', source: 'vcgencmd get_throttled' } },
    ]);
    expect(warning?.code).toBe('between-run-variation');
    expect(warning?.message).toContain('between-run variation: the medians of 5 fresh runs range 0.0242–0.0539 ms; this machine does not hold a steady speed.');
    expect(warning?.message).toContain('the CPU clock changed between repeats (2200–3000 MHz)');
    expect(warning?.message).toContain('the CPU governor schedutil lets the clock change');
    expect(warning?.message).toContain('the hypervisor stole up to 8.1% of CPU time (steal time)');
    expect(warning?.message).toContain('other processes used the CPU: vitest (pid 12)');
    expect(warning?.message).toContain('the temperature ranged 50.0–62.0 °C');
    expect(warning?.message).toContain('the board throttled itself');
    // The setting it names is a remedy, so each front-end words it its own way.
    expect(warning?.message).toContain('raise --repeats');
    expect(warning?.wording?.remedies).toEqual([{ setting: 'repeats' }]);
    expect(verdictOf(warning === undefined ? [] : [warning])).toBe('unstable');
  });

  it('says nothing when the repeats agree, and that nothing explains it when the environments show nothing', () => {
    const agree = betweenRunEstimate([tight(1), tight(1.001), tight(0.999)]);
    if (agree === undefined) throw new Error('no estimate');
    expect(betweenRunWarning(agree, [])).toBeUndefined();
    const apart = betweenRunEstimate([tight(1), tight(2), tight(1.5)]);
    if (apart === undefined) throw new Error('no estimate');
    expect(betweenRunWarning(apart, [undefined, {}, { governor: 'performance' }])?.message).toContain('The repeats recorded nothing that explains it.');
    expect(betweenRunCauses([{ governor: 'performance', cpuMHz: { start: 3000, end: 3000 } }])).toEqual([]);
    // One process seen busy by two repeats is named once.
    expect(betweenRunCauses([{ busyProcesses: ['node (pid 16610, 166% of a core)'] }, { busyProcesses: ['node (pid 16610, 132% of a core)', 'vitest (pid 7)'] }])).toEqual([
      'other processes used the CPU: node (pid 16610, 166% of a core), vitest (pid 7)',
    ]);
  });
});

describe('disagreement that matters', () => {
  it('repeats 1 % apart with very tight CIs do not disagree; 5 % apart they do', () => {
    const exact = (ms: number) => ({ medianMs: ms, medianCi95: { low: ms * 0.999, high: ms * 1.001 } });
    // Their CIs do not overlap in either case, but a 1 % spread is within ±2 % of the headline.
    expect(withinRunCisDisagree([exact(1.0), exact(1.01), exact(1.005)])).toBe(true);
    expect(betweenRunEstimate([exact(1.0), exact(1.01), exact(1.005)])?.disagree).toBe(false);
    expect(betweenRunEstimate([exact(1.0), exact(1.05), exact(1.02)])?.disagree).toBe(true);
  });
});
