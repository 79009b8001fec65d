import { countOf, recentJobs, nextSteps } from '../components/home/home-view';
import { linkFormatsSteps } from '../components/networks/home-steps';
import { useNetworkSuggestions } from '../data/network-queries';
import { modelLabelOf } from '../components/results/results-grid';
import { useDatasets, useEvals, useModels, useRuns, useWorkspaceInfo, useWorkspaceReady } from '../data/queries';
import { formatDate, formatThreads } from '../format';
import { cpusLabelPart } from '../../../shared/cpu-pinning';
import { summaryMedianText } from '../simulated-view';
import { isBenchBusy, type BenchJob } from '../hooks/useBenchJob';
import { routeLink } from '../hooks/usePage';
import '../components/results/results.css';

const RECENT = 6;

/** Where a session starts: what ran lately, what is wrong in the workspace, what to do next. */
export function HomePage({ bench }: { bench: BenchJob }) {
  const ready = useWorkspaceReady();
  const info = useWorkspaceInfo();
  const models = useModels();
  const runs = useRuns();
  const { datasets } = useDatasets();
  const evals = useEvals();
  const jobs = recentJobs(runs, RECENT);
  const suggestions = useNetworkSuggestions();
  const steps = [...nextSteps(models, runs, datasets, evals), ...linkFormatsSteps(suggestions, models)];
  const problems = [
    ...(info?.problems ?? []).map((p) => ({ key: p.path, text: `${p.path}: ${p.message}`, link: null })),
    ...models.flatMap((m) => (m.savedInputsProblem ? [{ key: m.id, text: `${m.name}: ${m.savedInputsProblem}`, link: routeLink({ page: 'models', modelId: m.id, graph: false }) }] : [])),
  ];
  const running = bench.state.status === 'job' && isBenchBusy(bench.state) ? bench.state.job : null;
  return (
    <section className="page" aria-labelledby="home-title" data-testid="home-page">
      <header className="page-header">
        <div>
          <h1 id="home-title">Home</h1>
          <p className="page-sub">
            {countOf(models.length, 'model')} · {countOf(runs.length, 'run')} · {countOf(datasets.length, 'dataset')} in {info?.path ?? 'this workspace'}
          </p>
        </div>
      </header>
      {running && (
        <div className="card" data-testid="home-running">
          A benchmark is running ({countOf(running.cells.length, 'cell')}, {Math.round(running.fraction * 100)}%).{' '}
          <a href={running.cells.length > 1 ? routeLink({ page: 'jobs', jobId: running.jobId }) : routeLink({ page: 'runs', runId: null })}>See its progress</a>
        </div>
      )}
      {ready && (
        <div className="home-grid">
          <div className="card" data-testid="home-next-steps">
            <h2 className="card-title">What to do next</h2>
            {steps.length === 0 ? (
              <p className="muted">Nothing obvious left: every model has runs, variants and an evaluation.</p>
            ) : (
              <ul className="home-list">
                {steps.map((step) => (
                  <li key={step.id} data-testid="home-next" data-step={step.id}>
                    {step.text} <a href={step.link}>{step.linkText}</a>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card" data-testid="home-jobs">
            <h2 className="card-title">Recent jobs</h2>
            {jobs.length === 0 ? (
              <p className="muted">No matrix jobs yet: a benchmark of several models, targets or thread counts shows here with its results grid.</p>
            ) : (
              <ul className="home-list">
                {jobs.map((job) => (
                  <li key={job.jobId} data-testid="home-job" data-job-id={job.jobId}>
                    <a href={routeLink({ page: 'jobs', jobId: job.jobId })}>
                      {job.runs} of {job.cells} cells · {job.models.join(', ')} on {job.targets.join(', ')}
                    </a>{' '}
                    <span className="muted">
                      {formatDate(job.createdAt)}
                      {job.problems > 0 ? ` · ${job.problems} not completed` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card" data-testid="home-runs">
            <h2 className="card-title">Recent runs</h2>
            {runs.length === 0 ? (
              <p className="muted">No runs yet.</p>
            ) : (
              <ul className="home-list">
                {runs.slice(0, RECENT).map((run) => (
                  <li key={run.id} data-testid="home-run" data-run-id={run.id}>
                    <a href={routeLink({ page: 'runs', runId: run.id })}>
                      {modelLabelOf(run.modelName, run.variant)} · {run.targetName} · {formatThreads(run.threads)}{cpusLabelPart(run.cpus)}
                    </a>{' '}
                    <span className="muted">
                      <span data-testid="home-run-median">{summaryMedianText(run)}</span> · {formatDate(run.createdAt)}
                      {run.status !== 'completed' ? ` · ${run.status}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card" data-testid="home-problems">
            <h2 className="card-title">Workspace problems</h2>
            {problems.length === 0 ? (
              <p className="muted">None: every file in the workspace was read.</p>
            ) : (
              <ul className="home-list">
                {problems.map((p) => (
                  <li key={p.key} data-testid="home-problem">
                    {p.text} {p.link && <a href={p.link}>Open</a>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
