import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { sharedRange } from '../../histogram';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartBox } from '../charts/ChartBox';
import { ChartFrame, axisStyle, tooltipStyles } from '../charts/ChartFrame';
import { useLatencyView } from '../charts/LatencyAxisControls';
import { hiddenTail } from '../charts/latency-axis';
import { tickInterval } from '../run/LatencyHistogram';
import { histogramRows } from './compare-chart-data';
import type { ComparedRun } from './CompareTable';

/**
 * The runs' latency histograms drawn over each other, on the same bins (equal in width, or in
 * log(latency) on a log axis), as shares of each run, up to the outlier fence unless the user
 * asks to show all.
 */
export function OverlayHistogram({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const [view, setView] = useLatencyView();
  // One row per shared bin up to the fence (the overflow bin is not drawn: the note counts it);
  // each run's value is the share of its own samples in that bin, in percent.
  const { rows, beyondFence } = useMemo(() => histogramRows(runs.map((r) => r.run), view), [runs, view]);
  const range = useMemo(() => sharedRange(runs.map((r) => r.run.latencyMs)), [runs]);
  const tail = range ? hiddenTail(beyondFence, range, view) : null;
  const colors = chartColors(theme);
  const byKey = new Map(rows.map((row) => [String(row.key), row]));
  return (
    <ChartFrame
      testId="compare-histogram"
      title="Latency distributions"
      subtitle="share of each run's samples per bin"
      latency={{ name: 'compare-histogram', view, onChange: setView, fence: { tail, range } }}
    >
      <ChartBox height={260}>
        {(width) => (
          <AreaChart width={width} height={260} data={rows} margin={{ top: 8, right: 16, bottom: 18, left: 0 }}>
            <CartesianGrid vertical={false} stroke={colors.grid} />
            <XAxis
              dataKey="key"
              tickFormatter={(key: string) => String(byKey.get(key)?.label ?? '')}
              {...axisStyle(theme)}
              interval={tickInterval(rows.length)}
              label={{ value: view.scale === 'log' ? 'latency (ms, log scale)' : 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
            />
            {/* interval 0: five ticks on 260 px never crowd, and recharts measures each tick in the DOM to thin them otherwise. */}
            <YAxis {...axisStyle(theme, '%')} width={44} interval={0} />
            <Tooltip
              labelFormatter={(key) => String(byKey.get(String(key))?.range ?? '')}
              formatter={(value, name) => [`${Number(value).toFixed(1)}%`, runs[Number(String(name).slice(1))]?.label ?? String(name)]}
              {...tooltipStyles(theme)}
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
        )}
      </ChartBox>
    </ChartFrame>
  );
}
