import type { DatasetEntry } from '../../../../shared/contract';

interface Props {
  datasets: readonly DatasetEntry[];
  freshId: string | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onRemove: (dataset: DatasetEntry) => void;
}

function classSummary(classes: readonly string[]): string {
  if (classes.length === 0) return '—';
  const shown = classes.slice(0, 6).join(', ');
  return classes.length > 6 ? `${classes.length}: ${shown}, …` : `${classes.length}: ${shown}`;
}

/** The workspace's datasets with what accuracy can be measured on them. */
export function DatasetTable({ datasets, freshId, selectedId, onSelect, onRemove }: Props) {
  return (
    <div className="card list-card">
      <table className="table selectable" data-testid="dataset-table">
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Samples</th>
            <th>Classes</th>
            <th>Sample shape</th>
            <th>Labels</th>
            <th>Source</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {datasets.map((d) => (
            <tr
              key={d.id}
              data-testid="dataset-row"
              data-dataset-id={d.id}
              className={[d.id === freshId ? 'fresh' : '', d.id === selectedId ? 'selected' : ''].join(' ').trim() || undefined}
              tabIndex={0}
              aria-selected={d.id === selectedId}
              onClick={() => onSelect(d.id)}
              onKeyDown={(event) => event.key === 'Enter' && onSelect(d.id)}
            >
              <td className="name-cell">
                <span className="model-name">{d.name}</span>
                <code className="muted small">{d.id}</code>
              </td>
              <td className="num">{d.samples.toLocaleString('en-US')}</td>
              <td title={d.classes.join(', ')}>{classSummary(d.classes)}</td>
              <td>
                <code>[{d.sampleShape.join(', ')}]</code>
              </td>
              <td data-testid="dataset-labeled">
                {d.labeled ? 'labeled' : <span className="warn-text">unlabeled: fidelity only</span>}
              </td>
              <td className="muted description-cell" title={d.description}>
                {d.description}
              </td>
              <td onClick={(event) => event.stopPropagation()}>
                <button type="button" className="button tiny danger row-remove" data-testid="dataset-remove" aria-label={`Remove ${d.name}`} onClick={() => onRemove(d)}>
                  Remove…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
