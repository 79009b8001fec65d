/** What the Home page lists, as data: recent jobs and runs, and the next step for this workspace. */
import type { DatasetEntry, ModelEntry } from '../../../../shared/contract';
import type { EvalRecord } from '../../../../shared/eval-schema';
import type { RunSummary } from '../../../../shared/run-schema';
import { routeLink } from '../../hooks/usePage';

export interface RecentJob {
  jobId: string;
  /** The newest run's time. */
  createdAt: string;
  runs: number;
  /** The cells the job planned (from its runs' job records); more than `runs` when some failed or were cancelled. */
  cells: number;
  models: string[];
  targets: string[];
  problems: number;
}

/** Jobs of more than one cell, newest first: single runs are listed as runs. */
export function recentJobs(runs: readonly RunSummary[], limit: number): RecentJob[] {
  const jobs = new Map<string, RecentJob>();
  for (const run of runs) {
    if (run.jobId === null) continue;
    const job = jobs.get(run.jobId) ?? { jobId: run.jobId, createdAt: run.createdAt, runs: 0, cells: 0, models: [], targets: [], problems: 0 };
    job.runs += 1;
    job.cells = Math.max(job.cells, run.jobCell?.cells ?? 0, job.runs);
    if (run.createdAt > job.createdAt) job.createdAt = run.createdAt;
    if (!job.models.includes(run.modelName)) job.models.push(run.modelName);
    if (!job.targets.includes(run.targetName)) job.targets.push(run.targetName);
    if (run.status !== 'completed') job.problems += 1;
    jobs.set(run.jobId, job);
  }
  return [...jobs.values()]
    .filter((job) => job.cells > 1)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, limit);
}

export interface NextStep {
  id: 'import-model' | 'start-run' | 'make-variant' | 'import-dataset' | 'evaluate' | 'compare' | 'link-formats';
  text: string;
  link: string;
  linkText: string;
}

/** "1 model", "3 models", "0 runs": a count and its noun, plural unless it is one. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What to do next, most basic first: nothing to benchmark → import; nothing measured → run; and so on. */
export function nextSteps(models: readonly ModelEntry[], runs: readonly RunSummary[], datasets: readonly DatasetEntry[], evals: readonly EvalRecord[]): NextStep[] {
  if (models.length === 0) {
    return [{ id: 'import-model', text: 'This workspace has no models yet. Import an ONNX, TFLite, TF.js or PyTorch model (or drop its file on the window).', link: routeLink({ page: 'models', modelId: null, graph: false }), linkText: 'Import a model' }];
  }
  const steps: NextStep[] = [];
  if (runs.length === 0) {
    steps.push({ id: 'start-run', text: `${models.length === 1 ? 'One model and no runs yet: benchmark it' : `${models.length} models and no runs yet: benchmark them`} on this computer or a board.`, link: routeLink({ page: 'runs', runId: null }), linkText: 'Start a run' });
  }
  const float = models.find((m) => m.origin === null && !models.some((v) => v.origin?.kind === 'quantized' && v.origin.parentId === m.id));
  if (float) {
    steps.push({ id: 'make-variant', text: `${float.name} has no quantized variant: make an int8 or fp16 one to see what quantization buys.`, link: routeLink({ page: 'models', modelId: float.id, graph: false }), linkText: 'Make a variant' });
  }
  if (datasets.length === 0) {
    steps.push({ id: 'import-dataset', text: 'No datasets: import labeled samples to measure accuracy after quantization.', link: routeLink({ page: 'datasets' }), linkText: 'Import a dataset' });
  } else if (evals.length === 0) {
    steps.push({ id: 'evaluate', text: 'No model has been evaluated: measure accuracy on a dataset.', link: routeLink({ page: 'accuracy' }), linkText: 'Evaluate accuracy' });
  }
  if (runs.length >= 2) {
    steps.push({ id: 'compare', text: 'Tick two or more runs on the Runs page to compare their latency distributions.', link: routeLink({ page: 'runs', runId: null }), linkText: 'Compare runs' });
  }
  return steps;
}
