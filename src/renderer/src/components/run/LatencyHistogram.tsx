import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { percentileSupported, type LatencyStats } from '../../../../shared/run-schema';
import { formatMs } from '../../../../shared/units';
import { binLatency, sharedRange, type HistogramBin } from '../../histogram';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartBox } from '../charts/ChartBox';
import { ChartFrame, axisStyle, tooltipStyles } from '../charts/ChartFrame';
import { useLatencyView } from '../charts/LatencyAxisControls';
import { hiddenTail, overflowCount } from '../charts/latency-axis';

interface Row {
  /** Unique category key: labels of narrow bins could repeat. */
  key: string;
  label: string;
  count: number;
  range: string;
  overflow: boolean;
}

/** Enough decimals that neighbouring bins get different labels. */
function decimalsFor(bins: HistogramBin[]): number {
  const first = bins[0];
  const widthMs = first ? first.toMs - first.fromMs : 0;
  return widthMs > 0 ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(widthMs)))) : 3;
}

/** A bin's label: its middle, geometric on a log axis. */
function middleOf(bin: HistogramBin, log: boolean): number {
  return log ? Math.sqrt(bin.fromMs * bin.toMs) : (bin.fromMs + bin.toMs) / 2;
}

function toRows(bins: HistogramBin[], log: boolean): Row[] {
  const decimals = decimalsFor(bins);
  return bins.map((bin, i) => ({
    key: String(i),
    label: bin.overflow ? `>${bin.fromMs.toFixed(decimals)}` : log ? Number(middleOf(bin, log).toPrecision(3)).toString() : middleOf(bin, log).toFixed(decimals),
    count: bin.count,
    range: bin.overflow
      ? `slower than ${formatMs(bin.fromMs)} (up to ${formatMs(bin.toMs)})`
      : `${formatMs(bin.fromMs)} – ${formatMs(bin.toMs)}`,
    overflow: bin.overflow,
  }));
}

/** Every k-th bin gets a label, about eight in all; a fixed interval spares recharts measuring every label's text. */
export function tickInterval(bins: number): number {
  return Math.max(0, Math.ceil(bins / 8) - 1);
}

/** The bin holding `valueMs`, as its category key, for a reference line. */
function keyOf(rows: Row[], bins: HistogramBin[], valueMs: number): string | undefined {
  const index = bins.findIndex((bin, i) => valueMs <= bin.toMs || i === bins.length - 1);
  return rows[index]?.key;
}

interface Props {
  runId: string;
  latency: LatencyStats;
}

/**
 * How the measured latencies spread: at most 40 bins, equal in width (linear axis) or in
 * log(latency) (log axis), median and p90 marked. Binning keeps the chart to a few dozen bars
 * whatever the sample count. The bins stop at the outlier fence and a note says what lies beyond,
 * until the user asks to show all.
 */
export function LatencyHistogram({ runId, latency }: Props) {
  const { theme } = useTheme();
  const [view, setView] = useLatencyView();
  const log = view.scale === 'log';
  // The overflow bin is not drawn: the note below counts what it held.
  const { bins, beyondFence } = useMemo(() => {
    const all = binLatency(latency, 40, { spacing: view.scale, fence: !view.showAll });
    return { bins: all.filter((bin) => !bin.overflow), beyondFence: overflowCount([all]) };
  }, [latency, view.scale, view.showAll]);
  const rows = useMemo(() => toRows(bins, log), [bins, log]);
  const range = useMemo(() => sharedRange([latency]), [latency]);
  const tail = range ? hiddenTail(beyondFence, range, view) : null;
  const colors = chartColors(theme);
  const medianKey = keyOf(rows, bins, latency.median);
  // p90 is marked only where the sample count supports it (see PERCENTILE_MIN_SAMPLES).
  const p90Key = percentileSupported('p90', latency.count) ? keyOf(rows, bins, latency.p90) : undefined;
  const byKey = new Map(rows.map((row) => [row.key, row]));

  return (
    <ChartFrame
      testId="latency-histogram"
      card={false}
      data={{ 'data-run-id': runId }}
      title="Latency distribution"
      subtitle={`${latency.count.toLocaleString('en-US')} measured runs`}
      latency={{ name: `run-${runId}`, view, onChange: setView, fence: { tail, range } }}
    >
      <ChartBox height={260}>
        {(width) => (
          <BarChart width={width} height={260} data={rows} margin={{ top: 18, right: 16, bottom: 18, left: 0 }} barCategoryGap={1}>
            <CartesianGrid vertical={false} stroke={colors.grid} />
            <XAxis
              dataKey="key"
              tickFormatter={(key: string) => byKey.get(key)?.label ?? ''}
              {...axisStyle(theme)}
              interval={tickInterval(rows.length)}
              label={{ value: log ? 'latency (ms, log scale)' : 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
            />
            <YAxis allowDecimals={false} {...axisStyle(theme)} width={40} />
            <Tooltip
              cursor={{ fill: colors.grid, fillOpacity: 0.4 }}
              labelFormatter={(key) => byKey.get(String(key))?.range ?? ''}
              formatter={(value) => [String(value), 'runs']}
              {...tooltipStyles(theme)}
              itemStyle={{ color: colors.text }}
            />
            <Bar dataKey="count" fill={colors.bar} isAnimationActive={false} radius={[2, 2, 0, 0]}>
              {rows.map((row) => (
                <Cell key={row.key} fill={row.overflow ? colors.outlier : colors.bar} />
              ))}
            </Bar>
            {medianKey !== undefined && (
              <ReferenceLine x={medianKey} stroke={colors.text} strokeDasharray="4 3" label={{ value: 'median', position: 'top', fill: colors.text, fontSize: 11 }} />
        )}
          {p90Key !== undefined && p90Key !== medianKey && (
            <ReferenceLine x={p90Key} stroke={colors.axis} strokeDasharray="2 3" label={{ value: 'p90', position: 'top', fill: colors.axis, fontSize: 11 }} />
          )}
        </BarChart>
      )}
      </ChartBox>
    </ChartFrame>
  );
}
