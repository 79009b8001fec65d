/**
 * One run against a baseline, metric by metric. ratio = current / baseline (above 1 is slower);
 * speedup = baseline / current (above 1 is faster); change = (current − baseline) / baseline in %.
 * Percentiles with too few samples in either run are not compared (see PERCENTILE_MIN_SAMPLES).
 */
import { percentileSupported, type PercentileName, type RunFile } from '../../shared/run-schema';

export const DEFAULT_MAX_REGRESSION_PCT = 5;

export interface MetricComparison {
  metric: 'median' | PercentileName;
  /** False when either run has too few samples for this percentile. */
  supported: boolean;
  baselineMs: number;
  currentMs: number;
  ratio: number;
  speedup: number;
  changePct: number;
}

export interface RunComparison {
  metrics: MetricComparison[];
  median: MetricComparison;
  /** True when the current median is slower than the baseline's by more than the allowed percent. */
  regressed: boolean;
  maxRegressionPct: number;
  /** Things that make the comparison weaker, in full sentences (different model, unstable run...). */
  caveats: string[];
}

function metric(name: MetricComparison['metric'], baseline: RunFile, current: RunFile): MetricComparison {
  const b = name === 'median' ? baseline.latencyMs.median : baseline.latencyMs[name];
  const c = name === 'median' ? current.latencyMs.median : current.latencyMs[name];
  const supported = name === 'median' || (percentileSupported(name, baseline.latencyMs.count) && percentileSupported(name, current.latencyMs.count));
  return { metric: name, supported, baselineMs: b, currentMs: c, ratio: c / b, speedup: b / c, changePct: ((c - b) / b) * 100 };
}

export function compareRuns(baseline: RunFile, current: RunFile, maxRegressionPct = DEFAULT_MAX_REGRESSION_PCT): RunComparison {
  const median = metric('median', baseline, current);
  const caveats: string[] = [];
  if (baseline.model.sha256 !== current.model.sha256) {
    caveats.push(`The runs are of different model files (${baseline.model.name} ${baseline.model.sha256.slice(0, 12)} vs ${current.model.name} ${current.model.sha256.slice(0, 12)}).`);
  }
  if (baseline.target.hardware.cpuModel !== current.target.hardware.cpuModel) {
    caveats.push(`The runs were measured on different CPUs (${baseline.target.hardware.cpuModel} vs ${current.target.hardware.cpuModel}).`);
  }
  for (const [name, run] of [['baseline', baseline], ['current', current]] as const) {
    if (run.verdict === 'unstable') {
      caveats.push(`The ${name} run is unstable (${run.warnings.map((w) => w.code).join(', ')}); its median may move between runs.`);
    }
  }
  return {
    metrics: [median, metric('p90', baseline, current), metric('p99', baseline, current)],
    median,
    regressed: median.changePct > maxRegressionPct,
    maxRegressionPct,
    caveats,
  };
}
