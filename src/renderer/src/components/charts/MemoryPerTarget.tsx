import { Bar, BarChart, CartesianGrid, Legend, Rectangle, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';
import { formatMiB } from '../../../../shared/units';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartFrame, axisStyle, tooltipStyles } from './ChartFrame';
import type { GroupedRuns } from './across-targets';

const MIB = 1024 * 1024;

type ChartRow = Record<string, string | number | null>;

interface Props {
  grouped: GroupedRuns;
  colors: readonly string[];
}

/**
 * Peak RSS per target, one bar per series. A target that did not measure memory (a serial board
 * reports none) gets no bar and is named under the chart as "not measured": a zero-height bar
 * would read as a measurement of 0.
 */
export function MemoryPerTarget({ grouped, colors: seriesColors }: Props) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const rows: ChartRow[] = grouped.rows.map((row) => {
    const flat: ChartRow = { target: row.target };
    for (const { key } of grouped.series) {
      const bytes = row.values[key]?.bytes;
      flat[key] = bytes === null || bytes === undefined ? null : bytes / MIB;
    }
    return flat;
  });
  const notMeasured = grouped.rows.flatMap((row) =>
    grouped.series.flatMap((series) => (row.values[series.key] && row.values[series.key]?.bytes === null ? [`${series.name} on ${row.target}`] : [])),
  );
  const anyMeasured = rows.some((row) => grouped.series.some((s) => row[s.key] !== null));
  return (
    <ChartFrame testId="across-memory" title="Peak memory per target" subtitle="peak RSS of the runner process, native memory included">
      {anyMeasured ? (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} barCategoryGap="18%">
            <CartesianGrid vertical={false} stroke={colors.grid} />
            <XAxis dataKey="target" stroke={colors.axis} tick={{ fill: colors.text, fontSize: 11 }} interval={0} />
            <YAxis {...axisStyle(theme, ' MiB')} width={72} />
            <Tooltip
              cursor={{ fill: colors.grid, fillOpacity: 0.35 }}
              formatter={(value, name) => [value === null || value === undefined ? 'not measured' : formatMiB(Number(value) * MIB), String(name)]}
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
                  <g data-testid="memory-bar" data-series={series.name} data-target={String((props.payload as ChartRow).target)}>
                    <Rectangle {...props} />
                  </g>
                )}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      ) : (
        <p className="muted chart-empty">No target measured memory.</p>
      )}
      {notMeasured.length > 0 && (
        <p className="chart-note muted" data-testid="memory-not-measured">
          Not measured: {notMeasured.join('; ')}.
        </p>
      )}
    </ChartFrame>
  );
}
