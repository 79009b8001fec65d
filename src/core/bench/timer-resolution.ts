/**
 * How finely the clock that times inferences can tell two moments apart.
 *
 * Reading process.hrtime.bigint() back to back, the smallest non-zero difference is one clock
 * step or the cost of one reading, whichever is larger. Either way no latency sample can be known
 * more finely than that, so it is the effective resolution of a measurement. (The declared
 * resolution, e.g. clock_getres()'s 1 ns on Linux, says nothing about what a reading costs.)
 * The smallest difference rather than the median, because an interrupt or a preemption between
 * two readings only ever makes a difference larger.
 */
import { StudioError } from '../../shared/errors';

/** Enough non-zero steps to meet the clock's true step a few times over. */
const WANTED_STEPS = 200;
/** A ceiling for a clock that rarely advances: about a millisecond of readings on a fast machine. */
const MAX_READINGS = 100_000;

/** The smallest observed step of process.hrtime.bigint(), in nanoseconds (≥ 1). Takes well under a millisecond. */
export function estimateTimerResolutionNs(): number {
  let smallestNs: bigint | undefined;
  let steps = 0;
  let previous = process.hrtime.bigint();
  for (let i = 0; i < MAX_READINGS && steps < WANTED_STEPS; i++) {
    const now = process.hrtime.bigint();
    const stepNs = now - previous;
    if (stepNs > 0n) {
      steps++;
      if (smallestNs === undefined || stepNs < smallestNs) smallestNs = stepNs;
    }
    previous = now;
  }
  if (smallestNs === undefined) {
    throw new StudioError(
      'INTERNAL',
      `The high-resolution clock did not advance in ${MAX_READINGS} readings, so latencies cannot be measured on this machine.`,
    );
  }
  return Number(smallestNs);
}
