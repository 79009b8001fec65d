import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { chartColors, useTheme } from '../hooks/useTheme';

const ROW_HEIGHT_PX = 26;

/** How often each op type appears in the graph, most frequent first. */
export function OpHistogram({ ops }: { ops: Record<string, number> }) {
  const { theme } = useTheme();
  const data = Object.entries(ops)
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
  const colors = chartColors(theme);
  const longest = Math.max(...data.map((d) => d.op.length), 4);
  const total = data.reduce((sum, d) => sum + d.count, 0);

  return (
    <div data-testid="op-histogram">
      <h3 className="section-title">
        Operators <span className="muted">{total} nodes, {data.length} types</span>
      </h3>
      {data.length === 0 ? (
        <p className="muted">The graph has no operators.</p>
      ) : (
        <ResponsiveContainer width="100%" height={data.length * ROW_HEIGHT_PX + 36}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 40, bottom: 4, left: 4 }}>
              <CartesianGrid horizontal={false} stroke={colors.grid} />
              <XAxis type="number" allowDecimals={false} stroke={colors.axis} tick={{ fill: colors.axis, fontSize: 11 }} />
              <YAxis
                type="category"
                dataKey="op"
                width={Math.min(180, longest * 7 + 12)}
                stroke={colors.axis}
                tick={{ fill: colors.text, fontSize: 12 }}
                interval={0}
              />
              <Bar dataKey="count" fill={colors.bar} isAnimationActive={false} barSize={16} radius={[0, 3, 3, 0]}>
                <LabelList dataKey="count" position="right" fill={colors.text} fontSize={12} />
              </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}
