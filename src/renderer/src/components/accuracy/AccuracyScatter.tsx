import { useState } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { paretoFront, type ScatterPoint } from '../../accuracy';
import { chartColors, useTheme } from '../../hooks/useTheme';
import { ChartFrame, axisStyle } from '../charts/ChartFrame';
import { useLatencyView } from '../charts/LatencyAxisControls';
import { latencyTicks, paddedDomain } from '../charts/latency-axis';
import { PointLabels } from './PointLabels';
import { hiddenLabelsNote } from './scatter-labels';

export interface ScatterSeries {
  modelId: string;
  name: string;
  color: string;
}

interface Props<P extends ScatterPoint> {
  testId: string;
  title: string;
  subtitle: string;
  points: readonly P[];
  series: readonly ScatterSeries[];
  xLabel: string;
  formatX: (x: number) => string;
  yLabel: string;
  /** Draws the Pareto front (lower x and higher y are better). */
  pareto: boolean;
  /** Shown instead of the chart when there are no points. */
  emptyMessage: string;
  /** x is a latency: the axis gets the linear/log switch every latency axis has. */
  latencyAxis?: boolean;
  /** The text beside each point; its full label (the tooltip's) by default. */
  pointLabel?: (point: P) => string;
}

const formatY = (y: number): string => `${(y * 100).toFixed(1)}%`;
/**
 * Accuracy (y) against a cost (x), one colour per model, every point labelled (where a label
 * finds no room, a note under the chart counts those left out; every point names itself on hover
 * and on keyboard focus), optionally with the Pareto front as a dashed line through the points nothing else beats. The front is a
 * scatter series of its own whose points are joined (recharts' Scatter `line`): a Line in a
 * chart without chart-level data drew nothing here.
 */
export function AccuracyScatter<P extends ScatterPoint>(props: Props<P>) {
  const { testId, title, subtitle, points, series, xLabel, formatX, yLabel, pareto, emptyMessage, latencyAxis = false } = props;
  const { theme } = useTheme();
  // The names of the points whose label found no room, as PointLabels last placed them.
  const [hiddenLabels, setHiddenLabels] = useState<readonly string[]>([]);
  const note = points.length === 0 ? null : hiddenLabelsNote(hiddenLabels.length);
  const colors = chartColors(theme);
  const [view, setView] = useLatencyView();
  const log = latencyAxis && view.scale === 'log';
  const front = pareto ? paretoFront(points) : [];
  const xs = points.map((p) => p.x);
  const xLow = Math.min(...xs);
  const xHigh = Math.max(...xs);
  const labelOf = props.pointLabel ?? ((point: P) => point.label);
  // Only the points drawn (those of a series) are labelled.
  const labelled = points.filter((p) => series.some((s) => s.modelId === p.modelId));
  const ys = points.map((p) => p.y);
  // Accuracies of variants sit within a point or two of each other: zoom on them, never past 0..100%.
  const yLow = Math.max(0, Math.min(...ys) - 0.01);
  const yHigh = Math.min(1, Math.max(...ys) + 0.005);
  return (
    <ChartFrame
      testId={testId}
      title={title}
      subtitle={subtitle}
      latency={{ name: testId, view: log ? view : { ...view, scale: 'linear' }, onChange: setView, hideToggle: !latencyAxis || points.length === 0 }}
    >
      {points.length === 0 ? (
        <p className="muted chart-empty">{emptyMessage}</p>
      ) : (
        <ResponsiveContainer width="100%" height={280}>
          <ScatterChart margin={{ top: 16, right: 32, bottom: 18, left: 8 }}>
            <CartesianGrid stroke={colors.grid} />
            <XAxis
              type="number"
              dataKey="x"
              scale={log ? 'log' : 'auto'}
              domain={log ? paddedDomain(view, xLow, xHigh) : [0, 'auto']}
              ticks={log ? latencyTicks(view, xLow, xHigh) : undefined}
              allowDataOverflow={log}
              interval={log ? 0 : 'preserveEnd'}
              tickCount={6}
              tickFormatter={(x: number) => formatX(x)}
              {...axisStyle(theme)}
              label={{ value: log ? `${xLabel}, log scale` : xLabel, position: 'insideBottom', offset: -12, fill: colors.axis, fontSize: 11 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              domain={[yLow, yHigh]}
              tickFormatter={formatY}
              {...axisStyle(theme)}
              width={56}
              label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 0, fill: colors.axis, fontSize: 11, dy: 50 }}
            />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ active, payload }) => {
                const point = active ? (payload?.[0]?.payload as ScatterPoint | undefined) : undefined;
                if (!point || point.label === undefined) return null;
                return (
                  <div className="chart-tooltip">
                    <strong>{point.label}</strong>
                    <div>
                      {xLabel}: {formatX(point.x)}
                    </div>
                    <div>
                      {yLabel}: {formatY(point.y)}
                    </div>
                  </div>
                );
              }}
            />
            {pareto && front.length > 1 && (
              <Scatter
                className="pareto-front"
                data={front}
                name="Pareto front"
                line={{ stroke: colors.axis, strokeDasharray: '5 4', strokeWidth: 1.5 }}
                lineType="joint"
                shape={() => <g />}
                legendType="none"
                isAnimationActive={false}
              />
            )}
            {series.map((s) => {
              const data = points.filter((p) => p.modelId === s.modelId);
              return data.length === 0 ? null : (
                <Scatter key={s.modelId} data={data} name={s.name} fill={s.color} isAnimationActive={false} className="scatter-series" />
              );
            })}
            <PointLabels
              points={labelled}
              text={(i) => (labelled[i] ? labelOf(labelled[i]) : '')}
              xHigh={xHigh}
              textColor={colors.text}
              leaderColor={colors.axis}
              xLabel={xLabel}
              formatX={formatX}
              yLabel={yLabel}
              formatY={formatY}
              onHiddenChange={setHiddenLabels}
            />
          </ScatterChart>
        </ResponsiveContainer>
      )}
      {note && (
        <p className="chart-note muted" data-testid="hidden-labels-note">
          {note}
        </p>
      )}
      {points.length > 0 && (
        <ul className="legend" aria-label="Models">
          {series
            .filter((s) => points.some((p) => p.modelId === s.modelId))
            .map((s) => (
              <li key={s.modelId}>
                <span className="swatch round" style={{ background: s.color }} aria-hidden="true" />
                {s.name}
              </li>
            ))}
          {pareto && front.length > 1 && (
            <li>
              <span className="swatch dashed" style={{ borderColor: colors.axis }} aria-hidden="true" />
              Pareto front
            </li>
          )}
        </ul>
      )}
    </ChartFrame>
  );
}
