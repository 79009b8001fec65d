import { useEffect, useMemo, useState } from 'react';
import { DefaultZIndexes, ZIndexLayer, usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import type { ScatterPoint } from '../../accuracy';
import { placeLabels, textWidth, type LabelPoint } from '../charts/label-placement';
import { canvasMeasure } from '../charts/text-measure';
import { focusCardBox, pointDescription, wrapWords } from './scatter-labels';
import './accuracy-scatter.css';

/** The point labels' font size, in px: placement measures the text in it. */
const LABEL_FONT_PX = 10.5;
/** The focused point's card: its font size, line height and padding, in px. */
const CARD_FONT_PX = 11;
const CARD_LINE_PX = 14;
const CARD_PAD_PX = 6;
/** The focus target's radius: a little larger than the dot (about 4.5 px), so its ring shows around it. */
const TARGET_RADIUS = 7;
/** Joins the hidden points' names into one key: no label holds it. */
const SEPARATOR = '\u0000';

interface Props {
  points: readonly ScatterPoint[];
  /** The text beside point `index`. */
  text: (index: number) => string;
  /** The largest x: the point there sits at the chart's right edge, its label goes left first. */
  xHigh: number;
  textColor: string;
  leaderColor: string;
  xLabel: string;
  formatX: (x: number) => string;
  yLabel: string;
  formatY: (y: number) => string;
  /** The full names of the points whose label found no room, in the points' order; called when they change. */
  onHiddenChange: (names: readonly string[]) => void;
}

/**
 * Every point's text, placed together so that no label covers another label or a point, and none
 * leaves the plot (label-placement.ts, measuring each text in the labels' font); a label pushed
 * away from its point gets a thin leader line, one with no room for its whole text is cut with an
 * ellipsis (its <title> and the point's tooltip hold it whole), and one with no room at all is
 * left out: its point is ringed and the chart's note counts it. One line each, never wrapped.
 * Every point, labelled or not, is also a keyboard stop (left to right) whose accessible name
 * is its label and values, and which, while focused, shows a card with its name: the hover
 * tooltip is recharts' and needs a pointer. Drawn inside the chart, after the dots.
 */
export function PointLabels(props: Props) {
  const { points, text, xHigh, textColor, leaderColor, xLabel, formatX, yLabel, formatY, onHiddenChange } = props;
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const plot = usePlotArea();
  const [focused, setFocused] = useState<number | null>(null);
  // The SVG text inherits the page's font: the labels are measured in it.
  const measure = useMemo(() => (typeof document === 'undefined' ? undefined : canvasMeasure(`${LABEL_FONT_PX}px ${getComputedStyle(document.body).fontFamily}`)), []);
  const cardMeasure = useMemo(() => (typeof document === 'undefined' ? undefined : canvasMeasure(`${CARD_FONT_PX}px ${getComputedStyle(document.body).fontFamily}`)), []);
  const requests: Array<LabelPoint & { index: number }> = [];
  if (xScale && yScale) {
    points.forEach((point, index) => {
      const x = xScale(point.x);
      const y = yScale(point.y);
      if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return;
      requests.push({ x, y, text: text(index), prefer: point.x === xHigh ? 'left' : 'right', index });
    });
  }
  // Within the plot area and the chart's top and right margins.
  const bounds = plot ? { x: plot.x, y: plot.y - 14, width: plot.width + 30, height: plot.height + 14 } : null;
  const placed = bounds ? placeLabels(requests, { bounds, measure }) : [];
  const hiddenKey = requests
    .filter((_, i) => placed[i]?.hidden)
    .map((r) => points[r.index]?.label ?? r.text)
    .join(SEPARATOR);
  // One array per set of hidden names, so the chart's state changes only when they do (no render loop).
  const hidden = useMemo(() => (hiddenKey === '' ? [] : hiddenKey.split(SEPARATOR)), [hiddenKey]);
  useEffect(() => onHiddenChange(hidden), [hidden, onHiddenChange]);
  if (!bounds || !plot || requests.length === 0) return null;

  const nameOf = (index: number): string => points[index]?.label ?? text(index);
  const focusedRequest = requests.find((r) => r.index === focused);
  const widthOf = (line: string): number => cardMeasure?.(line).width ?? textWidth(line);
  const card = focusedRequest && points[focusedRequest.index] && (() => {
    const point = points[focusedRequest.index]!;
    // The card may reach over the y axis: the whole chart's width, less its right margin's edge.
    const area = { x: 0, y: 0, width: plot.x + plot.width + 30, height: plot.y + plot.height };
    const wrap = (line: string): string[] => wrapWords(line, area.width - 2 * CARD_PAD_PX, widthOf);
    const values = [...wrap(`${xLabel}: ${formatX(point.x)}`), ...wrap(`${yLabel}: ${formatY(point.y)}`)];
    const lines = [...wrap(nameOf(focusedRequest.index)), ...values];
    const width = Math.ceil(Math.max(...lines.map(widthOf))) + 2 * CARD_PAD_PX;
    const box = focusCardBox(focusedRequest, width, lines.length * CARD_LINE_PX + CARD_PAD_PX, area, TARGET_RADIUS + 3);
    return { box, lines, names: lines.length - values.length };
  })();

  return (
    <g className="point-labels" data-testid="point-labels" data-hidden-labels={hidden.length}>
      {placed.map((label, i) => {
        const request = requests[i];
        if (!request || label.hidden) return null;
        return (
          <g key={request.index}>
            {label.leader && <line className="label-leader" {...label.leader} stroke={leaderColor} strokeWidth={0.75} />}
            <text x={label.textX} y={label.textY} className="point-label" fill={textColor} fontSize={LABEL_FONT_PX} textAnchor={label.anchor}>
              {label.text !== request.text && <title>{request.text}</title>}
              {label.text}
            </text>
          </g>
        );
      })}
      {[...requests.entries()]
        .sort(([, a], [, b]) => a.x - b.x || a.y - b.y)
        .map(([i, request]) => {
          const point = points[request.index];
          if (!point) return null;
          const labelHidden = placed[i]?.hidden === true;
          return (
            <circle
              key={request.index}
              className={labelHidden ? 'point-target label-hidden' : 'point-target'}
              data-testid="point-target"
              data-label-hidden={labelHidden ? 'true' : undefined}
              cx={request.x}
              cy={request.y}
              r={TARGET_RADIUS}
              tabIndex={0}
              role="img"
              aria-label={pointDescription(nameOf(request.index), xLabel, formatX(point.x), yLabel, formatY(point.y))}
              onFocus={() => setFocused(request.index)}
              onBlur={() => setFocused((f) => (f === request.index ? null : f))}
              onKeyDown={(event) => event.key === 'Escape' && setFocused(null)}
            />
          );
        })}
      {card && (
        // Above the axes and the dots, which recharts draws in layers of their own after this group.
        <ZIndexLayer zIndex={DefaultZIndexes.label + 1}>
          <g className="point-card" data-testid="point-card" aria-hidden="true">
            <rect x={card.box.x} y={card.box.y} width={card.box.width} height={card.box.height} rx={4} />
            {card.lines.map((line, i) => (
              <text key={i} x={card.box.x + CARD_PAD_PX} y={card.box.y + CARD_PAD_PX / 2 + (i + 1) * CARD_LINE_PX - 3.5} fontSize={CARD_FONT_PX} className={i < card.names ? 'point-card-name' : 'point-card-values'}>
                {line}
              </text>
            ))}
          </g>
        </ZIndexLayer>
      )}
    </g>
  );
}
