import type { ModelEntry } from '../../../shared/contract';
import { formatBytes, formatCount, shortHash } from '../format';
import type { Theme } from '../hooks/useTheme';
import { CopyButton } from './CopyButton';
import { OpHistogram } from './OpHistogram';
import { InputSizes } from './InputSizes';
import { TensorTable } from './TensorTable';
import { hasOpenSizes } from '../input-sizes-form';

/** Everything the reader learned about one model. */
export function ModelInspect({ model, theme }: { model: ModelEntry; theme: Theme }) {
  const { info } = model;
  const macsByOp = Object.entries(info.macsByOp).filter(([, macs]) => macs > 0);
  return (
    <article className="card inspect" data-testid="model-inspect" aria-label={`Model ${model.name}`}>
      <header className="inspect-header">
        <h2>{model.name}</h2>
        <span className={`format format-${info.format}`}>{info.format}</span>
        {model.variant !== 'float' && <span className="tag">{model.variant}</span>}
      </header>
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
          <dd title={macsByOp.map(([op, macs]) => `${op}: ${macs.toLocaleString('en-US')}`).join('\n')}>
            {formatCount(info.macs)}
            {hasOpenSizes(info.inputs) && <span className="muted"> (open dims as 1)</span>}
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
      <OpHistogram ops={info.ops} theme={theme} />
      {info.notes.length > 0 && (
        <div className="notes">
          <h3 className="section-title">Notes</h3>
          <ul>
            {info.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}
