import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LatencyStats } from '../../../shared/run-schema';
import { formatMs } from '../format';
import { binSamples, type HistogramBin } from '../histogram';
import { chartColors, type Theme } from '../hooks/useTheme';

interface Row {
  label: string;
  count: number;
  range: string;
}

function toRows(bins: HistogramBin[]): Row[] {
  return bins.map((bin) => ({
    label: ((bin.fromMs + bin.toMs) / 2).toPrecision(3),
    count: bin.count,
    range: `${formatMs(bin.fromMs)} – ${formatMs(bin.toMs)}`,
  }));
}

/** The bin holding `valueMs`, as its axis label, for a reference line. */
function labelOf(rows: Row[], bins: HistogramBin[], valueMs: number): string | undefined {
  const index = bins.findIndex((bin, i) => valueMs < bin.toMs || i === bins.length - 1);
  return rows[index]?.label;
}

/** How the measured latencies spread: ~30 equal-width bins, with the median and p90 marked. */
export function LatencyHistogram({ latency, theme }: { latency: LatencyStats; theme: Theme }) {
  const bins = binSamples(latency.samples);
  const rows = toRows(bins);
  const colors = chartColors(theme);
  const medianLabel = labelOf(rows, bins, latency.median);
  const p90Label = labelOf(rows, bins, latency.p90);
  const byLabel = new Map(rows.map((row) => [row.label, row]));

  return (
    <div className="chart" data-testid="latency-histogram">
      <h3 className="section-title">
        Latency distribution <span className="muted">{latency.count} measured runs</span>
      </h3>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} margin={{ top: 18, right: 16, bottom: 18, left: 0 }} barCategoryGap={1}>
          <CartesianGrid vertical={false} stroke={colors.grid} />
          <XAxis
            dataKey="label"
            stroke={colors.axis}
            tick={{ fill: colors.axis, fontSize: 11 }}
            interval="preserveStartEnd"
            minTickGap={16}
            label={{ value: 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
          />
          <YAxis allowDecimals={false} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} width={40} />
          <Tooltip
            cursor={{ fill: colors.grid, fillOpacity: 0.4 }}
            labelFormatter={(label) => byLabel.get(String(label))?.range ?? String(label)}
            formatter={(value) => [String(value), 'runs']}
            contentStyle={{ background: theme === 'dark' ? '#161b22' : '#ffffff', borderColor: colors.grid }}
            labelStyle={{ color: colors.text }}
            itemStyle={{ color: colors.text }}
          />
          <Bar dataKey="count" fill={colors.bar} isAnimationActive={false} radius={[2, 2, 0, 0]} />
          {medianLabel !== undefined && (
            <ReferenceLine x={medianLabel} stroke={colors.text} strokeDasharray="4 3" label={{ value: 'median', position: 'top', fill: colors.text, fontSize: 11 }} />
          )}
          {p90Label !== undefined && p90Label !== medianLabel && (
            <ReferenceLine x={p90Label} stroke={colors.axis} strokeDasharray="2 3" label={{ value: 'p90', position: 'top', fill: colors.axis, fontSize: 11 }} />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
