/**
 * The graph view's camera and culling: which part of the layout the screen shows, how pan, zoom
 * and fit move it, and which nodes and edges fall inside it (only those are drawn). Pure.
 */
import type { GraphLayout, PlacedEdge, PlacedNode } from './graph-layout';

/** screen = world × scale + (x, y) */
export interface Camera {
  x: number;
  y: number;
  scale: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 4;
/** One +/- key press or button click. */
export const ZOOM_STEP = 1.25;
/** Drawn around the screen so a pan of a few pixels does not show empty edges. */
const CULL_MARGIN_PX = 120;

const clampScale = (scale: number): number => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/**
 * The whole layout in view, centred, never enlarged past 1:1. A graph so tall that it would
 * shrink below `minScale` (a deep network's long chain) is shown from its top at the larger of
 * `minScale` and its width's fit instead: the user pans down it.
 */
export function fitCamera(layout: Pick<GraphLayout, 'width' | 'height' | 'left'>, view: Size, padding = 24, minScale = 0.08): Camera {
  const w = Math.max(1, layout.width);
  const h = Math.max(1, layout.height);
  const byWidth = (view.width - 2 * padding) / w;
  const whole = Math.min(1, byWidth, (view.height - 2 * padding) / h);
  const scale = clampScale(whole >= minScale ? whole : Math.min(1, byWidth, minScale));
  return { scale, x: (view.width - w * scale) / 2 - (layout.left ?? 0) * scale, y: Math.max(padding, (view.height - h * scale) / 2) };
}

/** Zoom by `factor` keeping the world point under screen point (px, py) where it is. */
export function zoomAt(camera: Camera, factor: number, px: number, py: number): Camera {
  const scale = clampScale(camera.scale * factor);
  const k = scale / camera.scale;
  return { scale, x: px - (px - camera.x) * k, y: py - (py - camera.y) * k };
}

export function panBy(camera: Camera, dx: number, dy: number): Camera {
  return { ...camera, x: camera.x + dx, y: camera.y + dy };
}

/** The camera that puts a node's centre in the middle of the view, at least at `minScale`. */
export function centreOn(camera: Camera, node: PlacedNode, view: Size, minScale = 1): Camera {
  const scale = Math.max(camera.scale, minScale);
  return { scale, x: view.width / 2 - (node.x + node.width / 2) * scale, y: view.height / 2 - (node.y + node.height / 2) * scale };
}

/** The world rectangle the screen shows, with the culling margin. */
export function visibleRect(camera: Camera, view: Size): Rect {
  const m = CULL_MARGIN_PX;
  return {
    left: (-m - camera.x) / camera.scale,
    top: (-m - camera.y) / camera.scale,
    right: (view.width + m - camera.x) / camera.scale,
    bottom: (view.height + m - camera.y) / camera.scale,
  };
}

const overlaps = (a: Rect, b: Rect): boolean => a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;

/** A layout with what culling needs precomputed: nodes sorted by top edge, each edge's bounding box. */
export interface CullIndex {
  nodesByTop: PlacedNode[];
  /** The tallest node, so a binary search on top edges finds every node reaching into a rect. */
  maxHeight: number;
  edges: Array<{ edge: PlacedEdge; box: Rect }>;
}

export function cullIndex(layout: GraphLayout): CullIndex {
  const nodesByTop = [...layout.nodes].sort((a, b) => a.y - b.y);
  const maxHeight = Math.max(0, ...layout.nodes.map((n) => n.height));
  const edges = layout.edges.map((edge) => {
    const xs = edge.points.map((p) => p[0]);
    const ys = edge.points.map((p) => p[1]);
    return { edge, box: { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) } };
  });
  return { nodesByTop, maxHeight, edges };
}

/** First index in `nodes` (sorted by y) whose y is at least `y`. */
function lowerBound(nodes: PlacedNode[], y: number): number {
  let lo = 0;
  let hi = nodes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nodes[mid]!.y < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The nodes and edges that reach into `rect`: the only ones the view draws. */
export function cull(index: CullIndex, rect: Rect): { nodes: PlacedNode[]; edges: PlacedEdge[] } {
  const nodes: PlacedNode[] = [];
  for (let i = lowerBound(index.nodesByTop, rect.top - index.maxHeight); i < index.nodesByTop.length; i++) {
    const n = index.nodesByTop[i]!;
    if (n.y > rect.bottom) break;
    if (overlaps(rect, { left: n.x, right: n.x + n.width, top: n.y, bottom: n.y + n.height })) nodes.push(n);
  }
  const edges = index.edges.filter((e) => overlaps(rect, e.box)).map((e) => e.edge);
  return { nodes, edges };
}
