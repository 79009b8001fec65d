import type { ReactNode } from 'react';
import type { BaseTickContentProps } from 'recharts';
import type { Theme } from '../../hooks/useTheme';
import { chartColors } from '../../hooks/useTheme';
import { FenceNote, LatencyScaleToggle } from './LatencyAxisControls';
import type { HiddenTail, LatencyView } from './latency-axis';
import type { SharedRange } from '../../histogram';

interface LatencyControl {
  /** Names the toggle's radio group: unique on the page. */
  name: string;
  view: LatencyView;
  onChange: (patch: Partial<LatencyView>) => void;
  /** Leave the toggle out (a chart with nothing to draw, or without a latency axis); data-scale stays. */
  hideToggle?: boolean;
  /**
   * A chart its outlier fence can cut: the note under it (what it left out, and "Show all"), shown
   * when the runs' range (null: no samples) has samples beyond the fence.
   */
  fence?: { tail: HiddenTail | null; range: SharedRange | null };
}

interface Props {
  testId: string;
  title: ReactNode;
  /** The muted words after the title, saying what is drawn. */
  subtitle?: ReactNode;
  /** A chart with a latency axis: its linear/log toggle in the title row, and its scale as data-scale. */
  latency?: LatencyControl;
  /** Drawn as a card of its own (default), or bare inside a card the page draws. */
  card?: boolean;
  /** More data-* attributes tests read (data-run-id). */
  data?: Readonly<Record<`data-${string}`, string>>;
  /** The chart, then any notes under it (the fence note comes last). */
  children: ReactNode;
}

/** What every chart of the studio has around it: its box, its title (with what it shows), and its latency-axis toggle. */
export function ChartFrame({ testId, title, subtitle, latency, card = true, data, children }: Props) {
  const heading = (
    <h3 className="section-title">
      {title}
      {subtitle !== undefined && (
        <>
          {' '}
          <span className="muted">{subtitle}</span>
        </>
      )}
    </h3>
  );
  return (
    <div className={card ? 'chart card' : 'chart'} data-testid={testId} data-scale={latency?.view.scale} {...data}>
      {latency ? (
        <div className="chart-head">
          {heading}
          {!latency.hideToggle && <LatencyScaleToggle name={latency.name} view={latency.view} onChange={latency.onChange} />}
        </div>
      ) : (
        heading
      )}
      {children}
      {latency?.fence && (
        <FenceNote
          tail={latency.fence.tail}
          view={latency.view}
          onChange={latency.onChange}
          fenced={latency.fence.range !== null && latency.fence.range.upperMs < latency.fence.range.maxMs}
        />
      )}
    </div>
  );
}

/** recharts Tooltip styles in the studio's theme. */
export function tooltipStyles(theme: Theme): { contentStyle: { background: string; borderColor: string }; labelStyle: { color: string } } {
  const colors = chartColors(theme);
  return {
    contentStyle: { background: theme === 'dark' ? '#161b22' : '#ffffff', borderColor: colors.grid },
    labelStyle: { color: colors.text },
  };
}

/**
 * A numeric axis' tick label as plain SVG: the `<text>` and `<tspan>` recharts' Text draws for a
 * one-line tick, at the same place, in the same classes. recharts' Text measures every word of a
 * label it has not measured before in the DOM (a forced layout of the page each, to wrap it to the
 * axis' width) before it draws it, which bench:ui's CPU profile of the Compare page showed; a
 * number never wraps, so there is nothing to measure. Category axes whose names may wrap keep
 * recharts' Text.
 */
export function PlainTick({ x, y, textAnchor, verticalAnchor, fill, fontSize, payload, index, tickFormatter, unit }: PlainTickProps) {
  const value: unknown = payload.value;
  const text = `${typeof tickFormatter === 'function' ? tickFormatter(value, index) : String(value)}${unit ?? ''}`;
  return (
    <text
      stroke="none"
      fill={fill}
      fontSize={fontSize}
      x={x}
      y={y}
      className="recharts-text recharts-cartesian-axis-tick-value"
      textAnchor={textAnchor}
      style={{ fill }}
    >
      <tspan x={x} dy={FIRST_LINE_DY[verticalAnchor]}>
        {text}
      </tspan>
    </text>
  );
}

type PlainTickProps = Pick<BaseTickContentProps, 'x' | 'y' | 'textAnchor' | 'verticalAnchor' | 'payload' | 'index' | 'tickFormatter'> & {
  fill: string;
  fontSize: number;
  /** The axis' `unit`, which recharts appends to its own tick text but does not pass to a tick renderer. */
  unit?: string;
};

/** recharts Text's first-line offset of a one-line label, by vertical anchor (its capHeight 0.71em). */
const FIRST_LINE_DY: Record<BaseTickContentProps['verticalAnchor'], string> = { start: '0.71em', middle: '0.355em', end: '0em' };

/** What a numeric axis is given: its line colour, its unit, and its ticks drawn by PlainTick in the studio's theme. */
interface AxisStyle {
  stroke: string;
  unit?: string;
  tick: (props: BaseTickContentProps) => ReactNode;
}

/** A numeric axis' line and tick labels in the studio's theme (category axes that name things pass their own tick, drawn by recharts' Text). */
export function axisStyle(theme: Theme, unit?: string): AxisStyle {
  const colors = chartColors(theme);
  const tick = (props: BaseTickContentProps): ReactNode => <PlainTick {...props} fill={colors.axis} fontSize={11} unit={unit} />;
  return unit === undefined ? { stroke: colors.axis, tick } : { stroke: colors.axis, unit, tick };
}
