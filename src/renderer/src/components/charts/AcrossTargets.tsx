import { useMemo } from 'react';
import type { RunFile, RunSummary } from '../../../../shared/run-schema';
import { ACCURACY_LABELS } from '../../accuracy';
import { runColor } from '../../../../shared/run-colors';
import { useDatasets, useEvals, useModels } from '../../data/queries';
import { formatAxisMs } from '../../format';
import { useTheme } from '../../hooks/useTheme';
import { AccuracyScatter } from '../accuracy/AccuracyScatter';
import { groupByTarget, seriesNameOf, targetRunOf } from './across-targets';
import { bestDatasetId, runAccuracyPoints } from './accuracy-points';
import { GroupedLatencyBars } from './GroupedLatencyBars';
import { MemoryPerTarget } from './MemoryPerTarget';
import './charts.css';

interface Props {
  /** Run files (Compare) or run summaries (a job's results): the charts need no samples. */
  runs: ReadonlyArray<RunFile | RunSummary>;
}

/**
 * A set of runs across targets (issue 13 item 2): the reported median with its 95 % CI per
 * target and series as grouped bars, accuracy against latency with the Pareto front, and peak
 * memory per target. Embeddable anywhere runs are shown together.
 */
export function AcrossTargets({ runs }: Props) {
  const { theme } = useTheme();
  const models = useModels();
  const evals = useEvals();
  const { datasets } = useDatasets();
  const runsKey = runs.map((r) => r.id).join('\n');
  const { targetRuns, grouped, nameOf } = useMemo(() => {
    const all = runs.map(targetRunOf);
    return { targetRuns: all, grouped: groupByTarget(all), nameOf: seriesNameOf(all) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs are immutable files: their ids say when they changed.
  }, [runsKey]);
  const colors = grouped.series.map((_, i) => runColor(theme, i));
  const datasetId = bestDatasetId(evals, models, targetRuns);
  const accuracy = datasetId === null ? null : runAccuracyPoints(evals, models, datasetId, targetRuns, nameOf);
  const datasetName = datasets.find((d) => d.id === datasetId)?.name ?? datasetId;
  // One colour per model on the scatter, in the order its points first appear.
  const scatterModels = [...new Set((accuracy?.points ?? []).map((p) => p.modelId))];
  const scatterSeries = scatterModels.map((modelId, i) => ({
    modelId,
    name: models.find((m) => m.id === modelId)?.name ?? modelId,
    color: runColor(theme, i),
  }));
  if (runs.length === 0) return null;
  return (
    <section className="across-targets" aria-label="Across targets" data-testid="across-targets">
      <div className="wide">
        <GroupedLatencyBars grouped={grouped} colors={colors} />
        {grouped.duplicates.length > 0 && (
          <p className="chart-note muted">
            {grouped.duplicates.length} {grouped.duplicates.length === 1 ? 'run repeats' : 'runs repeat'} a target and series already drawn; the bars
            show the first of each.
          </p>
        )}
      </div>
      <AccuracyScatter
        testId="across-accuracy"
        title="Accuracy vs latency"
        subtitle={accuracy ? `on ${datasetName}; dashed: the Pareto front` : 'dashed: the Pareto front'}
        points={accuracy?.points ?? []}
        series={scatterSeries}
        xLabel="median latency (ms)"
        formatX={formatAxisMs}
        yLabel={accuracy ? ACCURACY_LABELS[accuracy.key] : 'accuracy'}
        pareto
        latencyAxis
        pointLabel={(point) => point.targetName}
        emptyMessage="None of these runs' models has an evaluation yet: evaluate them on the Accuracy page, and each run gets a point here."
      />
      <MemoryPerTarget grouped={grouped} colors={colors} />
    </section>
  );
}
