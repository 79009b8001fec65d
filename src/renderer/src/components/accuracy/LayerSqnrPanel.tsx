import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import type { LayerSqnr } from '../../../../shared/eval-schema';
import type { LayerLatency } from '../../../../shared/triage';
import { useApi } from '../../data/api-context';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { useDatasets, useRuns, useTargets } from '../../data/queries';
import { queryKeys } from '../../data/query-keys';
import { formatPercent, formatUs } from '../../format';
import { useTask } from '../../hooks/useTask';
import { useTriageJob, type TriageDone } from '../../hooks/useTriageJob';
import { distinctModelLabels } from '../../model-labels';
import { isStaticInt8, originLabel, remakeFor } from '../../variant-view';
import { SqnrChart } from './SqnrChart';
import { TriageProgress } from './TriageProgress';
import { TriageResults } from './TriageResults';
import './triage.css';

interface Props {
  models: readonly ModelEntry[];
  datasetId: string;
  /** The model picked in the table: shown here when it is a static int8 variant. */
  preferredId: string | null;
  onVariantMade: (variant: ModelEntry) => void;
  onError: (error: unknown) => void;
}

const SQNR_SAMPLES = 50;
/** Layers offered for exclusion: the worst few are where re-quantizing in float pays. */
const CHECKABLE = 8;
const TRIAGE_KEY = ['triage'] as const;

function timeCell(layer: LayerLatency | undefined): { text: string; title: string } | null {
  if (!layer) return null;
  const qdq = layer.qdqUs > 0 ? `, ${formatUs(layer.qdqUs)} of it in the Q/DQ kernels that feed it` : '';
  return { text: formatUs(layer.ownUs + layer.qdqUs), title: `${formatPercent(layer.share)} of the run's kernel time${qdq}; profiled as ${layer.profileNames.join(', ')}` };
}

/**
 * Per-layer SQNR of a static int8 variant against its float parent, beside each layer's time on a
 * chosen target (from the newest profiled runs of the variant and of its float model), with
 * "exclude these and re-quantize" and the triage loop: "Keep in float and compare" makes the
 * variant, evaluates it and benchmarks it in one job, and the table below says what each step bought and cost.
 */
export function LayerSqnrPanel({ models, datasetId, preferredId, onVariantMade, onError }: Props) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { mutateAsync: quantize } = useWorkspaceChange(workspaceChanges.quantize);
  const targets = useTargets();
  const runs = useRuns();
  const candidates = models.filter(isStaticInt8);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [targetChoice, setTargetChoice] = useState<string | null>(null);
  const variant = candidates.find((m) => m.id === chosenId) ?? candidates.find((m) => m.id === preferredId) ?? candidates[0];
  const { datasets } = useDatasets();
  const preprocessing = JSON.stringify(datasets.find((d) => d.id === datasetId)?.preprocessing ?? {});
  const sqnrKey = (modelId: string) => queryKeys.layerSqnr(modelId, datasetId, preprocessing, SQNR_SAMPLES);
  // Measured only on request (measure below writes the cache); kept for the session (gcTime
  // Infinity), so coming back to the page shows the variant's layers without measuring again.
  const measured = useQuery<LayerSqnr[]>({ queryKey: sqnrKey(variant?.id ?? ''), queryFn: skipToken, gcTime: Infinity });
  const layers = variant ? (measured.data ?? null) : null;
  // The worst layer starts ticked: excluding it is the usual first try. Kept per variant while the page is open.
  const [checkedBy, setCheckedBy] = useState<{ modelId: string; nodes: Set<string> } | null>(null);
  const checked = checkedBy && checkedBy.modelId === variant?.id ? checkedBy.nodes : new Set(layers?.slice(0, 1).map((l) => l.node));
  const setChecked = (update: Set<string> | ((set: Set<string>) => Set<string>)): void =>
    setCheckedBy({ modelId: variant?.id ?? '', nodes: typeof update === 'function' ? update(checked) : update });
  const [made, setMade] = useState<ModelEntry | null>(null);
  const measuring = useTask('layerSqnr');
  const quantizing = useTask('quantize');
  const target = targets.find((t) => t.id === targetChoice) ?? targets.find((t) => t.id === 'local') ?? targets[0];
  const targetId = target?.id ?? 'local';

  const triageList = useQuery({ queryKey: [...TRIAGE_KEY, 'sessions'], queryFn: () => api.triage.list({}) });
  const latency = useQuery({
    // The newest run is in the key: a benchmark that finishes brings fresh per-layer times.
    queryKey: [...TRIAGE_KEY, 'layer-latency', variant?.id ?? '', targetId, runs[0]?.id ?? ''],
    queryFn: () => api.triage.layerLatency({ modelId: variant?.id ?? '', targetId }),
    enabled: variant !== undefined && target !== undefined,
  });
  const onTriageDone = useCallback(
    (done: TriageDone) => {
      void queryClient.invalidateQueries({ queryKey: TRIAGE_KEY });
      const last = done.session.steps.at(-1);
      const entry = last ? models.find((m) => m.id === last.variantId) : undefined;
      if (entry) onVariantMade(entry);
      setCheckedBy(null);
    },
    [models, onVariantMade, queryClient],
  );
  const triage = useTriageJob(onTriageDone, onError);

  if (!variant || variant.origin?.kind !== 'quantized') {
    return (
      <div className="card" data-testid="sqnr-panel">
        <h3 className="section-title">Per-layer SQNR</h3>
        <p className="muted">Make a static int8 variant on the Models page to see which layers lose most in quantization.</p>
      </div>
    );
  }
  const origin = variant.origin;
  const candidateLabels = distinctModelLabels(candidates, { base: (m) => originLabel(m, models) });
  // The chain the variant is in, on this dataset: the next step refines its last variant, so exclusions add up.
  const session = triageList.data?.sessions.find((s) => s.parentId === origin.parentId && s.datasetId === datasetId && s.steps.some((step) => step.variantId === variant.id));
  const refined = models.find((m) => m.id === session?.steps.at(-1)?.variantId) ?? variant;
  const refinedOrigin = refined.origin?.kind === 'quantized' ? refined.origin : origin;
  const inFloat = new Set(refinedOrigin.recipe.exclude);
  const variantTimes = new Map((latency.data?.variant?.layers ?? []).map((l) => [l.node, l]));
  const floatTimes = new Map((latency.data?.parent?.layers ?? []).map((l) => [l.node, l]));
  const noProfile = latency.data && !latency.data.variant;

  const measure = (): void => {
    const modelId = variant.id;
    setMade(null);
    measuring.run(`Comparing ${variant.name} with its float model layer by layer…`, () => api.evals.layerSqnr({ modelId, datasetId, samples: SQNR_SAMPLES })).then(
      (found) => {
        queryClient.setQueryData(sqnrKey(modelId), found);
        setCheckedBy({ modelId, nodes: new Set(found.slice(0, 1).map((l) => l.node)) });
      },
      (error: unknown) => onError(error),
    );
  };

  const picked = [...checked].filter((node) => !inFloat.has(node));
  const requantize = (): void => {
    const exclude = [...new Set([...origin.recipe.exclude, ...checked])];
    const { recipe, targetId: madeFor } = remakeFor(origin, exclude, new Set(targets.map((t) => t.id)));
    quantizing
      .run(`Re-quantizing without ${[...checked].join(', ')}…`, () =>
        quantize({
          modelId: origin.parentId,
          recipe,
          datasetId: origin.calibration?.datasetId ?? datasetId,
          calibrationSamples: origin.calibration?.samples ?? 200,
          ...(madeFor !== undefined ? { targetId: madeFor } : {}),
        }),
      )
      .then(
        (entry) => {
          setMade(entry);
          onVariantMade(entry);
        },
        (error: unknown) => onError(error),
      );
  };

  const keepInFloat = (): void => {
    const { recipe, targetId: madeFor } = remakeFor(refinedOrigin, [...inFloat, ...picked], new Set(targets.map((t) => t.id)));
    setMade(null);
    void triage.start({ variantId: refined.id, recipe, ...(madeFor !== undefined ? { madeForTargetId: madeFor } : {}), datasetId, targetId });
  };

  const toggle = (node: string, on: boolean): void =>
    setChecked((set) => {
      const next = new Set(set);
      if (on) next.add(node);
      else next.delete(node);
      return next;
    });
  const triageBusy = triage.state.status === 'starting' || triage.state.status === 'running';
  const busy = measuring.busy || quantizing.busy || triageBusy;

  return (
    <div className="card sqnr-panel" data-testid="sqnr-panel">
      <div className="panel-head">
        <h3 className="section-title">
          Per-layer SQNR <span className="muted">· of each layer&apos;s input activation, int8 vs float, on {SQNR_SAMPLES} samples, worst first</span>
        </h3>
        <select value={variant.id} onChange={(e) => setChosenId(e.currentTarget.value)} aria-label="Static int8 variant" data-testid="sqnr-variant-select">
          {candidates.map((m) => (
            <option key={m.id} value={m.id}>
              {candidateLabels.get(m.id)}
            </option>
          ))}
        </select>
        <select value={targetId} onChange={(e) => setTargetChoice(e.currentTarget.value)} aria-label="Target for per-layer latency" data-testid="sqnr-target-select">
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              latency on {t.name}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={busy} onClick={measure} data-testid="sqnr-compute">
          {layers ? 'Measure again' : 'Measure per-layer SQNR'}
        </button>
      </div>
      {measuring.busy && <p className="task-line">{measuring.message}</p>}
      {layers && layers.length === 0 && <p className="muted">No quantized activations to compare in this variant.</p>}
      {layers && layers.length > 0 && (
        <div className="sqnr-body with-latency">
          <div className="sqnr-chart-column">
            <SqnrChart layers={layers} checked={checked} />
            {/* sqnr.ts compares the tensor a layer's QuantizeLinear reads: its input, not its weights or output. */}
            <p className="muted small sqnr-caption" data-testid="sqnr-caption">
              Each bar is the int8 quantization of the activation a layer reads (exact uint8 pixels give about 145 dB); the error of the layer&apos;s own weights is not counted.
            </p>
          </div>
          <div className="sqnr-pick">
            <p className="field-label">Leave in float</p>
            {noProfile && (
              <p className="muted" data-testid="sqnr-no-profile">
                No profiled run of this variant on {target?.name ?? 'this target'} yet: benchmark it there (Runs page, with profile runs) to see each layer&apos;s time.
              </p>
            )}
            <table className="table sqnr-layer-table" data-testid="sqnr-layer-table">
              <thead>
                <tr>
                  <th title="The layer whose input activation is quantized; leaving it in float removes that quantization">Input activation of layer</th>
                  <th>Op</th>
                  <th className="num" title="Of the layer's input activation, int8 against float; the layer's weights are not counted">SQNR</th>
                  <th className="num" title="Mean time per inference of the layer's kernels in the newest profiled run of the int8 variant, Q/DQ kernels that feed it included">
                    int8 time
                  </th>
                  <th className="num" title="The same layer in the newest profiled run of the float model">float time</th>
                </tr>
              </thead>
              <tbody>
                {layers.slice(0, CHECKABLE).map((l) => {
                  const int8Time = timeCell(variantTimes.get(l.node));
                  const floatTime = timeCell(floatTimes.get(l.node));
                  const already = inFloat.has(l.node);
                  return (
                    <tr key={l.tensor} className={already ? 'in-float' : undefined}>
                      <td>
                        <label className="q-check" data-testid="sqnr-layer" data-node={l.node}>
                          <input type="checkbox" checked={already || checked.has(l.node)} disabled={busy || already} onChange={(e) => toggle(l.node, e.currentTarget.checked)} />
                          <code>{l.node}</code>
                          {already && <span className="muted"> in float</span>}
                        </label>
                      </td>
                      <td className="muted">{l.opType}</td>
                      <td className="num">{l.sqnrDb.toFixed(1)} dB</td>
                      <td className="num" data-stat="int8-time" title={int8Time?.title}>
                        {int8Time ? int8Time.text : '—'}
                        {int8Time && <span className="muted small">{formatPercent(variantTimes.get(l.node)?.share ?? 0, 0)}</span>}
                      </td>
                      <td className="num" data-stat="float-time" title={floatTime?.title}>
                        {floatTime ? floatTime.text : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="triage-actions">
              <button type="button" className="button primary" disabled={busy || picked.length === 0} onClick={keepInFloat} data-testid="triage-start">
                Keep in float and compare
              </button>
              <button type="button" className="button" disabled={busy || checked.size === 0} onClick={requantize} data-testid="sqnr-requantize">
                {quantizing.busy ? 'Re-quantizing…' : 'Exclude these and re-quantize'}
              </button>
              {refined.id !== variant.id && (
                <span className="muted" data-testid="triage-refines">
                  refines the last step, which keeps {[...inFloat].join(', ')} in float
                </span>
              )}
            </div>
            {quantizing.busy && <p className="task-line">{quantizing.message}</p>}
            {made?.origin?.kind === 'quantized' && (
              <p className="made-line" data-testid="sqnr-new-variant">
                Made <strong>{made.name}</strong>: {made.variant}, excludes {made.origin.recipe.exclude.join(', ')}. It is ticked above: press
                Evaluate to compare it.
              </p>
            )}
          </div>
        </div>
      )}
      <TriageProgress state={triage.state} onCancel={() => void triage.cancel()} onDismiss={triage.dismiss} />
      {session && <TriageResults session={session} targetId={targetId} targetName={target?.name ?? targetId} />}
      {(triageList.data?.problems ?? []).map((p) => (
        <p key={p.path} className="muted" data-testid="triage-problem">
          {p.path}: {p.message}
        </p>
      ))}
    </div>
  );
}
