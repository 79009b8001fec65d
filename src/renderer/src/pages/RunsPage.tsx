import type { ModelEntry, StudioApi, TargetEntry } from '../../../shared/contract';
import type { RunSummary } from '../../../shared/run-schema';
import { BenchForm } from '../components/BenchForm';
import { BenchStatus } from '../components/BenchStatus';
import { RunDetail } from '../components/RunDetail';
import { RunsTable } from '../components/RunsTable';
import type { useBenchJob } from '../hooks/useBenchJob';
import type { Theme } from '../hooks/useTheme';

interface Props {
  api: StudioApi;
  theme: Theme;
  models: ModelEntry[];
  targets: TargetEntry[];
  runs: RunSummary[];
  bench: ReturnType<typeof useBenchJob>;
  selectedRunId: string | null;
  onSelectRun: (id: string) => void;
  onError: (error: unknown) => void;
}

export function RunsPage({ api, theme, models, targets, runs, bench, selectedRunId, onSelectRun, onError }: Props) {
  const selected = runs.some((r) => r.id === selectedRunId) ? selectedRunId : (runs[0]?.id ?? null);
  const busy = bench.state.status === 'running' || bench.state.status === 'starting';
  return (
    <section className="page" aria-labelledby="runs-title">
      <header className="page-header">
        <div>
          <h1 id="runs-title">Runs</h1>
          <p className="page-sub">Each run is one JSON file in the workspace&apos;s runs/ folder, raw samples included.</p>
        </div>
      </header>
      <BenchForm
        models={models}
        targets={targets}
        busy={busy}
        onStart={(request) => void bench.start(request)}
      />
      <BenchStatus state={bench.state} onCancel={() => void bench.cancel()} onDismiss={bench.dismiss} />
      <RunsTable runs={runs} selectedId={selected} onSelect={onSelectRun} />
      {selected && <RunDetail api={api} runId={selected} theme={theme} onError={onError} />}
    </section>
  );
}
