import { cpusLabelPart } from '../../shared/cpu-pinning';
import { RUNTIME_LABELS } from '../../shared/runtimes';
import type { RunFile } from '../../shared/run-schema';
import { modelVariantLabel } from '../../shared/variants';

function runtimeLabel(name: string): string {
  return name in RUNTIME_LABELS ? RUNTIME_LABELS[name as keyof typeof RUNTIME_LABELS] : name;
}

/** "demo-mnist · onnxruntime · 2 thr", then " · CPUs 0x2" for a pinned run; the variant joins the model name when it is not the float original. */
export function runLabel(run: RunFile): string {
  const model = modelVariantLabel(run.model);
  const threads = run.runtime.threads === 0 ? 'auto threads' : `${run.runtime.threads} thr`;
  return `${model} · ${runtimeLabel(run.runtime.name)} · ${threads}${cpusLabelPart(run.settings.cpus)}`;
}

/** Labels for runs shown together; runs that would read alike get their time added. */
export function distinctRunLabels(runs: readonly RunFile[]): string[] {
  const labels = runs.map(runLabel);
  return labels.map((label, i) => {
    if (labels.filter((other) => other === label).length < 2) return label;
    const time = new Date(runs[i]?.createdAt ?? '').toLocaleTimeString(undefined, { hour12: false });
    return `${label} · ${time}`;
  });
}
