/**
 * A tiny SVG chart maker: bars and lines on two linear axes, with ticks, grid and legend. Reports
 * must open offline under a CSP that forbids every fetch, so charts are inline SVG made here, not
 * a library. Colours come from CSS classes (series-N, overflow) so the page's light/dark and
 * print styles apply. Every text that reaches the SVG is escaped here.
 */
import type { SvgMarkup } from './blocks';
import { MAX_COMPARED_RUNS } from '../../shared/run-colors';

export interface Axis {
  min: number;
  max: number;
  label: string;
  format: (value: number) => string;
  /** Logarithmic (min must be above 0): latencies that span µs to ms all stay readable. */
  log?: boolean;
  /** Tick positions, when round numbers are not the right ones (default: niceTicks / logTicks). */
  ticks?: number[];
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
const MARGIN = { left: 72, right: 16, top: 36, bottom: 44 };
const LEGEND_ROW_PX = 18;
const MAX_LEGEND_CHARS = 60;
/**
 * Characters of the 12 px bold title per line, from its x to the right edge (about 6.8 px a
 * character in system-ui; this leaves room for wider fonts), and the height each line adds.
 */
const TITLE_LINE_CHARS = 72;
const TITLE_LINE_PX = 15;
const MAX_TITLE_LINES = 2;

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

/** 1, 2 and 5 times each power of ten within [min, max] (min > 0). */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  // Past two decades, 1-2-5 steps crowd the axis: powers of ten alone.
  const steps = Math.log10(max / min) > 2 ? [1] : [1, 2, 5];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const m of steps) {
      const tick = m * 10 ** power;
      if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) ticks.push(Number(tick.toPrecision(6)));
    }
  }
  return ticks;
}

function ticksOf(axis: Axis, count: number): number[] {
  if (axis.ticks) return axis.ticks;
  if (!axis.log) return niceTicks(axis.min, axis.max, count);
  const ticks = logTicks(axis.min, axis.max);
  // A range inside one decade may hold no 1-2-5 value: round linear steps read fine there too.
  return ticks.length >= 2 ? ticks : niceTicks(axis.min, axis.max, count);
}

/** Where a value sits along an axis, from 0 (min) to 1 (max), clamped. */
function position(axis: Axis, value: number): number {
  const clamped = Math.min(axis.max, Math.max(axis.min, value));
  const [lo, hi, v] = axis.log ? [Math.log10(axis.min), Math.log10(axis.max), Math.log10(clamped)] : [axis.min, axis.max, clamped];
  return hi > lo ? (v - lo) / (hi - lo) : 0;
}

class Frame {
  readonly plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  constructor(
    readonly x: Axis,
    readonly y: Axis,
  ) {}

  sx(value: number): number {
    return MARGIN.left + position(this.x, value) * this.plotWidth;
  }

  sy(value: number): number {
    return MARGIN.top + PLOT_HEIGHT - position(this.y, value) * PLOT_HEIGHT;
  }

  axes(): string {
    const parts: string[] = [];
    const bottom = MARGIN.top + PLOT_HEIGHT;
    for (const tick of ticksOf(this.y, 5)) {
      const y = px(this.sy(tick));
      parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
      parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(this.y.format(tick))}</text>`);
    }
    for (const tick of ticksOf(this.x, 6)) {
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

/**
 * Text cut to `max` characters at a word's end, with "…" (SVG text does not wrap, and the SVG
 * clips what passes its edge: "latenc"). A first word longer than `max` is cut inside.
 */
export function clipAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A title in lines of whole words, at most MAX_TITLE_LINES; the last line of a longer one is clipped. */
export function titleLines(title: string): string[] {
  const lines: string[] = [];
  let rest = title.trim();
  while (rest.length > TITLE_LINE_CHARS && lines.length < MAX_TITLE_LINES - 1) {
    const space = rest.lastIndexOf(' ', TITLE_LINE_CHARS);
    if (space <= 0) break;
    lines.push(rest.slice(0, space));
    rest = rest.slice(space + 1);
  }
  lines.push(clipAtWord(rest, TITLE_LINE_CHARS));
  return lines;
}

function wrap(title: string, body: string, extraHeight = 0): SvgMarkup {
  const lines = titleLines(title);
  const shift = (lines.length - 1) * TITLE_LINE_PX;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + extraHeight + shift;
  const heading = lines.map((line, i) => `<text class="chart-title" x="${MARGIN.left}" y="${14 + i * TITLE_LINE_PX}">${escapeXml(line)}</text>`).join('');
  // A second title line moves the chart down by one line; the full title stays in <title>.
  const content = shift > 0 ? `<g transform="translate(0 ${shift})">${body}</g>` : body;
  return {
    svg:
      `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">` +
      `<title>${escapeXml(title)}</title>${heading}${content}</svg>`,
  };
}

export function barChart(spec: { title: string; x: Axis; y: Axis; bars: Bar[]; seriesIndex?: number }): SvgMarkup {
  const frame = new Frame(spec.x, spec.y);
  const series = `series-${(spec.seriesIndex ?? 0) % MAX_COMPARED_RUNS}`;
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
    return `<path class="line series-${i % MAX_COMPARED_RUNS}" d="${d}"><title>${escapeXml(line.name)}</title></path>`;
  });
  const legendTop = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const legend = spec.series.map((line, i) => {
    const y = legendTop + i * LEGEND_ROW_PX;
    const name = clipAtWord(line.name, MAX_LEGEND_CHARS);
    return (
      `<rect class="swatch series-${i % MAX_COMPARED_RUNS}" x="${MARGIN.left}" y="${y}" width="12" height="12"/>` +
      `<text class="legend" x="${MARGIN.left + 18}" y="${y + 10}">${escapeXml(name)}</text>`
    );
  });
  const legendHeight = spec.series.length > 1 ? spec.series.length * LEGEND_ROW_PX + 4 : 0;
  return wrap(spec.title, frame.axes() + markers.join('') + lines.join('') + (legendHeight > 0 ? legend.join('') : ''), legendHeight);
}
