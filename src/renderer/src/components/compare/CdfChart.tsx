import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAxisMs } from '../../format';
import { formatMs } from '../../../../shared/units';
import { sharedRange } from '../../histogram';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartBox } from '../charts/ChartBox';
import { ChartFrame, axisStyle, tooltipStyles } from '../charts/ChartFrame';
import { useLatencyView } from '../charts/LatencyAxisControls';
import { hiddenTail, latencyTicks, paddedDomain } from '../charts/latency-axis';
import { cdfLines } from './compare-chart-data';
import type { ComparedRun } from './CompareTable';

/**
 * One line per run: x = latency, y = fraction of its runs at or below it, at 200 latencies.
 * The axis ends at the far outlier fence (the one the histograms' bins use), so a lone spike
 * cannot squash the curves; a line that ends below 100% has samples beyond it, which the note
 * counts and "Show all" draws. A log axis spaces the 200 latencies evenly in log(latency).
 */
export function CdfChart({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const [view, setView] = useLatencyView();
  const range = useMemo(() => sharedRange(runs.map((r) => r.run.latencyMs)), [runs]);
  const { lines, minMs, upperMs } = useMemo(() => cdfLines(runs.map((r) => r.run), view), [runs, view]);
  // What each line's last point does not reach lies beyond the fence: no second pass over the samples.
  const beyondFence = runs.reduce((sum, r, i) => {
    const n = r.run.latencyMs.samples.length;
    return sum + Math.round(n * (1 - (lines[i]?.at(-1)?.fraction ?? 1)));
  }, 0);
  const tail = range ? hiddenTail(beyondFence, range, view) : null;
  const domain = paddedDomain(view, minMs, upperMs);
  const log = view.scale === 'log';
  return (
    <ChartFrame
      testId="compare-cdf"
      title="Cumulative distribution"
      subtitle="fraction of runs at or below a latency"
      latency={{ name: 'compare-cdf', view, onChange: setView, fence: { tail, range } }}
    >
      <ChartBox height={260}>
        {(width) => (
          <LineChart width={width} height={260} margin={{ top: 8, right: 24, bottom: 18, left: 0 }}>
            <CartesianGrid stroke={colors.grid} />
            <XAxis
              type="number"
              dataKey="latencyMs"
              scale={log ? 'log' : 'auto'}
              domain={domain}
              ticks={latencyTicks(view, minMs, upperMs)}
              allowDataOverflow
              tickFormatter={(value: number) => formatAxisMs(value)}
              interval={0}
              {...axisStyle(theme)}
              label={{ value: log ? 'latency (ms, log scale)' : 'latency (ms)', position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
            />
            {/* interval 0: five ticks on 260 px never crowd, and recharts measures each tick in the DOM to thin them otherwise. */}
            <YAxis type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} {...axisStyle(theme)} width={44} interval={0} />
            <Tooltip
              labelFormatter={(value) => formatMs(Number(value))}
              formatter={(value, name) => [`${(Number(value) * 100).toFixed(1)}%`, String(name)]}
              {...tooltipStyles(theme)}
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
        )}
      </ChartBox>
    </ChartFrame>
  );
}
