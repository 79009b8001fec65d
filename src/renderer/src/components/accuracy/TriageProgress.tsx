import type { TriageStepName } from '../../../../shared/triage';
import type { TriageJobState } from '../../hooks/useTriageJob';
import { messageFor } from '../../../../shared/remedies';

const STEPS: Array<{ step: TriageStepName; label: string }> = [
  { step: 'quantize', label: 'Make the variant' },
  { step: 'evaluate', label: 'Evaluate' },
  { step: 'benchmark', label: 'Benchmark' },
];

interface Props {
  state: TriageJobState;
  onCancel: () => void;
  onDismiss: () => void;
}

/** The one progress view of "Keep in float and compare": its three steps, the cell of the benchmark, Cancel, and how it ended. */
export function TriageProgress({ state, onCancel, onDismiss }: Props) {
  if (state.status === 'idle' || state.status === 'rejected') return null;
  const running = state.status === 'running' ? state : null;
  const done = state.status === 'ended' ? state.done : null;
  const current: TriageStepName | null = running ? running.reached : (done?.at ?? null);
  const order = STEPS.map((s) => s.step);
  const stateOf = (step: TriageStepName): 'done' | 'running' | 'waiting' | 'stopped' => {
    if (done?.state === 'completed') return 'done';
    if (current === null) return 'waiting';
    const at = order.indexOf(current);
    const mine = order.indexOf(step);
    if (mine < at) return 'done';
    if (mine > at) return 'waiting';
    return done ? 'stopped' : 'running';
  };
  const progress = running?.progress ?? null;
  const fraction = done?.state === 'completed' ? 1 : (progress?.fraction ?? 0);
  return (
    <div className="triage-progress" data-testid="triage-progress" data-status={done ? done.state : 'running'}>
      <div className="progress-head">
        <span>
          {done
            ? done.state === 'completed'
              ? 'Kept in float and compared'
              : done.state === 'cancelled'
                ? 'Cancelled'
                : 'Stopped by an error'
            : state.status === 'starting'
              ? 'Starting…'
              : (progress?.message ?? 'Starting…')}
        </span>
        {running && (
          <button type="button" className="button" disabled={running.cancelling} onClick={onCancel} data-testid="triage-cancel">
            {running.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {done && (
          <button type="button" className="button" onClick={onDismiss} data-testid="triage-dismiss">
            Dismiss
          </button>
        )}
      </div>
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <ol className="triage-steps">
        {STEPS.map(({ step, label }) => {
          const s = stateOf(step);
          const cell = step === 'benchmark' && progress?.step === 'benchmark' && progress.cell !== undefined ? ` · cell ${progress.cell} of ${progress.cells}` : '';
          return (
            <li key={step} className={`triage-step ${s}`} data-testid="triage-step" data-step={step} data-state={s}>
              {label}
              {s === 'running' && cell}
            </li>
          );
        })}
      </ol>
      {done?.state === 'failed' && done.error && (
        <p className="triage-error" data-testid="triage-error">
          {messageFor(done.error, 'ui')}
        </p>
      )}
      {done && done.state !== 'failed' && done.session.steps.at(-1)?.stopped && <p className="muted">{done.session.steps.at(-1)?.stopped?.reason}</p>}
      {done && done.failedCells > 0 && (
        <p className="muted" data-testid="triage-failed-cells">
          {done.failedCells} benchmark cell{done.failedCells === 1 ? '' : 's'} failed; the Runs page shows why.
        </p>
      )}
    </div>
  );
}
