import type { BenchCell, BenchPhase } from '../../../../shared/contract';
import { messageFor } from '../../../../shared/remedies';
import { cpusLabelPart } from '../../../../shared/cpu-pinning';
import { RUNTIME_LABELS } from '../../../../shared/runtimes';
import type { CellState } from '../../bench-job';
import { formatThreads } from '../../format';

const PHASE_LABEL: Record<BenchPhase, string> = {
  starting: 'Starting the runner',
  loading: 'Loading the model',
  warmup: 'Warming up',
  measuring: 'Measuring',
  profiling: 'Profiling ops',
  saving: 'Saving the run',
};

const STATE_LABEL: Record<CellState['state'], string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'not run',
};

export function ProgressBar({ fraction, label }: { fraction: number; label: string }) {
  const percent = Math.round(fraction * 100);
  return (
    <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={label}>
      <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
    </div>
  );
}

function phaseText(cell: Extract<CellState, { state: 'running' }>): string {
  const counted = (cell.phase === 'warmup' || cell.phase === 'measuring') && cell.total > 0;
  const repeat = cell.repeat === undefined ? '' : `Repeat ${cell.repeat.index} of ${cell.repeat.of} · `;
  return `${repeat}${PHASE_LABEL[cell.phase]}${counted ? ` · ${cell.completed} / ${cell.total}` : ''}`;
}

interface Props {
  cell: BenchCell;
  state: CellState;
  onOpenRun: (runId: string) => void;
}

/** One cell of a matrix job (model · runtime · threads, then its CPUs when the job pins, under its target's heading) with its own state and bar. */
export function CellRow({ cell, state, onOpenRun }: Props) {
  const partialRunId = state.state === 'failed' ? state.partialRunId : undefined;
  return (
    <li className={`cell-row cell-${state.state}`} data-testid="bench-cell" data-state={state.state} data-cell={cell.index} data-target-id={cell.targetId} data-run-id={state.state === 'done' ? state.runId : undefined}>
      <div className="cell-head">
        <span className="cell-name">
          {cell.modelName} <span className="muted">· {RUNTIME_LABELS[cell.runtime]} · {formatThreads(cell.threads)}{cpusLabelPart(cell.cpus)}</span>
        </span>
        <span className={`cell-state state-${state.state}`}>{STATE_LABEL[state.state]}</span>
        {state.state === 'done' && (
          <button type="button" className="button tiny" data-testid="bench-cell-open" onClick={() => onOpenRun(state.runId)}>
            Open run
          </button>
        )}
        {partialRunId !== undefined && (
          <button type="button" className="button tiny" data-testid="bench-cell-open-partial" onClick={() => onOpenRun(partialRunId)}>
            Open partial run
          </button>
        )}
      </div>
      {state.state === 'running' && (
        <div className="cell-progress">
          <span className="muted">{phaseText(state)}</span>
          <ProgressBar fraction={state.fraction} label={`${cell.modelName} on ${cell.targetName} progress`} />
        </div>
      )}
      {state.state === 'failed' && (
        <div className="cell-error">
          <p data-testid="bench-cell-error">{messageFor(state.error, 'ui')}</p>
          {state.runnerLog.length > 0 && (
            <details>
              <summary>The runner&apos;s last {state.runnerLog.length === 1 ? 'line' : `${state.runnerLog.length} lines`}</summary>
              <pre className="runner-log" data-testid="runner-log">
                {state.runnerLog.join('\n')}
              </pre>
            </details>
          )}
        </div>
      )}
    </li>
  );
}
