import { useState } from 'react';
import type { ModelEntry } from '../../../../shared/contract';
import type { LayerSqnr } from '../../../../shared/eval-schema';
import { useApi } from '../../data/api-context';
import { useWorkspaceChange, workspaceChanges } from '../../data/mutations';
import { useTargets } from '../../data/queries';
import { useTask } from '../../hooks/useTask';
import { isStaticInt8, originLabel, remakeFor } from '../../variant-view';
import { SqnrChart } from './SqnrChart';

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

/** Per-layer SQNR of a static int8 variant against its float parent, and "exclude these and re-quantize". */
export function LayerSqnrPanel({ models, datasetId, preferredId, onVariantMade, onError }: Props) {
  const api = useApi();
  const { mutateAsync: quantize } = useWorkspaceChange(workspaceChanges.quantize);
  const targets = useTargets();
  const candidates = models.filter(isStaticInt8);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const variant = candidates.find((m) => m.id === chosenId) ?? candidates.find((m) => m.id === preferredId) ?? candidates[0];
  const [result, setResult] = useState<{ modelId: string; datasetId: string; layers: LayerSqnr[] } | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [made, setMade] = useState<ModelEntry | null>(null);
  const measuring = useTask('layerSqnr');
  const quantizing = useTask('quantize');
  const layers = result && variant && result.modelId === variant.id && result.datasetId === datasetId ? result.layers : null;

  if (!variant || variant.origin?.kind !== 'quantized') {
    return (
      <div className="card" data-testid="sqnr-panel">
        <h3 className="section-title">Per-layer SQNR</h3>
        <p className="muted">Make a static int8 variant on the Models page to see which layers lose most in quantization.</p>
      </div>
    );
  }
  const origin = variant.origin;

  const measure = (): void => {
    const modelId = variant.id;
    setMade(null);
    measuring.run(`Comparing ${variant.name} with its float model layer by layer…`, () => api.evals.layerSqnr({ modelId, datasetId, samples: SQNR_SAMPLES })).then(
      (found) => {
        setResult({ modelId, datasetId, layers: found });
        // The worst layer starts ticked: excluding it is the usual first try.
        setChecked(new Set(found.slice(0, 1).map((l) => l.node)));
      },
      (error: unknown) => onError(error),
    );
  };

  const requantize = (): void => {
    const exclude = [...new Set([...origin.recipe.exclude, ...checked])];
    const { recipe, targetId } = remakeFor(origin, exclude, new Set(targets.map((t) => t.id)));
    quantizing
      .run(`Re-quantizing without ${[...checked].join(', ')}…`, () =>
        quantize({
          modelId: origin.parentId,
          recipe,
          datasetId: origin.calibration?.datasetId ?? datasetId,
          calibrationSamples: origin.calibration?.samples ?? 200,
          ...(targetId !== undefined ? { targetId } : {}),
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

  const toggle = (node: string, on: boolean): void =>
    setChecked((set) => {
      const next = new Set(set);
      if (on) next.add(node);
      else next.delete(node);
      return next;
    });
  const busy = measuring.busy || quantizing.busy;

  return (
    <div className="card sqnr-panel" data-testid="sqnr-panel">
      <div className="panel-head">
        <h3 className="section-title">
          Per-layer SQNR <span className="muted">· float vs int8 activations on {SQNR_SAMPLES} samples, worst first</span>
        </h3>
        <select value={variant.id} onChange={(e) => setChosenId(e.currentTarget.value)} aria-label="Static int8 variant" data-testid="sqnr-variant-select">
          {candidates.map((m) => (
            <option key={m.id} value={m.id}>
              {originLabel(m, models)}
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
        <div className="sqnr-body">
          <SqnrChart layers={layers} checked={checked} />
          <div className="sqnr-pick">
            <p className="field-label">Leave in float</p>
            <ul className="sqnr-layers">
              {layers.slice(0, CHECKABLE).map((l) => (
                <li key={l.tensor}>
                  <label className="q-check" data-testid="sqnr-layer" data-node={l.node}>
                    <input type="checkbox" checked={checked.has(l.node)} disabled={busy || origin.recipe.exclude.includes(l.node)} onChange={(e) => toggle(l.node, e.currentTarget.checked)} />
                    <code>{l.node}</code>
                    <span className="muted">
                      {l.opType} · {l.sqnrDb.toFixed(1)} dB
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <button type="button" className="button primary" disabled={busy || checked.size === 0} onClick={requantize} data-testid="sqnr-requantize">
              {quantizing.busy ? 'Re-quantizing…' : 'Exclude these and re-quantize'}
            </button>
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
    </div>
  );
}
