import { describe, expect, test } from 'vitest';
import { shortWindowWarning, summarizeWindows, windowProgress } from '../../../src/core/bench/report-mode';

describe('report mode summary', () => {
  test('each window gets its runs, measured time and median; the reported median is the median of the medians', () => {
    const report = summarizeWindows([
      [1, 2, 3],
      [10, 20, 30, 40],
      [4, 5, 6],
    ]);
    expect(report.windows).toEqual([
      { runs: 3, durationMs: 6, medianMs: 2 },
      { runs: 4, durationMs: 100, medianMs: 25 },
      { runs: 3, durationMs: 15, medianMs: 5 },
    ]);
    // one disturbed window (median 25) does not move the reported median
    expect(report.medianOfWindowsMs).toBe(5);
  });

  test('windows cut short by the sample cap are named in a warning', () => {
    const plan = { windows: 2, minWindowMs: 10_000 };
    expect(shortWindowWarning(summarizeWindows([[6000, 5000], [4000, 7000]]), plan)).toBeUndefined();
    const warning = shortWindowWarning(summarizeWindows([[6000, 5000], [1, 2]]), plan);
    expect(warning?.code).toBe('report-window-short');
    expect(warning?.message).toMatch(/^1 of 2 report windows stopped at the cap on measured runs before reaching 10 s \(the shortest measured 0\.00 s\)/);
  });

  test('progress counts runs over all windows, estimating the windows to come from the current one', () => {
    const plan = { windows: 5, minWindowMs: 10_000 };
    expect(windowProgress(0, 0, plan, { completed: 10, total: 100 })).toEqual({ completed: 10, total: 500 });
    expect(windowProgress(300, 3, plan, { completed: 50, total: 120 })).toEqual({ completed: 350, total: 540 });
    expect(windowProgress(400, 4, plan, { completed: 90, total: 90 })).toEqual({ completed: 490, total: 490 });
  });
});
