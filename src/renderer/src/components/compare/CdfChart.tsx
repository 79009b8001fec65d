import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisMs, formatMs } from '../../format';
import { cdfPoints, sharedRange } from '../../histogram';
import { chartColors, useTheme } from '../../hooks/useTheme';
import type { ComparedRun } from './CompareTable';

/**
 * One line per run: x = latency, y = fraction of its runs at or below it, at 200 latencies.
 * The axis ends where the histogram's bins do (the far outlier fence), so a lone spike cannot
 * squash the curves; a line that ends below 100% has samples beyond it.
 */
export function CdfChart({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const { lines, minMs, cutMs, maxMs } = useMemo(() => {
    const range = sharedRange(runs.map((r) => r.run.latencyMs)) ?? { minMs: 0, upperMs: 1, maxMs: 1 };
    return {
      lines: runs.map((r) => cdfPoints(r.run.latencyMs.samples, range.minMs, range.upperMs)),
      minMs: range.minMs,
      cutMs: range.upperMs,
      maxMs: range.maxMs,
    };
  }, [runs]);
  const pad = (cutMs - minMs) * 0.02;
  return (
    <div className="chart card" data-testid="compare-cdf">
      <h3 className="section-title">
        Cumulative distribution <span className="muted">fraction of runs at or below a latency</span>
      </h3>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart margin={{ top: 8, right: 24, bottom: 18, left: 0 }}>
          <CartesianGrid stroke={colors.grid} />
          <XAxis
            type="number"
            dataKey="latencyMs"
            domain={[Math.max(0, minMs - pad), cutMs + pad]}
            tickFormatter={(value: number) => formatAxisMs(value)}
            interval={0}
            stroke={colors.axis}
            tick={{ fill: colors.axis, fontSize: 11 }}
            label={{ value: 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
          />
          <YAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} width={44} />
          <Tooltip
            labelFormatter={(value) => formatMs(Number(value))}
            formatter={(value, name) => [`${(Number(value) * 100).toFixed(1)}%`, String(name)]}
            contentStyle={{ background: theme === 'dark' ? '#161b22' : '#ffffff', borderColor: colors.grid }}
            labelStyle={{ color: colors.text }}
          />
          {runs.map((run, r) => (
            <Line
              key={run.run.id}
              data={lines[r]}
              dataKey="fraction"
              name={run.label}
              type="linear"
              stroke={run.color}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      {maxMs > cutMs && (
        <p className="chart-note muted">
          The axis stops at {formatMs(cutMs)}, the outlier fence; the slowest sample took {formatMs(maxMs)}.
        </p>
      )}
    </div>
  );
}
