import type { RunSummary } from '../../../shared/run-schema';
import { formatDate, formatMs } from '../format';

interface Props {
  runs: RunSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function RunsTable({ runs, selectedId, onSelect }: Props) {
  if (runs.length === 0) {
    return (
      <div className="empty small" data-testid="runs-empty">
        <p>No runs yet. Choose a model and a target above and press <strong>Start</strong>.</p>
      </div>
    );
  }
  return (
    <div className="card list-card">
      <table className="table selectable">
        <thead>
          <tr>
            <th>Date</th>
            <th>Model</th>
            <th>Target</th>
            <th>Runtime</th>
            <th className="num">Threads</th>
            <th className="num">Median</th>
            <th className="num">p90</th>
            <th className="num">Runs</th>
            <th className="num">Warnings</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr
              key={run.id}
              className={run.id === selectedId ? 'selected' : undefined}
              data-testid="run-row"
              data-run-id={run.id}
              tabIndex={0}
              aria-selected={run.id === selectedId}
              onClick={() => onSelect(run.id)}
              onKeyDown={(event) => event.key === 'Enter' && onSelect(run.id)}
            >
              <td>{formatDate(run.createdAt)}</td>
              <td>
                {run.modelName}
                {run.variant !== 'float' && <span className="tag">{run.variant}</span>}
              </td>
              <td>{run.targetName}</td>
              <td>{run.runtime}</td>
              <td className="num">{run.threads === 0 ? 'auto' : run.threads}</td>
              <td className="num">{formatMs(run.median)}</td>
              <td className="num">{formatMs(run.p90)}</td>
              <td className="num">{run.count}</td>
              <td className="num">{run.warnings > 0 ? <span className="warn-count">{run.warnings}</span> : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
