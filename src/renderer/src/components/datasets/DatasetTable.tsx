import type { DatasetEntry } from '../../../../shared/contract';

interface Props {
  datasets: readonly DatasetEntry[];
  freshId: string | null;
}

function classSummary(classes: readonly string[]): string {
  if (classes.length === 0) return '—';
  const shown = classes.slice(0, 6).join(', ');
  return classes.length > 6 ? `${classes.length}: ${shown}, …` : `${classes.length}: ${shown}`;
}

/** The workspace's datasets with what accuracy can be measured on them. */
export function DatasetTable({ datasets, freshId }: Props) {
  return (
    <div className="card list-card">
      <table className="table" data-testid="dataset-table">
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Samples</th>
            <th>Classes</th>
            <th>Sample shape</th>
            <th>Labels</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {datasets.map((d) => (
            <tr key={d.id} data-testid="dataset-row" data-dataset-id={d.id} className={d.id === freshId ? 'fresh' : undefined}>
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
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
