import { useMemo } from 'react';
import { Bar, CartesianGrid, ComposedChart, ErrorBar, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { BetweenRunEstimate, RunFile } from '../../../../shared/run-schema';
import { formatAxisMs, formatMsRange } from '../../format';
import { formatMs } from '../../../../shared/units';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { axisStyle, tooltipStyles } from '../charts/ChartFrame';
import { acrossLabel, betweenRunCiText, repeatViews, type RepeatView } from '../../repeats-view';

interface ChartRow {
  label: string;
  /** The box: 25th to 75th percentile of the repeat's samples (a range bar). */
  box: [number, number] | null;
  medianMs: number;
  /** ErrorBar's offsets below and above the median: the repeat's within-run CI. */
  ciError: [number, number];
}

function chartRows(repeats: RepeatView[]): ChartRow[] {
  return repeats.map((r) => ({
    label: r.label,
    box: r.quartilesMs ? [r.quartilesMs.q1, r.quartilesMs.q3] : null,
    medianMs: r.medianMs,
    ciError: r.ci95 ? [r.medianMs - r.ci95.low, r.ci95.high - r.medianMs] : [0, 0],
  }));
}

/** The y range that holds every box, CI and the between-run band, with a little air. */
function yDomain(repeats: RepeatView[], betweenRun: BetweenRunEstimate): [number, number] {
  const values = repeats.flatMap((r) => [r.medianMs, r.quartilesMs?.q1, r.quartilesMs?.q3, r.ci95?.low, r.ci95?.high]);
  if (betweenRun.ci95) values.push(betweenRun.ci95.low, betweenRun.ci95.high);
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = (high - low) * 0.1 || high * 0.05 || 1;
  return [Math.max(0, low - pad), high + pad];
}

/**
 * A run measured in several fresh processes: a box per repeat (its middle half, its median and the
 * median's within-run CI), the between-run CI as a band across them, and the table behind it.
 */
export function RunRepeats({ run }: { run: RunFile }) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const repeats = useMemo(() => repeatViews(run), [run]);
  const rows = useMemo(() => chartRows(repeats), [repeats]);
  const betweenRun = run.betweenRun;
  if (repeats.length === 0 || !betweenRun) return null;
  const within = run.latencyMs.medianCi95;
  return (
    <section className="run-repeats" data-testid="run-repeats" data-repeats={repeats.length}>
      <h3 className="section-title">
        Repeats <span className="muted">{repeats.length} fresh runner processes, each loading the model anew</span>
      </h3>
      <dl className="ci-pair" data-testid="ci-pair">
        <div data-ci="within">
          <dt>Median 95% CI within this run</dt>
          <dd>{formatMsRange(within.low, within.high)}</dd>
          <dd className="muted">of the median of all samples pooled ({formatMs(run.latencyMs.median)}); blind to what changes between processes</dd>
        </div>
        <div data-ci="between" className={betweenRun.disagree ? 'disagree' : undefined}>
          <dt>Median 95% CI {acrossLabel(betweenRun.repeats)}</dt>
          <dd>{betweenRunCiText(betweenRun)}</dd>
          <dd className="muted">
            Median of medians {formatMs(betweenRun.medianMs)}. {betweenRun.method}
          </dd>
        </div>
      </dl>
      <div className="chart" data-testid="repeats-chart">
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart data={rows} margin={{ top: 12, right: 16, bottom: 18, left: 8 }}>
            <CartesianGrid vertical={false} stroke={colors.grid} />
            <XAxis dataKey="label" {...axisStyle(theme)} label={{ value: 'repeat', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }} />
            <YAxis
              type="number"
              domain={yDomain(repeats, betweenRun)}
              tickFormatter={formatAxisMs}
              {...axisStyle(theme)}
              width={56}
            />
            {betweenRun.ci95 && (
              <ReferenceArea y1={betweenRun.ci95.low} y2={betweenRun.ci95.high} fill={colors.bar} fillOpacity={0.12} stroke="none" ifOverflow="extendDomain" />
            )}
            <ReferenceLine y={betweenRun.medianMs} stroke={colors.text} strokeDasharray="4 3" label={{ value: 'median of medians', position: 'insideTopRight', fill: colors.text, fontSize: 11 }} />
            <Tooltip
              formatter={(value, name) => [Array.isArray(value) ? formatMsRange(Number(value[0]), Number(value[1])) : formatMs(Number(value)), name === 'box' ? 'middle half' : 'median']}
              {...tooltipStyles(theme)}
              itemStyle={{ color: colors.text }}
            />
            <Bar dataKey="box" fill={colors.bar} fillOpacity={0.35} stroke={colors.bar} barSize={28} isAnimationActive={false} />
            <Scatter dataKey="medianMs" fill={colors.text} isAnimationActive={false}>
              <ErrorBar dataKey="ciError" width={10} strokeWidth={1.5} stroke={colors.text} direction="y" />
            </Scatter>
          </ComposedChart>
        </ResponsiveContainer>
        <p className="chart-note muted">
          Latency in ms. Boxes: each repeat&apos;s middle half of samples; dot and whiskers: its median and within-run 95% CI; dashed line: the median of medians
          {betweenRun.ci95 ? `; band: the 95% CI ${acrossLabel(betweenRun.repeats)}` : ''}.
        </p>
      </div>
      <table className="table compact repeats-table" data-testid="repeats-table">
        <thead>
          <tr>
            <th>Repeat</th>
            <th className="num">Runs</th>
            <th className="num">Median</th>
            <th className="num">Within-run 95% CI</th>
            <th className="num">Init</th>
          </tr>
        </thead>
        <tbody>
          {repeats.map((r) => (
            <tr key={r.index} data-testid="repeat-row" data-repeat={r.index}>
              <td>{r.label}</td>
              <td className="num">{r.count.toLocaleString('en-US')}</td>
              <td className="num">{formatMs(r.medianMs)}</td>
              <td className="num">{r.ci95 ? formatMsRange(r.ci95.low, r.ci95.high) : 'too few samples'}</td>
              <td className="num">{formatMs(r.initMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
