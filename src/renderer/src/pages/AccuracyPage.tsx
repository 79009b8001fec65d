import { useState } from 'react';
import type { ModelEntry } from '../../../shared/contract';
import type { EvalSkipped } from '../../../shared/eval-schema';
import { ACCURACY_LABELS, accuracyKey, evalGroups, evalRows, latencyPoints, sizePoints } from '../accuracy';
import { runColor } from '../../../shared/run-colors';
import { AccuracyScatter } from '../components/accuracy/AccuracyScatter';
import { ClassBreakdown } from '../components/accuracy/ClassBreakdown';
import { EvalControls } from '../components/accuracy/EvalControls';
import { EvalTable } from '../components/accuracy/EvalTable';
import { evaluateFamilies, useEvalChecks, useEvalPicks } from '../components/accuracy/eval-picks';
import { LayerSqnrPanel } from '../components/accuracy/LayerSqnrPanel';
import { workspaceChanges, useWorkspaceChange } from '../data/mutations';
import { useDatasets, useEvals, useModels, useRuns } from '../data/queries';
import { formatAxisMs } from '../format';
import { useTask } from '../hooks/useTask';
import { useTheme } from '../hooks/useTheme';
import { DEMO_DATASET_ID } from '../variant-form';
import { listLabel } from '../variant-view';

interface Props {
  onError: (error: unknown) => void;
}

/** A short name for a chart legend: the float model's name, or the variant's recipe, with a format that is not ONNX. */
function seriesName(model: ModelEntry, models: readonly ModelEntry[]): string {
  const name = listLabel(model, models).name;
  return model.info.format === 'onnx' ? name : `${name} (${model.info.format})`;
}

/** What quantization costs: accuracy and fidelity per variant, against latency and size, and layer by layer. */
export function AccuracyPage({ onError }: Props) {
  const models = useModels();
  const { datasets } = useDatasets();
  const evals = useEvals();
  const runs = useRuns();
  const { theme } = useTheme();
  const { mutateAsync: runEvals } = useWorkspaceChange(workspaceChanges.evaluate);
  const [datasetChoice, setDatasetChoice] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<readonly EvalSkipped[]>([]);
  const [limit, setLimit] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const task = useTask('evaluate');

  const datasetId = (datasets.find((d) => d.id === datasetChoice) ?? datasets.find((d) => d.id === DEMO_DATASET_ID) ?? datasets[0])?.id ?? '';
  // Every model the dataset fits is picked unless unticked, so new variants join the next evaluation.
  const checks = useEvalChecks(models, datasets.find((d) => d.id === datasetId));
  const { picked, pick } = useEvalPicks(models, checks);
  const rows = evalRows(evals, models, datasetId);
  const selected = rows.find((r) => r.model.id === selectedId) ?? rows[0] ?? null;
  const key = accuracyKey(rows);
  const sizes = sizePoints(rows, key);
  const series = rows.map((r, i) => ({ modelId: r.model.id, name: seriesName(r.model, models), color: runColor(theme, i) }));

  const evaluate = (): void => {
    const limitCount = limit.trim() === '' ? undefined : Number(limit);
    task
      .run('Starting the evaluation…', async () => {
        setSkipped([]);
        setSkipped(await evaluateFamilies(evalGroups(picked, models), { datasetId, limit: limitCount }, runEvals, checks));
      })
      .catch(onError);
  };

  return (
    <section className="page" aria-labelledby="accuracy-title" data-testid="accuracy-page">
      <header className="page-header">
        <div>
          <h1 id="accuracy-title">Accuracy</h1>
          <p className="page-sub">What a variant costs in accuracy, next to what it saves in latency and size. Results are kept in the workspace&apos;s evals/.</p>
        </div>
      </header>
      <EvalControls
        models={models}
        datasets={datasets}
        datasetId={datasetId}
        onDataset={setDatasetChoice}
        picked={picked}
        onPick={pick}
        limit={limit}
        onLimit={setLimit}
        busy={task.busy}
        progress={task.message}
        onEvaluate={evaluate}
        checks={checks}
        skipped={skipped}
      />
      {rows.length === 0 ? (
        <div className="empty small" data-testid="eval-empty">
          <h2>No evaluations on this dataset yet</h2>
          <p>
            Press <strong>Evaluate</strong>: each model runs over the dataset in its own process, and each variant is compared with its
            float model (agreement, cosine, SQNR), which needs no labels.
          </p>
        </div>
      ) : (
        <>
          <EvalTable rows={rows} models={models} selectedId={selected?.model.id ?? null} onSelect={setSelectedId} />
          <div className="compare-charts">
            <AccuracyScatter
              testId="accuracy-latency-chart"
              title="Accuracy vs latency"
              subtitle="median per model × target × runtime × threads; dashed: the Pareto front"
              points={latencyPoints(rows, runs, key)}
              series={series}
              xLabel="median latency (ms)"
              formatX={formatAxisMs}
              yLabel={ACCURACY_LABELS[key]}
              pareto
              latencyAxis
              emptyMessage="No benchmarks of these models yet: run them on the Runs page, and each run adds a point here."
            />
            <AccuracyScatter
              testId="accuracy-size-chart"
              title="Accuracy vs size"
              subtitle="model file size"
              points={sizes.points}
              series={series}
              xLabel={`size (${sizes.unit})`}
              formatX={(x) => Number(x.toPrecision(3)).toString()}
              yLabel={ACCURACY_LABELS[key]}
              pareto={false}
              emptyMessage="No accuracy to plot: this dataset has no labels and no float model to compare with."
            />
          </div>
          {selected && <ClassBreakdown row={selected} />}
        </>
      )}
      {datasetId && (
        <LayerSqnrPanel
          models={models}
          datasetId={datasetId}
          preferredId={selected?.model.id ?? null}
          onVariantMade={(variant) => pick(variant.id, true)}
          onError={onError}
        />
      )}
    </section>
  );
}
