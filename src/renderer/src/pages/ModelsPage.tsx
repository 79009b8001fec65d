import { useEffect, useRef, useState } from 'react';
import type { ModelEntry } from '../../../shared/contract';
import { BreakableText } from '../components/BreakableText';
import { ImportButton } from '../components/ImportButton';
import { RemoveModelDialog } from '../components/housekeeping/RemoveModelDialog';
import '../components/housekeeping/housekeeping.css';
import './models-page.css';
import { ModelInspect } from '../components/ModelInspect';
import { VariantsPanel } from '../components/variants/VariantsPanel';
import { FormatsPanel } from '../components/networks/FormatsPanel';
import { isBenchBusy, type BenchJob } from '../hooks/useBenchJob';
import { useDatasets, useModels, useSavedSizeMacs, useWorkspaceReady } from '../data/queries';
import { formatCount } from '../format';
import { formatBytes } from '../../../shared/units';
import { familyOrder, listLabel, originLabel } from '../variant-view';
import { macsFigure, OPEN_DIMS_AS_ONE } from '../macs-view';

interface Props {
  selectedId: string | null;
  /** The route's graph flag (`#/models/<id>/graph`): the open model shows its graph. */
  graph: boolean;
  onSelect: (id: string) => void;
  /** The Summary/Graph tab changed: the route follows, so a reload keeps the tab. */
  onGraphChange: (id: string, graph: boolean) => void;
  onImport: (files: File[]) => void;
  importing: boolean;
  onError: (error: unknown) => void;
  /** The studio's benchmark job: the Formats panel benchmarks a network's formats with it. */
  bench?: BenchJob;
}

export function ModelsPage({ selectedId, graph, onSelect, onGraphChange, onImport, importing, onError, bench }: Props) {
  const models = useModels();
  const { datasets } = useDatasets();
  const ready = useWorkspaceReady();
  const selected = models.find((m) => m.id === selectedId) ?? models[0] ?? null;
  // MACs at each model's saved input sizes, so the list and the inspection agree with `edgebench inspect`.
  const savedSizeMacs = useSavedSizeMacs(models);
  const selectedRow = useRef<HTMLTableRowElement | null>(null);
  const [removing, setRemoving] = useState<ModelEntry | null>(null);
  // Another model picked in the list opens in the same tab (its graph while the Graph tab is open).
  const open = (id: string): void => (graph ? onGraphChange(id, true) : onSelect(id));
  // A model opened from elsewhere (the bench form's link) may be far down the list.
  useEffect(() => {
    selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selected?.id]);
  return (
    <section className="page" aria-labelledby="models-title">
      <header className="page-header">
        <div>
          <h1 id="models-title">Models</h1>
          <p className="page-sub">Import a model to inspect it and benchmark it on your targets.</p>
        </div>
        <ImportButton onFiles={onImport} busy={importing} />
      </header>
      {ready && models.length === 0 ? (
        <div className="empty" data-testid="models-empty">
          <h2>No models in this workspace yet</h2>
          <p>
            Click <strong>Import model…</strong> or drop a file anywhere on this window: an ONNX model (.onnx), a
            TFLite model (.tflite), or a TF.js model.json together with its .bin weight shards.
          </p>
        </div>
      ) : (
        <div className={`split models-split${graph ? ' graph-open' : ''}`}>
          <div className="card list-card model-list-card">
            <table className="table selectable model-list-table" data-testid="model-list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Format</th>
                  <th className="num">Size</th>
                  <th className="num">Params</th>
                  <th className="num">MACs</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {familyOrder(models).map(({ model, isVariant }) => {
                  const label = listLabel(model, models);
                  const macs = macsFigure(model.info, savedSizeMacs.get(model.id));
                  return (
                    <tr
                      key={model.id}
                      ref={model.id === selected?.id ? selectedRow : undefined}
                      className={[model.id === selected?.id ? 'selected' : '', isVariant ? 'variant-of' : ''].join(' ').trim() || undefined}
                      data-testid="model-row"
                      data-model-id={model.id}
                      title={model.origin ? originLabel(model, models) : undefined}
                      tabIndex={0}
                      aria-selected={model.id === selected?.id}
                      onClick={() => open(model.id)}
                      onKeyDown={(event) => event.key === 'Enter' && open(model.id)}
                    >
                      <td className="name-cell" title={label.tag ? `${label.name} · ${label.tag}` : label.name}>
                        {isVariant && (
                          <span className="variant-arrow" aria-hidden="true">
                            ↳
                          </span>
                        )}
                        <span className="model-name">
                          <BreakableText text={label.name} />
                        </span>
                        {label.tag && (
                          <span className="tag" data-testid="model-origin">
                            {label.tag}
                          </span>
                        )}
                      </td>
                      <td>
                        <span className={`format format-${model.info.format}`}>{model.info.format}</span>
                      </td>
                      <td className="num">{formatBytes(model.info.sizeBytes)}</td>
                      <td className="num">{formatCount(model.info.parameters)}</td>
                      <td
                        className="num"
                        data-testid="model-row-macs"
                        data-open-dims-as-one={macs.openDimsAsOne ? 'true' : undefined}
                        title={macs.note === null ? undefined : `MACs counted ${macs.note === OPEN_DIMS_AS_ONE ? 'with every open input size taken as 1: set Input sizes for a real figure' : macs.note}`}
                      >
                        {macs.value}
                        {/* A stand-in count is marked in the row as in the summary; saved sizes are the model's own, told in the title. */}
                        {macs.openDimsAsOne && <span className="muted"> ({macs.note})</span>}
                      </td>
                      <td className="actions-cell" onClick={(event) => event.stopPropagation()}>
                        <button
                          type="button"
                          className="button tiny danger row-remove"
                          data-testid="model-remove"
                          aria-label={`Remove ${label.name}`}
                          title={`Remove ${label.name}${label.tag ? ` (${label.tag})` : ''}…`}
                          onClick={() => setRemoving(model)}
                        >
                          ✕
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {selected && (
            // The inspection (Summary/Graph) opens at the top of the right column, so `#/models/<id>/graph`
            // shows the graph at once; the longer variant and format forms fill the left column under the list.
            <div className="model-detail model-inspect-column">
              <ModelInspect
                model={selected}
                savedSizeMacs={savedSizeMacs.get(selected.id)}
                graph={graph}
                onGraphChange={(on) => onGraphChange(selected.id, on)}
              />
            </div>
          )}
          {selected && (
            <div className="model-detail model-forms-column" data-testid="model-forms">
              <VariantsPanel
                key={selected.id}
                model={selected}
                models={models}
                datasets={datasets}
                onSelect={onSelect}
                onError={onError}
                // A pruned variant against its parent on This computer, in one job: its page shows the speed-up against the first model.
                {...(bench ? { onBenchmark: (modelIds: string[]) => void bench.start({ modelIds, targetIds: ['local'], settings: {} }) } : {})}
              />
              <FormatsPanel
                key={`formats-${selected.id}`}
                model={selected}
                models={models}
                datasets={datasets}
                onSelect={onSelect}
                onError={onError}
                {...(bench ? { onBenchmark: (modelIds: string[], targetIds: string[]) => void bench.start({ modelIds, targetIds, settings: {} }), benchBusy: isBenchBusy(bench.state) } : {})}
              />
            </div>
          )}
        </div>
      )}
      {removing && (
        <RemoveModelDialog
          model={removing}
          models={models}
          onRemoved={(ids) => {
            // The open model went: open the first one left.
            if (selected && ids.includes(selected.id)) {
              const left = models.find((m) => !ids.includes(m.id));
              if (left) onSelect(left.id);
            }
          }}
          onClose={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
