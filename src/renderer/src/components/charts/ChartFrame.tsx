import type { ReactNode } from 'react';
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

/** An axis' line and tick labels in the studio's theme (category axes that name things pass their own tick colour). */
export function axisStyle(theme: Theme): { stroke: string; tick: { fill: string; fontSize: number } } {
  const colors = chartColors(theme);
  return { stroke: colors.axis, tick: { fill: colors.axis, fontSize: 11 } };
}
