import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisMs, formatMs } from '../../format';
import { binSharedLatencies, MAX_BINS } from '../../histogram';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { tickInterval } from '../run/LatencyHistogram';
import type { ComparedRun } from './CompareTable';

type Row = Record<string, number | string>;

/** One row per shared bin; each run's value is the share of its own samples in that bin, in percent. */
function toRows(runs: ComparedRun[]): { rows: Row[]; overflowFromMs: number | null } {
  const binned = binSharedLatencies(runs.map((r) => r.run.latencyMs), MAX_BINS);
  const edges = binned.find((bins) => bins.length > 0) ?? [];
  const rows = edges.map((bin, i) => {
    const row: Row = {
      key: String(i),
      label: bin.overflow ? `>${formatAxisMs(bin.fromMs)}` : formatAxisMs((bin.fromMs + bin.toMs) / 2),
      range: bin.overflow ? `slower than ${formatMs(bin.fromMs)}` : `${formatMs(bin.fromMs)} – ${formatMs(bin.toMs)}`,
    };
    runs.forEach((run, r) => {
      const count = binned[r]?.[i]?.count ?? 0;
      row[`r${r}`] = (100 * count) / Math.max(1, run.run.latencyMs.samples.length);
    });
    return row;
  });
  const overflow = edges.find((bin) => bin.overflow);
  return { rows, overflowFromMs: overflow ? overflow.fromMs : null };
}

/** The runs' latency histograms drawn over each other, on the same bins, as shares of each run. */
export function OverlayHistogram({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const { rows, overflowFromMs } = useMemo(() => toRows(runs), [runs]);
  const colors = chartColors(theme);
  const byKey = new Map(rows.map((row) => [String(row.key), row]));
  return (
    <div className="chart card" data-testid="compare-histogram">
      <h3 className="section-title">
        Latency distributions <span className="muted">share of each run&apos;s samples per bin</span>
      </h3>
      <ResponsiveContainer width="100%" height={260}>
        <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 18, left: 0 }}>
          <CartesianGrid vertical={false} stroke={colors.grid} />
          <XAxis
            dataKey="key"
            tickFormatter={(key: string) => String(byKey.get(key)?.label ?? '')}
            stroke={colors.axis}
            tick={{ fill: colors.axis, fontSize: 11 }}
            interval={tickInterval(rows.length)}
            label={{ value: 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
          />
          <YAxis stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} width={44} unit="%" />
          <Tooltip
            labelFormatter={(key) => String(byKey.get(String(key))?.range ?? '')}
            formatter={(value, name) => [`${Number(value).toFixed(1)}%`, runs[Number(String(name).slice(1))]?.label ?? String(name)]}
            contentStyle={{ background: theme === 'dark' ? '#161b22' : '#ffffff', borderColor: colors.grid }}
            labelStyle={{ color: colors.text }}
          />
          {runs.map((run, r) => (
            <Area
              key={run.run.id}
              dataKey={`r${r}`}
              type="stepAfter"
              stroke={run.color}
              strokeWidth={1.5}
              fill={run.color}
              fillOpacity={0.18}
              isAnimationActive={false}
              dot={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
      {overflowFromMs !== null && (
        <p className="chart-note muted">The last bin gathers every run&apos;s samples slower than {formatMs(overflowFromMs)}.</p>
      )}
    </div>
  );
}
