import { cpusLabelPart } from '../../shared/cpu-pinning';
import { StudioError } from '../../shared/errors';
import { TARGET_KINDS } from '../../shared/plugins/target-kinds';
import type { RunFile } from '../../shared/run-schema';
import { modelVariantLabel } from '../../shared/variants';
import type { ReportContext, ReportInput, ReportRun } from './report-types';

/** What tells a run apart in a list: model (and variant), runtime, threads, the CPUs of a pinned run. */
export function runLabel(run: RunFile): string {
  const threads = run.settings.threads === 0 ? 'auto threads' : `${run.settings.threads} thread${run.settings.threads === 1 ? '' : 's'}`;
  // This computer (the kind never stored) goes unnamed; a board is named.
  const target = TARGET_KINDS[run.target.kind].stored === null ? '' : ` · ${run.target.name}`;
  return `${modelVariantLabel(run.model)} · ${run.runtime.name} · ${threads}${cpusLabelPart(run.settings.cpus)}${target}`;
}

/** Finds a run by its id, or by a prefix of it that names one run only (as git does). */
export function findRun<T extends { run: RunFile }>(runs: readonly T[], idOrPrefix: string): T {
  const exact = runs.find((entry) => entry.run.id === idOrPrefix);
  if (exact) return exact;
  const matches = runs.filter((entry) => entry.run.id.startsWith(idOrPrefix));
  if (matches.length === 1 && matches[0]) return matches[0];
  const ids = runs.map((entry) => entry.run.id).join(', ');
  if (matches.length > 1) {
    throw new StudioError('BAD_INPUT', `The baseline '${idOrPrefix}' matches ${matches.length} runs; give more of its id. Runs: ${ids}.`, {
      baseline: idOrPrefix,
    });
  }
  throw new StudioError('BAD_INPUT', `No run has the id '${idOrPrefix}'; the baseline must be one of the runs in the report: ${ids}.`, {
    baseline: idOrPrefix,
  });
}

export function buildReportContext(input: ReportInput): ReportContext {
  if (input.runs.length === 0) {
    const why = input.skipped.map((s) => `${s.path}: ${s.reason}`).join(' ');
    throw new StudioError('BAD_INPUT', `There is no run to report on.${why ? ` Every file was skipped. ${why}` : ''}`);
  }
  const labels = input.runs.map((entry) => runLabel(entry.run));
  const runs: ReportRun[] = input.runs.map((entry, i) => {
    const label = labels[i] as string;
    // Two runs of the same configuration (before/after a change) need their positions to be told apart.
    const unique = labels.filter((other) => other === label).length === 1;
    return { run: entry.run, path: entry.path, number: i + 1, label: unique ? label : `${label} #${i + 1}` };
  });
  let baseline: ReportRun | null = null;
  let baselineSource: ReportContext['baselineSource'] = 'none';
  if (input.baselineId !== undefined) {
    baseline = findRun(runs, input.baselineId);
    baselineSource = 'given';
  } else if (runs.length > 1) {
    baseline = runs[0] ?? null;
    baselineSource = 'first-run';
  }
  return {
    title: input.title ?? 'EdgeBench report',
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    runs,
    baseline,
    baselineSource,
    skipped: input.skipped,
  };
}
