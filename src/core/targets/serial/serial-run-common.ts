/** What the two serial protocols' cells share: the cell's options, progress and the run's inputs block. */
import type { BenchPhase } from '../../../shared/contract';
import type { RunFile } from '../../../shared/run-schema';
import { PHASE_SPANS, type LocalBenchOptions } from '../../bench/run-local-benchmark';
import type { InputFill } from './serial-inputs';

/** What the matrix passes a cell runner. */
export type CellOptions = Omit<LocalBenchOptions, 'spawner'>;

/** Reports a phase's progress as a never-decreasing fraction of the cell (as run-local-benchmark does). */
export function progressReporter(onProgress: CellOptions['onProgress']): (phase: BenchPhase, completed: number, total: number) => void {
  let lastFraction = 0;
  return (phase, completed, total) => {
    const [from, to] = PHASE_SPANS[phase];
    const within = total > 0 ? Math.min(1, completed / total) : 1;
    lastFraction = Math.max(lastFraction, from + (to - from) * within);
    onProgress?.({ phase, completed: Math.round(completed), total: Math.round(total), fraction: lastFraction });
  };
}

export function describeFill(fill: InputFill): string {
  return fill.kind === 'constant' ? `constant ${fill.value}` : 'random';
}

export function inputDescription(name: string, dtype: string, shape: number[], fill: InputFill): RunFile['inputs'][number] {
  return { name, dtype, shape, fill: describeFill(fill) };
}
