import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LayerSqnr } from '../../../../shared/eval-schema';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { axisStyle, tooltipStyles } from '../charts/ChartFrame';

interface Props {
  layers: readonly LayerSqnr[];
  /** Node names ticked for exclusion: their bars are drawn in the warning colour. */
  checked: ReadonlySet<string>;
}

const ROW_PX = 26;

/** Per-layer SQNR of each layer's input activation as horizontal bars, worst (lowest dB) at the top. */
export function SqnrChart({ layers, checked }: Props) {
  const { theme } = useTheme();
  const colors = chartColors(theme);
  const data = layers.map((l) => ({ ...l, label: l.node || l.tensor }));
  const longest = Math.max(...data.map((d) => d.label.length), 4);
  return (
    <div data-testid="sqnr-chart">
      <ResponsiveContainer width="100%" height={data.length * ROW_PX + 48}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 28, bottom: 18, left: 8 }}>
          <CartesianGrid stroke={colors.grid} horizontal={false} />
          <XAxis
            type="number"
            dataKey="sqnrDb"
            {...axisStyle(theme)}
            label={{ value: "SQNR of the layer's input activation (dB), higher is closer to float", position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
          />
          <YAxis
            type="category"
            dataKey="label"
            stroke={colors.axis}
            tick={{ fill: colors.text, fontSize: 11 }}
            width={Math.min(220, 16 + longest * 6.6)}
            interval={0}
          />
          <Tooltip
            formatter={(value, _name, item) => [`${Number(value).toFixed(1)} dB`, `input activation of this ${String((item.payload as LayerSqnr).opType)}`]}
            {...tooltipStyles(theme)}
          />
          <Bar dataKey="sqnrDb" isAnimationActive={false} barSize={16}>
            {data.map((d) => (
              <Cell key={d.tensor} fill={checked.has(d.node) ? colors.outlier : colors.bar} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
