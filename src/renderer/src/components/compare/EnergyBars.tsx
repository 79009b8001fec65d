import { Bar, BarChart, CartesianGrid, Cell, LabelList, XAxis, YAxis } from 'recharts';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartBox } from '../charts/ChartBox';
import { ChartFrame, axisStyle } from '../charts/ChartFrame';
import { energySourceLabel, formatJoules } from '../../../../shared/energy';
import type { ComparedRun } from './CompareTable';

/**
 * Energy per inference of each compared run, one bar per run in its colour, in millijoules. A run
 * without a figure reads "not measured" (or "no figure" when its meter found none), and a figure in
 * doubt carries UNRELIABLE on its label, so a bar is never read as more certain than the run says.
 * Drawn only when at least one compared run has energy.
 */
export function EnergyBars({ runs }: { runs: ComparedRun[] }) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  if (!runs.some((r) => r.run.energy !== undefined)) return null;
  const rows = runs.map((r, i) => {
    const energy = r.run.energy;
    const joules = energy?.perInferenceJ ?? null;
    const text =
      energy === undefined ? 'not measured' : joules === null ? 'no figure' : `${formatJoules(joules)}${energy.reliable ? '' : ' (UNRELIABLE)'} · ${energySourceLabel(energy)}`;
    return { key: String(i), label: r.label, mJ: joules === null ? null : joules * 1000, text, color: r.color };
  });
  const chartHeight = Math.max(120, 40 * rows.length + 40);
  return (
    <ChartFrame testId="compare-energy" title="Energy per inference" subtitle="idle baseline subtracted, each with its power source">
      <ChartBox height={chartHeight}>
        {(width) => (
          <BarChart width={width} height={chartHeight} data={rows} layout="vertical" margin={{ top: 4, right: 220, bottom: 4, left: 8 }}>
            <CartesianGrid horizontal={false} stroke={colors.grid} />
            <XAxis type="number" {...axisStyle(theme, ' mJ')} />
            <YAxis type="category" dataKey="label" width={250} stroke={colors.axis} tick={{ fill: colors.text, fontSize: 11 }} interval={0} />
            <Bar dataKey="mJ" isAnimationActive={false} barSize={18} radius={[0, 3, 3, 0]}>
              {rows.map((row) => (
                <Cell key={row.key} fill={row.color} />
              ))}
              <LabelList dataKey="text" position="right" fill={colors.text} fontSize={12} />
            </Bar>
          </BarChart>
        )}
      </ChartBox>
      {/* Every run's figure in words, "not measured" included: recharts draws no bar or label for a run without one. */}
      <ul className="legend" data-testid="compare-energy-figures">
        {rows.map((row) => (
          <li key={row.key}>
            <span className="swatch" style={{ background: row.color }} aria-hidden="true" />
            {row.label}: {row.text}
          </li>
        ))}
      </ul>
    </ChartFrame>
  );
}
