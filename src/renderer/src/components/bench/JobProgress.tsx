import { groupCellsByTarget, jobFailures, jobRunIds, type JobView } from '../../bench-job';
import { messageFor } from '../../../../shared/remedies';
import type { BenchJobState } from '../../hooks/useBenchJob';
import { ProgressBar } from './CellRow';
import { TargetCells } from './TargetCells';

interface Props {
  state: BenchJobState;
  onCancel: () => void;
  onDismiss: () => void;
  onOpenRun: (runId: string) => void;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function headline(job: JobView): string {
  const runs = jobRunIds(job).length;
  const failed = jobFailures(job);
  const total = job.cells.length;
  if (job.status === 'running') {
    if (job.cancelling) return 'Cancelling… finished cells keep their runs';
    return `Benchmark running · ${runs + failed} of ${plural(total, 'cell')} finished`;
  }
  if (job.status === 'cancelled') {
    const notRun = total - runs - failed;
    return `Benchmark cancelled: finished cells keep their runs (${plural(runs, 'run')} kept, ${plural(notRun, 'cell')} not run)`;
  }
  return failed === 0
    ? `Benchmark finished: ${plural(runs, 'run')}`
    : `Benchmark finished: ${plural(runs, 'run')}, ${plural(failed, 'cell')} failed`;
}

/** The running (or last) job: an overall bar, one row per cell grouped by target, Cancel while it runs. */
export function JobProgress({ state, onCancel, onDismiss, onOpenRun }: Props) {
  if (state.status === 'idle') return null;
  if (state.status === 'starting') {
    return (
      <div className="card bench-job" data-testid="bench-job" data-status="starting" aria-live="polite">
        <span>Planning the job…</span>
      </div>
    );
  }
  if (state.status === 'rejected') {
    return (
      <div className="card bench-failed" role="alert" data-testid="bench-failed">
        <div className="bench-failed-head">
          <strong>{state.error.code === 'CANCELLED' ? 'Benchmark cancelled' : 'The benchmark did not start'}</strong>
          <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </div>
        <p>{messageFor(state.error, 'ui')}</p>
      </div>
    );
  }
  const { job } = state;
  const running = job.status === 'running';
  const trouble = job.status === 'cancelled' || jobFailures(job) > 0;
  return (
    <div className={`card bench-job${trouble ? ' trouble' : ''}`} data-testid="bench-job" data-status={job.status} aria-live="polite">
      <div className="progress-head">
        <span data-testid="bench-job-headline">{headline(job)}</span>
        <span className="muted">{Math.round(job.fraction * 100)}%</span>
        {running ? (
          <button type="button" className="button danger" onClick={onCancel} disabled={job.cancelling} data-testid="bench-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className="button" onClick={onDismiss} data-testid="bench-dismiss">
            Dismiss
          </button>
        )}
      </div>
      {running && (
        <div data-testid="bench-progress">
          <ProgressBar fraction={job.fraction} label="Benchmark progress" />
        </div>
      )}
      {groupCellsByTarget(job.cells).map((group) => (
        <TargetCells key={group.targetId} job={job} group={group} onOpenRun={onOpenRun} />
      ))}
    </div>
  );
}
