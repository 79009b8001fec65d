import type { JobView, TargetGroup } from '../../bench-job';
import { formatBytes } from '../../../../shared/units';
import { CellRow } from './CellRow';

interface Props {
  job: JobView;
  group: TargetGroup;
  onOpenRun: (runId: string) => void;
}

/** One target's share of a job: its name, how far it got, a model upload under way, and its cells. */
export function TargetCells({ job, group, onOpenRun }: Props) {
  const states = group.cellIndexes.map((i) => job.cellStates[i] ?? { state: 'queued' as const });
  const finished = states.filter((s) => s.state === 'done' || s.state === 'failed').length;
  const failed = states.filter((s) => s.state === 'failed').length;
  const upload = job.uploads[group.targetId];
  const uploading = upload !== undefined && upload.sentBytes < upload.totalBytes;
  return (
    <section className="target-group" data-testid="bench-target-group" data-target-id={group.targetId} aria-label={group.targetName}>
      <header className="target-group-head">
        <span data-testid="bench-target-group-name">{group.targetName}</span>
        <span className="muted">
          {finished} of {group.cellIndexes.length} finished{failed > 0 ? `, ${failed} failed` : ''}
        </span>
        {uploading && (
          <span className="muted target-upload" data-testid="bench-target-upload">
            Uploading the model · {formatBytes(upload.sentBytes)} of {formatBytes(upload.totalBytes)}
          </span>
        )}
      </header>
      <ol className="cell-list">
        {group.cellIndexes.map((i) => {
          const cell = job.cells[i];
          return cell ? <CellRow key={cell.index} cell={cell} state={job.cellStates[i] ?? { state: 'queued' }} onOpenRun={onOpenRun} /> : null;
        })}
      </ol>
    </section>
  );
}
