/**
 * Two CSV files (RFC 4180): one row per run with the key metrics, and every sample. Numbers are
 * written in full precision so they read back exactly; a percentile with too few samples is an
 * empty cell, as the other formats say "too few samples".
 */
import { percentileSupported, type PercentileName, type RunFile } from '../../../shared/run-schema';
import type { FormatExporter } from '../exporter';
import type { ReportRun } from '../report-types';

type Value = string | number | boolean | null | undefined;

/** Quotes a field when it needs it. A text field starting with = + - @ would run as a spreadsheet formula, so it gets a leading '. */
export function csvField(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(values: Value[]): string {
  return values.map(csvField).join(',');
}

/** The run's own percentile, or null (an empty cell) where its sample count cannot support it. */
function supportedPercentile(run: RunFile, name: PercentileName): number | null {
  return percentileSupported(name, run.latencyMs.count) ? run.latencyMs[name] : null;
}

/** The runs.csv columns, one line each: header and value. */
const RUN_COLUMNS: Array<[string, (entry: ReportRun, baseline: ReportRun | null) => Value]> = [
  ['run_id', (e) => e.run.id],
  ['created_at', (e) => e.run.createdAt],
  ['label', (e) => e.label],
  ['model', (e) => e.run.model.name],
  ['model_format', (e) => e.run.model.format],
  ['variant', (e) => e.run.model.variant],
  ['model_sha256', (e) => e.run.model.sha256],
  ['model_size_bytes', (e) => e.run.model.sizeBytes],
  ['target', (e) => e.run.target.name],
  ['target_kind', (e) => e.run.target.kind],
  ['arch', (e) => e.run.target.hardware.arch],
  ['cpu_model', (e) => e.run.target.hardware.cpuModel],
  ['cores', (e) => e.run.target.hardware.cores],
  ['os', (e) => e.run.target.hardware.os],
  ['runtime', (e) => e.run.runtime.name],
  ['runtime_version', (e) => e.run.runtime.version],
  ['backend', (e) => e.run.runtime.backend],
  ['threads', (e) => e.run.settings.threads],
  ['mode', (e) => e.run.settings.mode],
  ['warmup_runs', (e) => e.run.settings.warmupRuns],
  ['count', (e) => e.run.latencyMs.count],
  ['median_ms', (e) => e.run.latencyMs.median],
  ['median_ci95_low_ms', (e) => e.run.latencyMs.medianCi95.low],
  ['median_ci95_high_ms', (e) => e.run.latencyMs.medianCi95.high],
  ['mean_ms', (e) => e.run.latencyMs.mean],
  ['p50_ms', (e) => supportedPercentile(e.run, 'p50')],
  ['p90_ms', (e) => supportedPercentile(e.run, 'p90')],
  ['p95_ms', (e) => supportedPercentile(e.run, 'p95')],
  ['p99_ms', (e) => supportedPercentile(e.run, 'p99')],
  ['min_ms', (e) => e.run.latencyMs.min],
  ['max_ms', (e) => e.run.latencyMs.max],
  ['stddev_ms', (e) => e.run.latencyMs.stddev],
  ['cv', (e) => e.run.latencyMs.cv],
  ['throughput_per_s', (e) => e.run.latencyMs.throughputPerSec],
  ['outliers_mad', (e) => e.run.latencyMs.outliers.madZ],
  ['init_ms', (e) => e.run.initMs],
  ['first_inference_ms', (e) => e.run.firstInferenceMs],
  ['peak_rss_bytes', (e) => e.run.memory.peakRssBytes],
  ['model_load_rss_bytes', (e) => e.run.memory.modelLoadRssBytes],
  ['verdict', (e) => e.run.verdict],
  ['warnings', (e) => e.run.warnings.map((w) => w.code).join(';')],
  ['speedup_vs_baseline', (e, b) => (b ? b.run.latencyMs.median / e.run.latencyMs.median : null)],
  // The accelerator record (Python runner engines; empty for CPU-only runtimes): what was asked, what ran, and where the ops went with who said so.
  ['accelerator_requested', (e) => e.run.accelerator?.requested.join(';')],
  ['accelerator_used', (e) => e.run.accelerator?.used.join(';')],
  ['accelerator_unavailable', (e) => e.run.accelerator?.unavailable.map((missing) => `${missing.name}: ${missing.reason}`).join(';')],
  ['ops_placement_source', (e) => e.run.accelerator?.ops?.source],
  ['ops_on_accelerator', (e) => e.run.accelerator?.ops?.onAccelerator],
  ['ops_on_cpu', (e) => e.run.accelerator?.ops?.onCpu],
];

export const RUNS_CSV_HEADER = RUN_COLUMNS.map(([name]) => name);

export const csvExporter: FormatExporter = {
  async export(report) {
    const runs = [csvLine(RUNS_CSV_HEADER), ...report.runs.map((entry) => csvLine(RUN_COLUMNS.map(([, value]) => value(entry, report.baseline))))];
    const samples = ['run_id,index,latency_ms'];
    for (const entry of report.runs) {
      const id = csvField(entry.run.id);
      entry.run.latencyMs.samples.forEach((ms, i) => samples.push(`${id},${i},${ms}`));
    }
    return [
      { suffix: '', mediaType: 'text/csv', data: `${runs.join('\r\n')}\r\n`, description: 'one row per run' },
      { suffix: '-samples.csv', mediaType: 'text/csv', data: `${samples.join('\r\n')}\r\n`, description: 'every measured latency' },
    ];
  },
};
