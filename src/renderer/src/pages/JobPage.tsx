import { useLayoutEffect, useMemo, useRef } from 'react';
import { JobProgress } from '../components/bench/JobProgress';
import { ResultsGrid } from '../components/results/ResultsGrid';
import { accuracyBySha, buildResultsGrid, gridInputs } from '../components/results/results-grid';
import { useEvals, useModels, useRuns, useWorkspaceReady } from '../data/queries';
import { useNetworks } from '../data/network-queries';
import { formatDate } from '../format';
import type { BenchJob } from '../hooks/useBenchJob';
import { routeLink, useRoute } from '../hooks/usePage';

interface Props {
  jobId: string;
  bench: BenchJob;
  /** Dismiss on this page also leaves it, for the Runs page the job came from. */
  onDismiss: () => void;
  onOpenRun: (runId: string) => void;
}

/** One job's results, at the top of the page: its progress while it runs, then the grid of its cells. */
export function JobPage({ jobId, bench, onDismiss, onOpenRun }: Props) {
  const runs = useRuns();
  const models = useModels();
  const evals = useEvals();
  const networks = useNetworks();
  const ready = useWorkspaceReady();
  // The picked baseline lives in the URL (#/jobs/<id>/baseline/<cell key>), so a reload keeps it.
  const { route, navigate } = useRoute();
  const baseline = route.page === 'jobs' && route.jobId === jobId ? (route.baseline ?? null) : null;
  const live = bench.state.status === 'job' && bench.state.job.jobId === jobId ? bench.state.job : null;
  const accuracy = useMemo(() => accuracyBySha(evals, models), [evals, models]);
  const inputs = useMemo(() => gridInputs(live, jobId, runs, models, networks), [live, jobId, runs, models, networks]);
  const grid = useMemo(() => buildResultsGrid(inputs, accuracy, baseline), [inputs, accuracy, baseline]);
  const top = useRef<HTMLElement | null>(null);
  // The page opens at its top (the content pane keeps its scroll across pages otherwise).
  useLayoutEffect(() => {
    top.current?.closest('.content')?.scrollTo({ top: 0 });
  }, [jobId]);

  const firstRun = runs.find((r) => r.jobId === jobId);
  const progress = <JobProgress state={bench.state} onCancel={() => void bench.cancel()} onDismiss={onDismiss} onOpenRun={onOpenRun} />;
  return (
    <section className="page" aria-labelledby="job-title" ref={top} data-testid="job-page" data-job-id={jobId}>
      <header className="page-header">
        <div>
          <h1 id="job-title">Job results</h1>
          <p className="page-sub">
            {inputs.length} {inputs.length === 1 ? 'cell' : 'cells'}
            {firstRun ? ` · started ${formatDate(firstRun.createdAt)}` : ''} · job {jobId}
          </p>
        </div>
        <a className="button" href={routeLink({ page: 'runs', runId: null })}>
          All runs
        </a>
      </header>
      {/* While it runs, the progress leads; once done, the results do and the cell list follows. */}
      {live && live.status === 'running' && progress}
      {inputs.length > 0 ? (
        <ResultsGrid grid={grid} onBaseline={(key) => navigate({ page: 'jobs', jobId, baseline: key }, { replace: true })} />
      ) : (
        ready && (
          <div className="empty" data-testid="job-empty">
            <h2>No runs of this job in the workspace</h2>
            <p>
              Job {jobId} has no run files here (they may have been removed, or the link comes from another workspace).{' '}
              <a href={routeLink({ page: 'runs', runId: null })}>Open the Runs page</a> to start a benchmark.
            </p>
          </div>
        )
      )}
      {live && live.status !== 'running' && progress}
    </section>
  );
}
