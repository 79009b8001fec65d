import { useEffect, useState } from 'react';
import type { StudioApi } from '../../../shared/contract';
import type { RunFile } from '../../../shared/run-schema';
import { formatDate } from '../format';
import type { Theme } from '../hooks/useTheme';
import { LatencyHistogram } from './LatencyHistogram';
import { PercentileTable } from './PercentileTable';

interface Props {
  api: StudioApi;
  runId: string;
  theme: Theme;
  onError: (error: unknown) => void;
}

/** One run read from its file: histogram, statistics and warnings. */
export function RunDetail({ api, runId, theme, onError }: Props) {
  const [run, setRun] = useState<RunFile | null>(null);

  useEffect(() => {
    let live = true;
    api.runs.get({ id: runId }).then(
      (file) => live && setRun(file),
      (error: unknown) => live && onError(error),
    );
    return () => {
      live = false;
    };
  }, [api, runId, onError]);

  if (!run || run.id !== runId) return <div className="card muted">Reading the run…</div>;
  const s = run.settings;
  return (
    <article className="card run-detail" data-testid="run-detail" data-run-id={run.id}>
      <header className="run-header">
        <h2>
          {run.model.name}
          {run.model.variant !== 'float' && <span className="tag">{run.model.variant}</span>}
          <span className="muted"> on {run.target.name}</span>
        </h2>
        <p className="muted">
          {formatDate(run.createdAt)} · {run.runtime.name} {run.runtime.version} · {run.runtime.threads === 0 ? 'auto' : run.runtime.threads}{' '}
          threads · {s.warmupRuns} warmup, {s.runs} runs{s.minTimeMs > 0 ? `, at least ${s.minTimeMs} ms` : ''} ·{' '}
          {run.target.hardware.cpuModel}
        </p>
      </header>
      {run.warnings.length > 0 && (
        <ul className="warnings" data-testid="run-warnings">
          {run.warnings.map((warning) => (
            <li key={warning.code} className="banner banner-warning">
              <span className="banner-icon" aria-hidden="true">
                ⚠
              </span>
              <span className="banner-text">{warning.message}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="run-body">
        <LatencyHistogram latency={run.latencyMs} theme={theme} />
        <PercentileTable run={run} />
      </div>
      {run.inputs.length > 0 && (
        <p className="muted inputs-line">
          Inputs:{' '}
          {run.inputs.map((input) => `${input.name} ${input.dtype}[${input.shape.join('×')}] ${input.fill}`).join('; ')}
        </p>
      )}
    </article>
  );
}
