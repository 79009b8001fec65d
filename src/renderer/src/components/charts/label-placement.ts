/**
 * Where the text beside each point of a scatter goes, so that no label covers another label or
 * any point, and none leaves the bounds (the plot and its top and right margins). Pure (pixels
 * in, boxes out), so the chart only draws it and the tests read it.
 *
 * Greedy: for each point in order, try candidate spots (beside it right or left, then above,
 * below and the corners, then the same farther out, ring after ring) and take the first whose box
 * overlaps no label already placed, no point and stays inside the bounds. A label that had to
 * move away from its point gets a leader line. When no spot is free for the whole text, shorter
 * forms of it (cut, with an ellipsis) are tried the same way; then every spot of the bounds on a
 * grid, nearest first, for each form; when not even the shortest fits anywhere, the label is left
 * out (`hidden`): the chart says so, and the point's tooltip still names it.
 * Widths come from the chart's own font when it passes `measure` (a canvas measures text
 * without laying out the page), else from an estimate per character.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelPoint {
  /** The point's centre, in pixels. */
  x: number;
  y: number;
  text: string;
  /** The side tried first (the default spot); 'left' for a point at the chart's right edge. */
  prefer?: 'right' | 'left';
}

export interface LabelPlacement {
  box: Box;
  /** What is drawn: the point's text, or a shorter form of it ending in "…" when only that fitted. */
  text: string;
  /** No spot was free even for the shortest form: nothing is drawn for this point. */
  hidden: boolean;
  /** Where the text is drawn: its anchor point (SVG text-anchor) and baseline. */
  textX: number;
  textY: number;
  anchor: 'start' | 'middle' | 'end';
  /** From the point's edge to the box, when the label sits away from its point. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

/** A text's width and its font's extent above and below the baseline, in pixels. */
export interface TextMetrics {
  width: number;
  ascent: number;
  descent: number;
}

export interface PlacementOptions {
  /** Measures a label in the chart's font; without it, widths are estimated (charWidth) and boxes are lineHeight tall. */
  measure?: (text: string) => TextMetrics;
  /** Estimated width of one character at the chart's font (10.5 px): text width = chars × this. */
  charWidth?: number;
  /** Height of a label's box. */
  lineHeight?: number;
  /** Radius of a point's dot, which no label may cover. */
  pointRadius?: number;
  /** Space between a point and its adjacent label. */
  gap?: number;
  /** How many rings farther out are tried after the adjacent spots. */
  rings?: number;
  /** Labels stay inside this box (the plot area and its margins) when they can. */
  bounds?: Box;
}

export const CHAR_WIDTH = 6.5;
const DEFAULTS = { charWidth: CHAR_WIDTH, lineHeight: 12, pointRadius: 5, gap: 3, rings: 8 };
/** The shortest form a label is cut to, in characters before the ellipsis. */
const MIN_CHARS = 4;
const ELLIPSIS = '…';

type Side = 'right' | 'left' | 'above' | 'below' | 'above-right' | 'above-left' | 'below-right' | 'below-left';

/** The text's estimated width, in pixels. */
export function textWidth(text: string, charWidth = CHAR_WIDTH): number {
  return [...text].length * charWidth;
}

function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** True when the circle (a point's dot) and the box share any pixel. */
function circleHits(cx: number, cy: number, r: number, box: Box): boolean {
  const nx = Math.min(Math.max(cx, box.x), box.x + box.width);
  const ny = Math.min(Math.max(cy, box.y), box.y + box.height);
  return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r;
}

function inside(box: Box, bounds: Box | undefined): boolean {
  if (!bounds) return true;
  return box.x >= bounds.x && box.y >= bounds.y && box.x + box.width <= bounds.x + bounds.width && box.y + box.height <= bounds.y + bounds.height;
}

function candidateBox(p: LabelPoint, side: Side, d: number, w: number, h: number, r: number): Box {
  const right = p.x + r + d;
  const left = p.x - r - d - w;
  const midX = p.x - w / 2;
  const midY = p.y - h / 2;
  const above = p.y - r - d - h;
  const below = p.y + r + d;
  switch (side) {
    case 'right':
      return { x: right, y: midY, width: w, height: h };
    case 'left':
      return { x: left, y: midY, width: w, height: h };
    case 'above':
      return { x: midX, y: above, width: w, height: h };
    case 'below':
      return { x: midX, y: below, width: w, height: h };
    case 'above-right':
      return { x: right, y: above, width: w, height: h };
    case 'above-left':
      return { x: left, y: above, width: w, height: h };
    case 'below-right':
      return { x: right, y: below, width: w, height: h };
    case 'below-left':
      return { x: left, y: below, width: w, height: h };
  }
}

function anchorOf(side: Side): LabelPlacement['anchor'] {
  if (side.endsWith('right')) return 'start';
  if (side.endsWith('left')) return 'end';
  return 'middle';
}

/** The text's forms, longest first: whole, then cut with an ellipsis down to MIN_CHARS characters. */
function textForms(text: string): string[] {
  const chars = [...text];
  const forms = [text];
  for (let n = Math.floor(chars.length * 0.75); n >= MIN_CHARS; n = Math.min(n - 1, Math.floor(n * 0.75))) forms.push(`${chars.slice(0, n).join('').trimEnd()}${ELLIPSIS}`);
  return forms;
}

function placementOf(p: LabelPoint, box: Box, text: string, baseline: number, side: Side, moved: boolean, r: number): LabelPlacement {
  const anchor = anchorOf(side);
  const textX = anchor === 'start' ? box.x : anchor === 'end' ? box.x + box.width : box.x + box.width / 2;
  const textY = box.y + baseline;
  let leader: LabelPlacement['leader'] = null;
  if (moved) {
    // The box's nearest pixel to the point, and the dot's edge in its direction.
    const nx = Math.min(Math.max(p.x, box.x), box.x + box.width);
    const ny = Math.min(Math.max(p.y, box.y), box.y + box.height);
    const dist = Math.hypot(nx - p.x, ny - p.y);
    if (dist > r) leader = { x1: p.x + ((nx - p.x) / dist) * r, y1: p.y + ((ny - p.y) / dist) * r, x2: nx, y2: ny };
  }
  return { box, text, hidden: false, textX, textY, anchor, leader };
}

/** Step of the last-resort grid of spots across the bounds, in pixels. */
const GRID_STEP_X = 16;

/** Boxes of w × h on a grid across the bounds, nearest to the point first. */
function gridBoxes(bounds: Box, w: number, h: number, p: LabelPoint): Box[] {
  const boxes: Array<Box & { distance: number }> = [];
  for (let y = bounds.y; y + h <= bounds.y + bounds.height; y += h) {
    for (let x = bounds.x; x + w <= bounds.x + bounds.width; x += GRID_STEP_X) {
      const nx = Math.min(Math.max(p.x, x), x + w);
      const ny = Math.min(Math.max(p.y, y), y + h);
      boxes.push({ x, y, width: w, height: h, distance: Math.hypot(nx - p.x, ny - p.y) });
    }
  }
  return boxes.sort((a, b) => a.distance - b.distance).map(({ x, y, width, height }) => ({ x, y, width, height }));
}

/** One placement per point, in the points' order. */
export function placeLabels(points: readonly LabelPoint[], options: PlacementOptions = {}): LabelPlacement[] {
  const { charWidth, lineHeight, pointRadius: r, gap, rings } = { ...DEFAULTS, ...options };
  const { bounds, measure } = options;
  // A measured font: the box holds its ascent and descent (plus a pixel), the baseline below the ascent.
  // Estimated: a lineHeight box with the baseline a little below its middle (for a 10.5 px font in 12 px).
  const metricsOf = (text: string): { w: number; h: number; baseline: number } => {
    if (!measure) return { w: textWidth(text, charWidth), h: lineHeight, baseline: lineHeight / 2 + 3.5 };
    const m = measure(text);
    return { w: Math.ceil(m.width), h: Math.ceil(m.ascent + m.descent) + 1, baseline: m.ascent + 0.5 };
  };
  const placed: Box[] = [];
  const out: LabelPlacement[] = [];
  for (const p of points) {
    const near: Side[] = p.prefer === 'left' ? ['left', 'right', 'above', 'below'] : ['right', 'left', 'above', 'below'];
    const corners: Side[] = p.prefer === 'left' ? ['above-left', 'below-left', 'above-right', 'below-right'] : ['above-right', 'below-right', 'above-left', 'below-left'];
    const far = [...near, ...corners];
    const free = (box: Box): boolean =>
      inside(box, bounds) && placed.every((b) => overlapArea(box, b) === 0) && points.every((q) => !circleHits(q.x, q.y, r, box));
    const forms = textForms(p.text).map((text) => ({ text, ...metricsOf(text) }));
    let found: LabelPlacement | null = null;
    // Near the point first (its sides, then rings farther out), for each form of the text.
    for (const { text, w, h, baseline } of forms) {
      const tries: Array<{ side: Side; d: number; moved: boolean }> = near.map((side) => ({ side, d: gap, moved: false }));
      for (let ring = 1; ring <= rings; ring++) for (const side of far) tries.push({ side, d: gap + ring * h, moved: true });
      const spot = tries.find((t) => free(candidateBox(p, t.side, t.d, w, h, r)));
      if (spot) {
        found = placementOf(p, candidateBox(p, spot.side, spot.d, w, h, r), text, baseline, spot.side, spot.moved, r);
        break;
      }
    }
    // Then anywhere in the bounds, nearest first, with a leader line back to the point.
    for (const { text, w, h, baseline } of found ? [] : forms) {
      const spot = bounds ? gridBoxes(bounds, w, h, p).find(free) : undefined;
      if (spot) {
        const side: Side = spot.x >= p.x ? 'right' : 'left';
        found = placementOf(p, spot, text, baseline, side, true, r);
        break;
      }
    }
    if (found) {
      placed.push(found.box);
      out.push(found);
    } else {
      const { w, h, baseline } = metricsOf(p.text);
      out.push({ ...placementOf(p, candidateBox(p, near[0]!, gap, w, h, r), p.text, baseline, near[0]!, false, r), hidden: true });
    }
  }
  return out;
}
