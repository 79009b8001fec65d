import type { BenchPhase } from '../../../shared/contract';
import type { BenchJobState } from '../hooks/useBenchJob';

const PHASE_LABEL: Record<BenchPhase, string> = {
  starting: 'Starting the runner',
  loading: 'Loading the model',
  warmup: 'Warming up',
  measuring: 'Measuring',
  saving: 'Saving the run',
};

interface Props {
  state: BenchJobState;
  onCancel: () => void;
  onDismiss: () => void;
}

/** The running job's progress bar and Cancel button, or how the last job failed. */
export function BenchStatus({ state, onCancel, onDismiss }: Props) {
  if (state.status === 'idle') return null;
  if (state.status === 'failed') {
    const cancelled = state.error.code === 'CANCELLED';
    return (
      <div className={`card bench-failed${cancelled ? ' cancelled' : ''}`} role="alert" data-testid="bench-failed">
        <div className="bench-failed-head">
          <strong>{cancelled ? 'Benchmark cancelled' : 'Benchmark failed'}</strong>
          <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </div>
        <p>{state.error.message}</p>
        {state.runnerLog.length > 0 && (
          <>
            <p className="muted">Last lines from the runner:</p>
            <pre className="runner-log" data-testid="runner-log">
              {state.runnerLog.join('\n')}
            </pre>
          </>
        )}
      </div>
    );
  }
  const progress = state.status === 'running' ? state.progress : null;
  const fraction = progress?.fraction ?? 0;
  const label = progress ? PHASE_LABEL[progress.phase] : 'Starting the runner';
  const counted = progress && (progress.phase === 'warmup' || progress.phase === 'measuring') && progress.total > 0;
  const counts = counted ? ` · ${progress.completed} / ${progress.total}` : '';
  const cancelling = state.status === 'running' && state.cancelling;
  return (
    <div className="card bench-progress" data-testid="bench-progress" aria-live="polite">
      <div className="progress-head">
        <span>
          {cancelling ? 'Cancelling…' : label}
          <span className="muted">{counts}</span>
        </span>
        <span className="muted">{Math.round(fraction * 100)}%</span>
        <button
          type="button"
          className="button danger"
          onClick={onCancel}
          disabled={state.status !== 'running' || cancelling}
          data-testid="bench-cancel"
        >
          Cancel
        </button>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-label="Benchmark progress"
      >
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}
