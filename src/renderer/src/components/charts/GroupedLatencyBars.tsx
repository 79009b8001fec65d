import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Rectangle, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';
import { formatAxisMs, formatMsRange } from '../../format';
import { formatMs } from '../../../../shared/units';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartFrame, axisStyle, tooltipStyles } from './ChartFrame';
import { useLatencyView } from './LatencyAxisControls';
import { latencyTicks, paddedDomain } from './latency-axis';
import type { GroupedRuns } from './across-targets';

type ChartRow = Record<string, string | number | [number, number] | null>;

/** recharts reads one flat object per category: the median under the series key, its error under key + "Err". */
function chartRows(grouped: GroupedRuns): ChartRow[] {
  return grouped.rows.map((row) => {
    const flat: ChartRow = { target: row.target };
    for (const { key } of grouped.series) {
      const value = row.values[key];
      flat[key] = value ? value.valueMs : null;
      flat[`${key}Err`] = value?.errorMs ?? null;
    }
    return flat;
  });
}

interface Props {
  grouped: GroupedRuns;
  colors: readonly string[];
}

/**
 * The headline median of every run, grouped by target, one bar per series (model and variant),
 * with its 95 % CI as an error bar (none where the run cannot say). Linear or log latency axis.
 */
export function GroupedLatencyBars({ grouped, colors: seriesColors }: Props) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const [view, setView] = useLatencyView();
  const rows = useMemo(() => chartRows(grouped), [grouped]);
  const { lowMs, highMs } = useMemo(() => {
    const values = grouped.rows.flatMap((row) => Object.values(row.values));
    const lows = values.map((v) => v.valueMs - (v.errorMs?.[0] ?? 0));
    const highs = values.map((v) => v.valueMs + (v.errorMs?.[1] ?? 0));
    return { lowMs: Math.min(...lows), highMs: Math.max(...highs) };
  }, [grouped]);
  const log = view.scale === 'log';
  const withoutCi = grouped.rows.flatMap((row) => Object.values(row.values)).filter((v) => v.errorMs === null).length;
  return (
    <ChartFrame
      testId="across-latency"
      title="Median per target"
      subtitle="bars: the reported median; whiskers: its 95% CI"
      latency={{ name: 'across-latency', view, onChange: setView }}
    >
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} barCategoryGap="18%">
          <CartesianGrid vertical={false} stroke={colors.grid} />
          <XAxis dataKey="target" stroke={colors.axis} tick={{ fill: colors.text, fontSize: 11 }} interval={0} />
          <YAxis
            type="number"
            scale={log ? 'log' : 'auto'}
            domain={log ? paddedDomain(view, lowMs, highMs) : [0, 'auto']}
            ticks={latencyTicks(view, lowMs, highMs)}
            allowDataOverflow={log}
            interval={0}
            tickFormatter={(v: number) => formatAxisMs(v)}
            {...axisStyle(theme)}
            width={56}
            label={{ value: log ? 'median (ms, log)' : 'median (ms)', angle: -90, position: 'insideLeft', fill: colors.axis, fontSize: 11, dy: 40 }}
          />
          <Tooltip
            cursor={{ fill: colors.grid, fillOpacity: 0.35 }}
            formatter={(value, name, item) => {
              const err = (item.payload as ChartRow)[`${String(item.dataKey)}Err`] as [number, number] | null;
              const ms = Number(value);
              return [err ? `${formatMs(ms)} (CI ${formatMsRange(ms - err[0], ms + err[1])})` : `${formatMs(ms)} (no CI)`, String(name)];
            }}
            {...tooltipStyles(theme)}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {grouped.series.map((series, i) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.name}
              fill={seriesColors[i]}
              isAnimationActive={false}
              shape={(props: BarShapeProps) => (
                <g data-testid="target-bar" data-series={series.name} data-target={String((props.payload as ChartRow).target)}>
                  <Rectangle {...props} />
                </g>
              )}
            >
              <ErrorBar dataKey={`${series.key}Err`} width={5} stroke={colors.text} strokeWidth={1.2} direction="y" isAnimationActive={false} />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
      {withoutCi > 0 && (
        <p className="chart-note muted">
          {withoutCi} {withoutCi === 1 ? 'bar has' : 'bars have'} no whisker: with too few repeats, or a report-mode median of windows, the run gives no
          95% CI.
        </p>
      )}
    </ChartFrame>
  );
}
