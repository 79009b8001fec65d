import { useEffect, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import type { GraphNode } from '../../../../shared/model-graph';
import type { GraphOverlay } from './graph-overlay';
import { nodeLabel, type GraphLayout, type PlacedNode } from './graph-layout';
import { cull, cullIndex, panBy, visibleRect, zoomAt, ZOOM_STEP, type Camera, type Size } from './graph-viewport';
import { overlayFill } from './overlay-style';

/**
 * The drawing: SVG, with only what is in view drawn. Up to MAX_DETAILED visible nodes (and at a
 * scale where text can be read) each node is a box with its op, name and overlay label; beyond
 * that the view draws an overview, one path per fill for every box and one for every edge, so a
 * 5,000-node graph zoomed out is a handful of elements. Drag pans, the wheel zooms about the
 * pointer, + / - zoom, 0 fits, arrow keys pan; a click selects the node under the pointer.
 */
const MAX_DETAILED = 600;
const MIN_DETAIL_SCALE = 0.3;
const DRAG_THRESHOLD_PX = 4;
const ARROW_PX = 5;
const KEY_PAN_PX = 80;

interface Props {
  layout: GraphLayout;
  nodesById: ReadonlyMap<string, GraphNode>;
  overlay: GraphOverlay | null;
  camera: Camera;
  size: Size;
  onCamera: (camera: Camera) => void;
  onFit: () => void;
  selectedId: string | null;
  matchIds: ReadonlySet<string>;
  onSelect: (id: string | null) => void;
}

function rectPath(nodes: readonly PlacedNode[]): string {
  let d = '';
  for (const n of nodes) d += `M${n.x.toFixed(1)} ${n.y.toFixed(1)}h${n.width.toFixed(1)}v${n.height.toFixed(1)}h${(-n.width).toFixed(1)}z`;
  return d;
}

/** One path for the edges, one for those that close a loop (drawn dashed: they run up the drawing), one for the arrowheads. */
function edgePaths(edges: ReadonlyArray<{ points: Array<[number, number]>; back?: boolean }>): { lines: string; backLines: string; arrows: string } {
  let lines = '';
  let backLines = '';
  let arrows = '';
  for (const { points, back } of edges) {
    if (points.length < 2) continue;
    const line = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`).join('');
    if (back) backLines += line;
    else lines += line;
    const [ex, ey] = points[points.length - 1]!;
    const [px, py] = points[points.length - 2]!;
    const len = Math.hypot(ex - px, ey - py) || 1;
    const ux = (ex - px) / len;
    const uy = (ey - py) / len;
    const bx = ex - ux * ARROW_PX * 1.6;
    const by = ey - uy * ARROW_PX * 1.6;
    arrows += `M${ex.toFixed(1)} ${ey.toFixed(1)}L${(bx - uy * ARROW_PX).toFixed(1)} ${(by + ux * ARROW_PX).toFixed(1)}L${(bx + uy * ARROW_PX).toFixed(1)} ${(by - ux * ARROW_PX).toFixed(1)}z`;
  }
  return { lines, backLines, arrows };
}

export function GraphCanvas({ layout, nodesById, overlay, camera, size, onCamera, onFit, selectedId, matchIds, onSelect }: Props) {
  const box = useRef<HTMLDivElement | null>(null);
  const drag = useRef<{ x: number; y: number; camera: Camera; moved: boolean } | null>(null);
  const index = useMemo(() => cullIndex(layout), [layout]);
  const { nodes, edges } = useMemo(() => cull(index, visibleRect(camera, size)), [index, camera, size]);
  const detailed = nodes.length <= MAX_DETAILED && camera.scale >= MIN_DETAIL_SCALE;
  const paths = useMemo(() => edgePaths(edges), [edges]);
  // The wheel listener is added once; it reads the camera of the latest render from here.
  const cameraRef = useRef(camera);
  useEffect(() => {
    cameraRef.current = camera;
  }, [camera]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // A wheel listener React would add is passive, and the page must not scroll while zooming.
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const bounds = element.getBoundingClientRect();
      onCamera(zoomAt(cameraRef.current, Math.exp(-event.deltaY * 0.0015), event.clientX - bounds.left, event.clientY - bounds.top));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [onCamera]);

  const nodeAt = (clientX: number, clientY: number): string | null => {
    const bounds = box.current?.getBoundingClientRect();
    if (!bounds) return null;
    const x = (clientX - bounds.left - camera.x) / camera.scale;
    const y = (clientY - bounds.top - camera.y) / camera.scale;
    const hit = nodes.find((n) => x >= n.x && x <= n.x + n.width && y >= n.y && y <= n.y + n.height);
    return hit?.id ?? null;
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    if (event.button !== 0) return;
    drag.current = { x: event.clientX, y: event.clientY, camera, moved: false };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const start = drag.current;
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (!start.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    start.moved = true;
    onCamera(panBy(start.camera, dx, dy));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>): void => {
    const start = drag.current;
    drag.current = null;
    if (start && !start.moved) onSelect(nodeAt(event.clientX, event.clientY));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const centre = (factor: number) => onCamera(zoomAt(camera, factor, size.width / 2, size.height / 2));
    const pans: Record<string, [number, number]> = { ArrowLeft: [KEY_PAN_PX, 0], ArrowRight: [-KEY_PAN_PX, 0], ArrowUp: [0, KEY_PAN_PX], ArrowDown: [0, -KEY_PAN_PX] };
    if (event.key === '+' || event.key === '=') centre(ZOOM_STEP);
    else if (event.key === '-' || event.key === '_') centre(1 / ZOOM_STEP);
    else if (event.key === '0') onFit();
    else if (event.key === 'Escape') onSelect(null);
    else if (event.key in pans) onCamera(panBy(camera, ...pans[event.key]!));
    else return;
    event.preventDefault();
  };

  const fills = useMemo(() => {
    if (detailed || !overlay) return [];
    const groups = new Map<string, { color: string; opacity: number; nodes: PlacedNode[] }>();
    for (const n of nodes) {
      const o = overlay.byNode.get(n.id);
      if (!o) continue;
      const fill = overlayFill(o);
      const group = groups.get(fill.key) ?? { color: fill.color, opacity: fill.opacity, nodes: [] };
      group.nodes.push(n);
      groups.set(fill.key, group);
    }
    return [...groups.entries()].map(([key, g]) => ({ key, color: g.color, opacity: g.opacity, d: rectPath(g.nodes) }));
  }, [detailed, overlay, nodes]);
  const marked = !detailed ? nodes.filter((n) => matchIds.has(n.id) || n.id === selectedId) : [];
  const kept = !detailed && overlay?.marks ? nodes.filter((n) => overlay.byNode.get(n.id)?.mark === 'kept-float') : [];

  return (
    <div
      ref={box}
      className="graph-canvas"
      data-testid="graph-canvas"
      data-mode={detailed ? 'detailed' : 'overview'}
      data-drawn-nodes={nodes.length}
      data-scale={camera.scale.toFixed(3)}
      tabIndex={0}
      role="application"
      aria-label={`Graph drawing: ${nodes.length} of ${layout.nodes.length} nodes in view. Drag to pan, wheel or + and - to zoom, 0 to fit.`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={onKeyDown}
    >
      <svg width={size.width} height={size.height} aria-hidden="true">
        <g transform={`translate(${camera.x} ${camera.y}) scale(${camera.scale})`}>
          <path className="graph-edges" d={paths.lines} vectorEffect="non-scaling-stroke" />
          {paths.backLines && <path className="graph-edges graph-edges-back" data-testid="graph-back-edges" d={paths.backLines} vectorEffect="non-scaling-stroke" />}
          {detailed && <path className="graph-arrows" d={paths.arrows} />}
          {detailed ? (
            nodes.map((n) => {
              const node = nodesById.get(n.id);
              const label = nodeLabel(node ?? { op: '?', name: n.id, id: n.id });
              const o = overlay?.byNode.get(n.id);
              const fill = o ? overlayFill(o) : null;
              const classes = ['graph-node', n.id === selectedId ? 'selected' : '', matchIds.has(n.id) ? 'match' : ''].join(' ').trim();
              return (
                <g
                  key={n.id}
                  className={classes}
                  transform={`translate(${n.x} ${n.y})`}
                  data-testid="graph-node"
                  data-node-id={n.id}
                  data-op={node?.op}
                  data-kept-float={o?.mark === 'kept-float' ? 'yes' : undefined}
                >
                  <title>{o?.detail ? `${node?.name || n.id} (${node?.op})\n${o.detail}` : `${node?.name || n.id} (${node?.op})`}</title>
                  <rect className="graph-node-box" width={n.width} height={n.height} rx={5} />
                  {fill && <rect width={n.width} height={n.height} rx={5} fill={fill.color} fillOpacity={fill.opacity} pointerEvents="none" />}
                  {o?.mark === 'kept-float' && <rect className="graph-node-kept" x={-3} y={-3} width={n.width + 6} height={n.height + 6} rx={7} pointerEvents="none" />}
                  <text className="graph-node-op" x={8} y={16}>
                    {label.op}
                  </text>
                  <text className="graph-node-name" x={8} y={30}>
                    {label.name}
                  </text>
                  {o && (
                    <text className="graph-node-overlay" x={8} y={44} data-testid="graph-node-overlay">
                      {o.label}
                    </text>
                  )}
                </g>
              );
            })
          ) : (
            <>
              <path className="graph-node-box" d={rectPath(nodes)} />
              {fills.map((f) => (
                <path key={f.key} d={f.d} fill={f.color} fillOpacity={f.opacity} />
              ))}
              <path className="graph-node-marked" d={rectPath(marked)} vectorEffect="non-scaling-stroke" />
              {kept.length > 0 && <path className="graph-node-kept" d={rectPath(kept)} vectorEffect="non-scaling-stroke" data-testid="graph-kept-float-overview" />}
            </>
          )}
        </g>
      </svg>
    </div>
  );
}
