import { expect, test } from 'vitest';
import { estimateTimerResolutionNs } from '../../../src/core/bench/timer-resolution';

test('the timer resolution of this machine is a whole, positive number of nanoseconds', () => {
  const resolutionNs = estimateTimerResolutionNs();
  expect(Number.isInteger(resolutionNs)).toBe(true);
  expect(resolutionNs).toBeGreaterThanOrEqual(1);
  // A sanity bound, not a timing assertion: a clock stepping in 10 ms could not time inferences at all.
  expect(resolutionNs).toBeLessThan(10_000_000);
});
