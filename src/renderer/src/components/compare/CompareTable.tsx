import { headlineMedianMs, type PercentileName, type RunFile } from '../../../../shared/run-schema';
import { formatMsRange, formatPercent } from '../../format';
import { acrossLabel, betweenRunCiText, NO_REPEATS } from '../../repeats-view';
import { percentileCell } from '../../stats-view';
import { isSimulatedRun } from '../../simulated-view';
import { SIMULATED_TAG } from '../../board-view';
import { formatMiB, formatMs, formatSpeedup, measuredPeakBytes, NOT_MEASURED_ON_BOARD } from '../../../../shared/units';
import './compare.css';

export interface ComparedRun {
  run: RunFile;
  label: string;
  color: string;
}

interface Props {
  runs: ComparedRun[];
  baselineId: string;
  onBaseline: (runId: string) => void;
  onOpenRun: (runId: string) => void;
}

function Percentile({ name, run }: { name: PercentileName; run: RunFile }) {
  const cell = percentileCell(name, run.latencyMs[name], run.latencyMs.count);
  return (
    <td className={`num${cell.supported ? '' : ' too-few'}`} title={cell.title} data-stat={name}>
      {cell.text}
    </td>
  );
}

/** A board that measured no memory reports 0: that reads "not measured", never "0.0 MiB". */
function PeakRss({ run }: { run: RunFile }) {
  const measured = isSimulatedRun(run) ? null : measuredPeakBytes(run.memory.peakRssBytes);
  return (
    <td className="num" data-stat="peak-rss">
      {measured === null ? <span className="muted">{isSimulatedRun(run) ? `${NOT_MEASURED_ON_BOARD} (${SIMULATED_TAG})` : 'not measured'}</span> : formatMiB(measured)}
    </td>
  );
}

/** Side by side: one row per run, its percentiles and memory, and its speedup against the baseline. */
export function CompareTable({ runs, baselineId, onBaseline, onOpenRun }: Props) {
  const baseline = runs.find((r) => r.run.id === baselineId) ?? runs[0];
  const baseMs = baseline ? headlineMedianMs(baseline.run) : 0;
  return (
    <div className="card list-card compare-table-box" data-testid="compare-table-box">
      <table className="table compare-table" data-testid="compare-table">
        <thead>
          <tr>
            <th title="The run the speedups are measured against">Base</th>
            <th>Run</th>
            <th className="num" title="The reported median: with repeats the median of their medians">Median</th>
            <th className="num" title="Baseline median / this run's median">Speedup</th>
            <th className="num">p90</th>
            <th className="num">p99</th>
            <th className="num">Mean</th>
            <th className="num" title="Coefficient of variation: stddev / mean">CV</th>
            {/* One column, two lines: side by side the two CIs took the width the run's label needs. */}
            <th className="num" title="Within the run: of the median of all the run's samples pooled, blind to what changes between processes. Between runs: across fresh runs (repeats), what changes between processes included">
              95% CI within run
              <br />
              between runs
            </th>
            <th className="num">Peak RSS</th>
          </tr>
        </thead>
        <tbody>
          {runs.map(({ run, label, color }) => {
            const l = run.latencyMs;
            const isBase = run.id === baseline?.run.id;
            const medianMs = headlineMedianMs(run);
            const ratio = medianMs > 0 ? baseMs / medianMs : Number.NaN;
            return (
              <tr key={run.id} data-testid="compare-row" data-run-id={run.id} className={isBase ? 'baseline' : undefined}>
                <td>
                  <input
                    type="radio"
                    name="compare-baseline"
                    aria-label={`Use ${label} as the baseline`}
                    checked={isBase}
                    data-testid="compare-baseline-radio"
                    onChange={() => onBaseline(run.id)}
                  />
                </td>
                <td>
                  <div className="run-label">
                    <span className="swatch" style={{ background: color }} aria-hidden="true" />
                    <button type="button" className="link-button run-label-name" onClick={() => onOpenRun(run.id)} title={`${label}: open this run`}>
                      {label}
                    </button>
                    {run.verdict === 'unstable' && <span className="verdict verdict-unstable small">unstable</span>}
                  </div>
                </td>
                <td className="num" data-stat="median">{formatMs(medianMs)}</td>
                <td className={`num speedup${ratio > 1.005 ? ' faster' : ratio < 0.995 ? ' slower' : ''}`} data-testid="speedup">
                  {isBase ? 'baseline' : formatSpeedup(ratio)}
                </td>
                <Percentile name="p90" run={run} />
                <Percentile name="p99" run={run} />
                <td className="num">{formatMs(l.mean)}</td>
                <td className="num">{formatPercent(l.cv)}</td>
                <td className="num compare-ci">
                  <span className="compare-ci-line" data-stat="within-run-ci" title="Within the run">
                    {formatMsRange(l.medianCi95.low, l.medianCi95.high)}
                  </span>
                  <span
                    className={`compare-ci-line${run.betweenRun ? (run.betweenRun.disagree ? ' disagree' : '') : ' muted'}`}
                    data-stat="between-run-ci"
                    title={run.betweenRun ? `Between runs: ${acrossLabel(run.betweenRun.repeats)}; ${run.betweenRun.method}${run.betweenRun.disagree ? '; the repeats disagree beyond their own CIs' : ''}` : NO_REPEATS}
                  >
                    {betweenRunCiText(run.betweenRun)}
                  </span>
                </td>
                <PeakRss run={run} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
