/**
 * A tiny SVG chart maker: bars and lines on two linear axes, with ticks, grid and legend. Reports
 * must open offline under a CSP that forbids every fetch, so charts are inline SVG made here, not
 * a library. Colours come from CSS classes (series-N, overflow) so the page's light/dark and
 * print styles apply. Every text that reaches the SVG is escaped here.
 */
import type { SvgMarkup } from './blocks';

export interface Axis {
  min: number;
  max: number;
  label: string;
  format: (value: number) => string;
}

export interface Bar {
  /** From x0 to x1 on the x axis, `value` high. */
  x0: number;
  x1: number;
  value: number;
  /** Tooltip. */
  title: string;
  overflow?: boolean;
}

export interface LineSeries {
  name: string;
  /** [x, y] in axis units, in x order. */
  points: Array<[number, number]>;
}

export interface Marker {
  x: number;
  label: string;
}

const WIDTH = 640;
const PLOT_HEIGHT = 220;
const MARGIN = { left: 64, right: 16, top: 28, bottom: 44 };
const LEGEND_ROW_PX = 18;
const MAX_LEGEND_CHARS = 60;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Rounds coordinates to 0.01 px: shorter markup, no visible difference. */
function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rawStep = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rawStep));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= rawStep) ?? 10 * power) as number;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  return ticks;
}

class Frame {
  readonly plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  constructor(
    readonly x: Axis,
    readonly y: Axis,
  ) {}

  sx(value: number): number {
    const span = this.x.max - this.x.min || 1;
    return MARGIN.left + ((value - this.x.min) / span) * this.plotWidth;
  }

  sy(value: number): number {
    const span = this.y.max - this.y.min || 1;
    const clamped = Math.min(this.y.max, Math.max(this.y.min, value));
    return MARGIN.top + PLOT_HEIGHT - ((clamped - this.y.min) / span) * PLOT_HEIGHT;
  }

  axes(): string {
    const parts: string[] = [];
    const bottom = MARGIN.top + PLOT_HEIGHT;
    for (const tick of niceTicks(this.y.min, this.y.max)) {
      const y = px(this.sy(tick));
      parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
      parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(this.y.format(tick))}</text>`);
    }
    for (const tick of niceTicks(this.x.min, this.x.max, 6)) {
      const x = px(this.sx(tick));
      parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}"/>`);
      parts.push(`<text class="tick" x="${x}" y="${bottom + 16}" text-anchor="middle">${escapeXml(this.x.format(tick))}</text>`);
    }
    parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
    parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/>`);
    parts.push(`<text class="axis-label" x="${MARGIN.left + this.plotWidth / 2}" y="${bottom + 34}" text-anchor="middle">${escapeXml(this.x.label)}</text>`);
    parts.push(
      `<text class="axis-label" transform="translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">${escapeXml(this.y.label)}</text>`,
    );
    return parts.join('');
  }
}

function wrap(title: string, body: string, extraHeight = 0): SvgMarkup {
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + extraHeight;
  const heading = `<text class="chart-title" x="${MARGIN.left}" y="16">${escapeXml(title)}</text>`;
  return {
    svg:
      `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">` +
      `<title>${escapeXml(title)}</title>${heading}${body}</svg>`,
  };
}

export function barChart(spec: { title: string; x: Axis; y: Axis; bars: Bar[]; seriesIndex?: number }): SvgMarkup {
  const frame = new Frame(spec.x, spec.y);
  const series = `series-${(spec.seriesIndex ?? 0) % 8}`;
  const bars = spec.bars.map((bar) => {
    const x = frame.sx(bar.x0);
    const width = Math.max(1, frame.sx(bar.x1) - x - 1);
    const top = frame.sy(bar.value);
    const height = frame.sy(spec.y.min) - top;
    return `<rect class="bar ${bar.overflow ? 'overflow' : series}" x="${px(x)}" y="${px(top)}" width="${px(width)}" height="${px(height)}"><title>${escapeXml(bar.title)}</title></rect>`;
  });
  return wrap(spec.title, frame.axes() + bars.join(''));
}

export function lineChart(spec: { title: string; x: Axis; y: Axis; series: LineSeries[]; markers?: Marker[] }): SvgMarkup {
  const frame = new Frame(spec.x, spec.y);
  const markers = (spec.markers ?? []).map((marker) => {
    const x = px(frame.sx(marker.x));
    return (
      `<line class="marker" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}"/>` +
      `<text class="tick" x="${x}" y="${MARGIN.top - 4}" text-anchor="middle">${escapeXml(marker.label)}</text>`
    );
  });
  const lines = spec.series.map((line, i) => {
    const d = line.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(frame.sx(x))} ${px(frame.sy(y))}`).join('');
    return `<path class="line series-${i % 8}" d="${d}"><title>${escapeXml(line.name)}</title></path>`;
  });
  const legendTop = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const legend = spec.series.map((line, i) => {
    const y = legendTop + i * LEGEND_ROW_PX;
    const name = line.name.length > MAX_LEGEND_CHARS ? `${line.name.slice(0, MAX_LEGEND_CHARS - 1)}…` : line.name;
    return (
      `<rect class="swatch series-${i % 8}" x="${MARGIN.left}" y="${y}" width="12" height="12"/>` +
      `<text class="legend" x="${MARGIN.left + 18}" y="${y + 10}">${escapeXml(name)}</text>`
    );
  });
  const legendHeight = spec.series.length > 1 ? spec.series.length * LEGEND_ROW_PX + 4 : 0;
  return wrap(spec.title, frame.axes() + markers.join('') + lines.join('') + (legendHeight > 0 ? legend.join('') : ''), legendHeight);
}
