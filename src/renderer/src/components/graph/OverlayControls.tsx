import { useQueries } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import type { LayerSqnr } from '../../../../shared/eval-schema';
import type { ModelGraph } from '../../../../shared/model-graph';
import type { RunFile } from '../../../../shared/run-schema';
import { useApi } from '../../data/api-context';
import { studioQueries, useDatasets, useRuns } from '../../data/queries';
import { formatDate } from '../../format';
import { useTask } from '../../hooks/useTask';
import { runLabel } from '../../run-label';
import { isStaticInt8 } from '../../variant-view';
import type { GraphOverlay } from './graph-overlay';
import { latencyOverlay, precisionOverlay, sqnrOverlay } from './overlay-builders';
import { TriageOverlayControls } from './TriageOverlayControls';

export type OverlayKind = 'none' | 'latency' | 'sqnr' | 'precision' | 'triage';

/** The newest runs of a model whose files are read to find a profile (a run file can be large). */
const RUNS_LOOKED_AT = 12;
const SQNR_SAMPLES = 50;

interface Props {
  model: ModelEntry;
  graph: ModelGraph;
  onOverlay: (overlay: GraphOverlay | null) => void;
}

/** The runs read that carry a per-op profile (a stable function, so useQueries keeps its result while nothing changed). */
function profiledRuns(results: ReadonlyArray<{ data?: RunFile; isPending: boolean }>): { profiled: RunFile[]; loadingRuns: boolean } {
  return {
    profiled: results.flatMap((q) => (q.data?.profile && q.data.profile.nodes.length > 0 ? [q.data] : [])),
    loadingRuns: results.some((q) => q.isPending),
  };
}

function runName(run: RunFile): string {
  return `${runLabel(run)} on ${run.target.name}, ${formatDate(run.createdAt)}`;
}

/**
 * The overlay picker of a model's graph: per-op latency from a run of this model that has a
 * profile, per-layer SQNR of a static int8 variant (measured on a dataset), or which nodes the
 * variant quantized and which it kept in float, or a step of a quantization triage (its SQNR and
 * the layers it keeps in float). Each says why it is not available when it is not.
 */
export function OverlayControls({ model, graph, onOverlay }: Props) {
  const api = useApi();
  const [kind, setKind] = useState<OverlayKind>('none');
  const [runId, setRunId] = useState<string | null>(null);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [layers, setLayers] = useState<{ datasetId: string; layers: LayerSqnr[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [triage, setTriage] = useState<GraphOverlay | null>(null);
  const measuring = useTask('layerSqnr');
  const { datasets } = useDatasets();

  const runs = useRuns()
    .filter((r) => r.modelSha256 === model.info.sha256)
    .slice(0, RUNS_LOOKED_AT);
  const { profiled, loadingRuns } = useQueries({ queries: kind === 'latency' ? runs.map((r) => studioQueries.runFile(api, r.id)) : [], combine: profiledRuns });
  const run = useMemo(() => profiled.find((r) => r.id === runId) ?? profiled[0] ?? null, [profiled, runId]);
  const dataset = datasets.find((d) => d.id === datasetId) ?? datasets[0] ?? null;

  const overlay = useMemo((): GraphOverlay | null => {
    if (kind === 'latency' && run?.profile) return latencyOverlay(graph, run.profile, runName(run));
    if (kind === 'sqnr' && layers) return sqnrOverlay(graph, layers.layers, model.name);
    if (kind === 'precision') return precisionOverlay(graph);
    if (kind === 'triage') return triage;
    return null;
  }, [kind, run, layers, graph, model.name, triage]);
  useEffect(() => onOverlay(overlay), [overlay, onOverlay]);

  const measure = (): void => {
    if (!dataset) return;
    const id = dataset.id;
    setProblem(null);
    measuring
      .run(`Comparing ${model.name} with its float model layer by layer…`, () => api.evals.layerSqnr({ modelId: model.id, datasetId: id, samples: SQNR_SAMPLES }))
      .then(
        (found) => setLayers({ datasetId: id, layers: found }),
        (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
      );
  };

  return (
    <span className="graph-overlay-controls">
      <label>
        Overlay{' '}
        <select value={kind} data-testid="graph-overlay-select" onChange={(e) => setKind(e.currentTarget.value as OverlayKind)}>
          <option value="none">None</option>
          <option value="latency">Latency per op (a run's profile)</option>
          <option value="sqnr">Per-layer SQNR</option>
          <option value="precision">Precision (quantized or float)</option>
          <option value="triage">Triage: SQNR and layers kept in float</option>
        </select>
      </label>
      {kind === 'latency' &&
        (profiled.length > 0 ? (
          <select value={run?.id ?? ''} aria-label="Run whose profile is shown" data-testid="graph-overlay-run" onChange={(e) => setRunId(e.currentTarget.value)}>
            {profiled.map((r) => (
              <option key={r.id} value={r.id}>
                {runName(r)}
              </option>
            ))}
          </select>
        ) : (
          <span className="muted" data-testid="graph-overlay-unavailable">
            {loadingRuns
              ? 'Reading the runs of this model…'
              : runs.length === 0
                ? 'No run of this model yet: benchmark it on the Runs page (onnxruntime, Profile runs above 0) to see where its time goes.'
                : 'No run of this model has a per-op profile: benchmark it with onnxruntime and Profile runs above 0 (Runs page, Advanced).'}
          </span>
        ))}
      {kind === 'sqnr' &&
        (!isStaticInt8(model) ? (
          <span className="muted" data-testid="graph-overlay-unavailable">
            Per-layer SQNR compares a static int8 variant with its float model: open such a variant's graph (make one in Variants).
          </span>
        ) : datasets.length === 0 ? (
          <span className="muted" data-testid="graph-overlay-unavailable">
            Import a dataset on the Datasets page to measure per-layer SQNR on it.
          </span>
        ) : (
          <>
            <select value={dataset?.id ?? ''} aria-label="Dataset to measure on" data-testid="graph-overlay-dataset" onChange={(e) => setDatasetId(e.currentTarget.value)}>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
            <button type="button" className="button tiny" disabled={measuring.busy} data-testid="graph-overlay-measure" onClick={measure}>
              {layers?.datasetId === dataset?.id ? 'Measure again' : `Measure on ${SQNR_SAMPLES} samples`}
            </button>
            {measuring.busy && <span className="muted">{measuring.message}</span>}
          </>
        ))}
      {kind === 'triage' && <TriageOverlayControls model={model} graph={graph} onOverlay={setTriage} />}
      {problem && (
        <span className="graph-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
