import type { ModelEntry } from '../../../../shared/contract';
import type { EvalResult } from '../../../../shared/eval-schema';
import type { EvalRow } from '../../accuracy';
import { formatPercent } from '../../format';
import { formatBytes } from '../../../../shared/units';
import { parentOf } from '../../variant-view';

interface Props {
  rows: readonly EvalRow[];
  models: readonly ModelEntry[];
  selectedId: string | null;
  onSelect: (modelId: string) => void;
}

type Column = { key: string; title: string; hint?: string; value: (r: EvalResult) => number | null; format: (v: number) => string; why: (r: EvalResult) => string };

const noLabels = (r: EvalResult): string => r.notes.find((n) => /label/i.test(n)) ?? 'The dataset has no labels: accuracy cannot be measured; fidelity still can.';
const noReference = (r: EvalResult): string =>
  r.reference === null ? 'No float reference to compare with.' : r.reference === r.model ? 'This is the reference the others are compared with.' : 'Identical to the reference.';

const COLUMNS: Column[] = [
  { key: 'top1', title: 'Top-1', value: (r) => r.top1, format: (v) => formatPercent(v, 2), why: noLabels },
  { key: 'top5', title: 'Top-5', value: (r) => r.top5, format: (v) => formatPercent(v, 2), why: noLabels },
  { key: 'agreement', title: 'Agreement', hint: 'Samples whose top-1 class matches the float model’s', value: (r) => r.agreement, format: (v) => formatPercent(v, 2), why: noReference },
  { key: 'cosine', title: 'Cosine', hint: 'Cosine similarity of the outputs with the float model’s', value: (r) => r.cosine, format: (v) => v.toFixed(5), why: noReference },
  { key: 'sqnr', title: 'SQNR', hint: 'Signal-to-quantization-noise ratio of the outputs, in dB (higher is closer)', value: (r) => r.sqnrDb, format: (v) => `${v.toFixed(1)} dB`, why: noReference },
  { key: 'maxabs', title: 'Max abs error', hint: 'Largest difference of one output value from the float model’s', value: (r) => r.maxAbsError, format: (v) => v.toPrecision(3), why: noReference },
];

/** Accuracy and fidelity of each evaluated model; a row picks the model the per-class view shows. */
export function EvalTable({ rows, models, selectedId, onSelect }: Props) {
  const notes = [...new Set(rows.flatMap((r) => r.record.result.notes))];
  if (new Set(rows.map((r) => r.record.result.samples)).size > 1) {
    notes.push('These rows were evaluated on different numbers of samples; evaluate them together for a fair comparison.');
  }
  return (
    <div className="card list-card">
      <table className="table selectable eval-table" data-testid="eval-table">
        <thead>
          <tr>
            <th>Model</th>
            <th>Variant</th>
            <th className="num">Size</th>
            {COLUMNS.map((c) => (
              <th key={c.key} className="num" title={c.hint}>
                {c.title}
              </th>
            ))}
            <th className="num">Samples</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ model, record }) => {
            const parent = parentOf(model, models);
            const share = parent && parent.info.sizeBytes > 0 ? model.info.sizeBytes / parent.info.sizeBytes : null;
            return (
              <tr
                key={model.id}
                data-testid="eval-row"
                data-model-id={model.id}
                className={model.id === selectedId ? 'selected' : undefined}
                tabIndex={0}
                aria-selected={model.id === selectedId}
                onClick={() => onSelect(model.id)}
                onKeyDown={(event) => event.key === 'Enter' && onSelect(model.id)}
              >
                <td className="name-cell">
                  {/* A quantized variant is named after its parent; the Variant column says which one it is. */}
                  {model.origin?.kind === 'quantized' && parent ? parent.name : model.name}{' '}
                  <span className={`format format-${model.info.format}`}>{model.info.format}</span>
                </td>
                <td>
                  <span className="tag">{model.variant}</span>
                </td>
                <td className="num">
                  {formatBytes(model.info.sizeBytes)}
                  {share !== null && <span className="muted small"> ({formatPercent(share, 0)})</span>}
                </td>
                {COLUMNS.map((c) => {
                  const value = c.value(record.result);
                  return value === null ? (
                    <td key={c.key} className="num muted" data-stat={c.key} title={c.why(record.result)}>
                      —
                    </td>
                  ) : (
                    <td key={c.key} className="num" data-stat={c.key}>
                      {c.format(value)}
                    </td>
                  );
                })}
                <td className="num">{record.result.samples.toLocaleString('en-US')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notes.length > 0 && (
        <ul className="table-notes" data-testid="eval-notes">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
