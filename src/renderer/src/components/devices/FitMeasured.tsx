import { useMemo } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import { measuredArenaLine } from '../../board-view';
import { useRunFiles, useRuns } from '../../data/queries';

/**
 * Beside the fit card's estimate: the arena the model's newest board run reported (measured,
 * SIMULATED, or not measured). Nothing when the model has not run on a board yet.
 */
export function FitMeasured({ model }: { model: ModelEntry | undefined }) {
  const runs = useRuns();
  const newest = useMemo(() => {
    if (model === undefined) return [];
    const board = runs
      .filter((run) => run.modelSha256 === model.info.sha256 && (run.runtimeName ?? run.runtime).startsWith('tflite-micro'))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return board === undefined ? [] : [board.id];
  }, [runs, model]);
  const [run] = useRunFiles(newest);
  if (run === undefined || run === null) return null;
  return (
    <p className="fit-summary" data-testid="fit-measured" data-simulated={run.boardMemory?.simulated ? 'true' : undefined}>
      {measuredArenaLine(run)}
    </p>
  );
}
