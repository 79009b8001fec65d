import { Bar, BarChart, CartesianGrid, Cell, LabelList, XAxis, YAxis } from 'recharts';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartBox } from '../charts/ChartBox';
import { ChartFrame, axisStyle } from '../charts/ChartFrame';
import { measuredPeakBytes } from '../../../../shared/units';
import { isSimulatedRun } from '../../simulated-view';
import type { ComparedRun } from './CompareTable';

const MIB = 1024 * 1024;

/** Peak RSS of each run's runner process, one bar per run in its colour; "not measured" where the target could not say. */
export function MemoryBars({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const rows = runs.map((r, i) => {
    // A simulated board's figure is the arena estimate plus the model: no bar for it.
    const bytes = isSimulatedRun(r.run) ? null : measuredPeakBytes(r.run.memory.peakRssBytes);
    return { key: String(i), label: r.label, peakMb: bytes === null ? null : bytes / MIB, color: r.color };
  });
  const chartHeight = Math.max(120, 40 * rows.length + 40);
  return (
    <ChartFrame testId="compare-memory" title="Peak RSS" subtitle="of the runner process, native memory included">
      <ChartBox height={chartHeight}>
        {(width) => (
          <BarChart width={width} height={chartHeight} data={rows} layout="vertical" margin={{ top: 4, right: 84, bottom: 4, left: 8 }}>
            <CartesianGrid horizontal={false} stroke={colors.grid} />
            <XAxis type="number" {...axisStyle(theme, ' MiB')} />
            <YAxis type="category" dataKey="label" width={250} stroke={colors.axis} tick={{ fill: colors.text, fontSize: 11 }} interval={0} />
            <Bar dataKey="peakMb" isAnimationActive={false} barSize={18} radius={[0, 3, 3, 0]}>
              {rows.map((row) => (
                <Cell key={row.key} fill={row.color} />
              ))}
              <LabelList dataKey="peakMb" position="right" fill={colors.text} fontSize={12} formatter={(v) => (v === null || v === undefined ? 'not measured' : `${Number(v).toFixed(1)} MiB`)} />
            </Bar>
          </BarChart>
        )}
      </ChartBox>
    </ChartFrame>
  );
}
