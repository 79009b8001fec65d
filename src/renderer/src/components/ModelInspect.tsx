import { useState } from 'react';
import { BreakableText } from './BreakableText';
import type { ModelEntry, ModelMacs } from '../../../shared/contract';
import { formatCount, shortHash } from '../format';
import { formatBytes } from '../../../shared/units';
import { CopyButton } from './CopyButton';
import { OpHistogram } from './OpHistogram';
import { InputSizes } from './InputSizes';
import { TensorTable } from './TensorTable';
import { macsFigure } from '../macs-view';
import { ModelGraphView } from './graph/ModelGraphView';

interface Props {
  model: ModelEntry;
  savedSizeMacs?: ModelMacs;
  /** Show the model's graph instead of its summary (the `#/models/<id>/graph` route); the view keeps its own choice when not given. */
  graph?: boolean;
  onGraphChange?: (graph: boolean) => void;
}

/**
 * Everything the reader learned about one model, as a summary or as its laid-out graph.
 * `savedSizeMacs`, when the model has sizes saved for its open dims, is the engine's count at
 * those sizes (models.macs), shown instead of the reader's own (open dims as 1) with the note
 * `edgebench inspect` prints.
 */
export function ModelInspect({ model, savedSizeMacs, graph, onGraphChange }: Props) {
  const [ownGraph, setOwnGraph] = useState(false);
  const showGraph = graph ?? ownGraph;
  const setShowGraph = (on: boolean): void => {
    setOwnGraph(on);
    onGraphChange?.(on);
  };
  const { info } = model;
  return (
    <article className="card inspect" data-testid="model-inspect" aria-label={`Model ${model.name}`}>
      <header className="inspect-header">
        <h2 title={model.name}>
          <BreakableText text={model.name} />
        </h2>
        <span className={`format format-${info.format}`}>{info.format}</span>
        {model.variant !== 'float' && <span className="tag">{model.variant}</span>}
        <span className="inspect-views" role="tablist" aria-label="Model view">
          <button type="button" role="tab" className="button tiny" aria-selected={!showGraph} data-testid="model-view-summary" onClick={() => setShowGraph(false)}>
            Summary
          </button>
          <button type="button" role="tab" className="button tiny" aria-selected={showGraph} data-testid="model-view-graph" onClick={() => setShowGraph(true)}>
            Graph
          </button>
        </span>
      </header>
      {showGraph ? <ModelGraphView key={model.id} modelId={model.id} /> : <ModelSummary model={model} savedSizeMacs={savedSizeMacs} />}
    </article>
  );
}

function ModelSummary({ model, savedSizeMacs }: { model: ModelEntry; savedSizeMacs: ModelMacs | undefined }) {
  const { info } = model;
  const counted = savedSizeMacs ?? { macs: info.macs, macsByOp: info.macsByOp, atSavedSizes: false, notes: info.notes };
  const macsByOp = Object.entries(counted.macsByOp).filter(([, macs]) => macs > 0);
  const macs = macsFigure(info, counted);
  const notes = counted.notes;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Format</dt>
          <dd>{info.format.toUpperCase()}</dd>
        </div>
        <div>
          <dt>Format version</dt>
          <dd>{info.formatVersion ?? <span className="muted">not stated</span>}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(info.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Parameters</dt>
          <dd title={info.parameters.toLocaleString('en-US')}>{formatCount(info.parameters)}</dd>
        </div>
        <div>
          <dt>MACs / inference</dt>
          <dd data-testid="model-macs" title={macsByOp.map(([op, macs]) => `${op}: ${macs.toLocaleString('en-US')}`).join('\n')}>
            {macs.value}
            {macs.note !== null && <span className="muted"> ({macs.note})</span>}
          </dd>
        </div>
        <div>
          <dt>Producer</dt>
          <dd>{info.producer ?? <span className="muted">not stated</span>}</dd>
        </div>
        <div className="wide">
          <dt>SHA-256</dt>
          <dd className="hash">
            <code title={info.sha256}>{shortHash(info.sha256)}</code>
            <CopyButton text={info.sha256} label="Copy SHA-256" />
          </dd>
        </div>
      </dl>
      <div className="tensors">
        <InputSizes key={`${model.id}:${model.savedInputs?.updatedAt ?? ''}:${model.savedInputs?.fromModelId ?? ''}`} model={model} />
        <TensorTable tensors={info.outputs} testId="model-outputs" caption="Outputs" />
      </div>
      <OpHistogram ops={info.ops} />
      {notes.length > 0 && (
        <div className="notes" data-testid="model-notes">
          <h3 className="section-title">Notes</h3>
          <ul>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
