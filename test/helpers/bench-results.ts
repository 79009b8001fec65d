/** Reading a cell's outcome (src/core/bench/cell-outcome.ts) in tests: its run in a given state, and its error if it has one. */
import type { CellOutcome } from '../../src/core/bench/cell-outcome';
import type { ErrorData } from '../../src/shared/errors';
import type { RunFile } from '../../src/shared/run-schema';

/** The run file of an outcome that must be `state`; throws naming the state it was in, and why, otherwise. */
export function runIn(outcome: CellOutcome | undefined, state: 'completed' | 'partial'): RunFile {
  if (outcome?.state !== state) throw new Error(`expected a ${state} run, got ${outcome?.state ?? 'nothing'}: ${errorOf(outcome)?.message ?? ''}`);
  return outcome.run;
}

/** Why a cell did not complete (partial, failed, cancelled); undefined for a completed one. */
export function errorOf(outcome: CellOutcome | undefined): ErrorData | undefined {
  return outcome === undefined || outcome.state === 'completed' ? undefined : outcome.error;
}
