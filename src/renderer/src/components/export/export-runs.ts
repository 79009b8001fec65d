import { cpusLabelPart } from '../../../../shared/cpu-pinning';
import type { RunSummary } from '../../../../shared/run-schema';
import { RUNTIME_LABELS } from '../../../../shared/runtimes';
import { modelVariantLabel } from '../../../../shared/variants';
import type { ExportRun } from './ExportOptions';

/** "demo-mnist · LiteRT (TFLite) · 1 thr" (" · CPUs 0x2" when pinned), as run-label.ts names a run file. */
function summaryLabel(run: RunSummary): string {
  const model = modelVariantLabel({ name: run.modelName, variant: run.variant });
  // The summary's runtime is "name version".
  const name = run.runtime.split(' ')[0] ?? run.runtime;
  const runtime = name in RUNTIME_LABELS ? RUNTIME_LABELS[name as keyof typeof RUNTIME_LABELS] : name;
  const threads = run.threads === 0 ? 'auto threads' : `${run.threads} thr`;
  return `${model} · ${runtime} · ${threads}${cpusLabelPart(run.cpus)}`;
}

/**
 * The runs `ids` names, labelled for the export dialog; runs that would read alike get their
 * target and time added. Ids no longer listed are left out.
 */
export function exportRunsFromSummaries(runs: readonly RunSummary[], ids: readonly string[]): ExportRun[] {
  const chosen = ids.flatMap((id) => runs.filter((r) => r.id === id));
  const labels = chosen.map(summaryLabel);
  return chosen.map((run, i) => {
    const label = labels[i] ?? run.id;
    if (labels.filter((other) => other === label).length < 2) return { id: run.id, label };
    const time = new Date(run.createdAt).toLocaleTimeString(undefined, { hour12: false });
    return { id: run.id, label: `${label} · ${run.targetName} · ${time}` };
  });
}
