/**
 * Where the text beside each point of a scatter goes, so close points do not draw their labels
 * over each other. Pure (pixels in, boxes out), so the chart only draws it and the tests read it.
 *
 * Greedy: for each point in order, try candidate spots (beside it right or left, then above,
 * below and the corners, then the same farther out) and take the first whose box overlaps no
 * label already placed, no point and stays inside the bounds. A label that had to move away from
 * its point gets a leader line. When no spot is free, the one overlapping least is taken.
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
  /** Where the text is drawn: its anchor point (SVG text-anchor) and baseline. */
  textX: number;
  textY: number;
  anchor: 'start' | 'middle' | 'end';
  /** From the point's edge to the box, when the label sits away from its point. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

export interface PlacementOptions {
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
const DEFAULTS = { charWidth: CHAR_WIDTH, lineHeight: 12, pointRadius: 5, gap: 3, rings: 4 };

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

function placementOf(p: LabelPoint, box: Box, side: Side, moved: boolean, r: number): LabelPlacement {
  const anchor = anchorOf(side);
  const textX = anchor === 'start' ? box.x : anchor === 'end' ? box.x + box.width : box.x + box.width / 2;
  // The baseline sits a little below the box's middle (for a 10.5 px font in a 12 px box).
  const textY = box.y + box.height / 2 + 3.5;
  let leader: LabelPlacement['leader'] = null;
  if (moved) {
    // The box's nearest pixel to the point, and the dot's edge in its direction.
    const nx = Math.min(Math.max(p.x, box.x), box.x + box.width);
    const ny = Math.min(Math.max(p.y, box.y), box.y + box.height);
    const dist = Math.hypot(nx - p.x, ny - p.y);
    if (dist > r) leader = { x1: p.x + ((nx - p.x) / dist) * r, y1: p.y + ((ny - p.y) / dist) * r, x2: nx, y2: ny };
  }
  return { box, textX, textY, anchor, leader };
}

/** One placement per point, in the points' order. */
export function placeLabels(points: readonly LabelPoint[], options: PlacementOptions = {}): LabelPlacement[] {
  const { charWidth, lineHeight: h, pointRadius: r, gap, rings } = { ...DEFAULTS, ...options };
  const { bounds } = options;
  const placed: Box[] = [];
  const out: LabelPlacement[] = [];
  for (const p of points) {
    const w = textWidth(p.text, charWidth);
    const near: Side[] = p.prefer === 'left' ? ['left', 'right', 'above', 'below'] : ['right', 'left', 'above', 'below'];
    const corners: Side[] = p.prefer === 'left' ? ['above-left', 'below-left', 'above-right', 'below-right'] : ['above-right', 'below-right', 'above-left', 'below-left'];
    const far = [...near, ...corners];
    const tries: Array<{ side: Side; d: number; moved: boolean }> = near.map((side) => ({ side, d: gap, moved: false }));
    for (let ring = 1; ring <= rings; ring++) for (const side of far) tries.push({ side, d: gap + ring * h, moved: true });

    const first = tries[0] as { side: Side; d: number; moved: boolean };
    let best = { box: candidateBox(p, first.side, first.d, w, h, r), side: first.side, moved: false, cost: Infinity };
    for (const t of tries) {
      const box = candidateBox(p, t.side, t.d, w, h, r);
      const onLabels = placed.reduce((sum, b) => sum + overlapArea(box, b), 0);
      const onPoints = points.filter((q) => circleHits(q.x, q.y, r, box)).length;
      const off = inside(box, bounds) ? 0 : 1;
      if (onLabels === 0 && onPoints === 0 && off === 0) {
        best = { box, side: t.side, moved: t.moved, cost: 0 };
        break;
      }
      // Nothing free yet: remember the least bad spot (off the chart is worst, then covering a dot).
      const cost = off * 1e9 + onPoints * 1e6 + onLabels;
      if (cost < best.cost) best = { box, side: t.side, moved: t.moved, cost };
    }
    placed.push(best.box);
    out.push(placementOf(p, best.box, best.side, best.moved, r));
  }
  return out;
}
