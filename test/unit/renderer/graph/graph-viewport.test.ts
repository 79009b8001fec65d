import { describe, expect, it } from 'vitest';
import type { GraphLayout, PlacedNode } from '../../../../src/renderer/src/components/graph/graph-layout';
import { centreOn, cull, cullIndex, fitCamera, panBy, visibleRect, zoomAt, type Rect } from '../../../../src/renderer/src/components/graph/graph-viewport';

/** A grid of 100 × 50 nodes (5,000), 120 × 50 each, 40 apart, with an edge down each column. */
function grid(): GraphLayout {
  const nodes: PlacedNode[] = [];
  const edges: GraphLayout['edges'] = [];
  for (let row = 0; row < 100; row++) {
    for (let col = 0; col < 50; col++) {
      nodes.push({ id: `r${row}c${col}`, x: col * 160, y: row * 90, width: 120, height: 50, band: 0 });
      if (row > 0) edges.push({ from: `r${row - 1}c${col}`, to: `r${row}c${col}`, tensor: 't', points: [[col * 160 + 60, (row - 1) * 90 + 50], [col * 160 + 60, row * 90]] });
    }
  }
  return { key: 'main', nodes, edges, width: 50 * 160 - 40, height: 100 * 90 - 40, bands: [{ y: 0, height: 100 * 90 - 40, nodes: 5000 }] };
}

const inside = (n: PlacedNode, r: Rect) => n.x <= r.right && n.x + n.width >= r.left && n.y <= r.bottom && n.y + n.height >= r.top;

describe('graph viewport', () => {
  const layout = grid();
  const view = { width: 1000, height: 700 };

  it('draws only the nodes and edges in view, the same ones a full scan finds', () => {
    const index = cullIndex(layout);
    const camera = { x: -2000, y: -3000, scale: 1 };
    const rect = visibleRect(camera, view);
    const { nodes, edges } = cull(index, rect);
    const expected = layout.nodes.filter((n) => inside(n, rect)).map((n) => n.id).sort();
    expect(nodes.map((n) => n.id).sort()).toEqual(expected);
    // A screen of 1,000 × 700 px at 1:1 shows a few dozen of the 5,000 nodes, not all of them.
    expect(nodes.length).toBeGreaterThan(40);
    expect(nodes.length).toBeLessThan(150);
    for (const e of edges) {
      const ys = e.points.map((p) => p[1]);
      expect(Math.max(...ys)).toBeGreaterThanOrEqual(rect.top);
      expect(Math.min(...ys)).toBeLessThanOrEqual(rect.bottom);
    }
    // Nothing is drawn when the camera looks past the graph.
    expect(cull(index, visibleRect({ x: 50_000, y: 0, scale: 1 }, view)).nodes).toEqual([]);
  });

  it('fits the whole graph in view, centred, and never enlarges past 1:1', () => {
    const square = { width: 1000, height: 1000 };
    const fit = fitCamera(layout, square);
    expect(layout.width * fit.scale).toBeLessThanOrEqual(square.width);
    expect(layout.height * fit.scale).toBeLessThanOrEqual(square.height);
    expect(fit.x + (layout.width * fit.scale) / 2).toBeCloseTo(square.width / 2, 5);
    expect(fit.y + (layout.height * fit.scale) / 2).toBeCloseTo(square.height / 2, 5);
    expect(fitCamera({ width: 100, height: 50 }, view).scale).toBe(1);
    // A very tall graph starts from its top at a readable scale instead of a speck.
    const tall = fitCamera({ width: 600, height: 400_000 }, view);
    expect(tall.scale).toBeGreaterThanOrEqual(0.08);
    expect(tall.y).toBe(24);
    // A drawing centred on x = 0 (bands stacked about their axis) is centred in view just the same.
    const centredOnAxis = fitCamera({ left: -500, width: 1000, height: 1000 }, square);
    expect(centredOnAxis.x).toBeCloseTo(square.width / 2, 5);
  });

  it('zooms about the pointer, pans by the drag, and centres a node', () => {
    const camera = { x: 10, y: 20, scale: 0.5 };
    const zoomed = zoomAt(camera, 2, 300, 200);
    // The world point under the pointer stays under it.
    expect((300 - camera.x) / camera.scale).toBeCloseTo((300 - zoomed.x) / zoomed.scale, 9);
    expect((200 - camera.y) / camera.scale).toBeCloseTo((200 - zoomed.y) / zoomed.scale, 9);
    expect(zoomed.scale).toBe(1);
    expect(zoomAt(camera, 1e6, 0, 0).scale).toBe(4);
    expect(panBy(camera, 5, -7)).toEqual({ x: 15, y: 13, scale: 0.5 });
    const node = layout.nodes[2345]!;
    const centred = centreOn(camera, node, view);
    expect((node.x + node.width / 2) * centred.scale + centred.x).toBeCloseTo(view.width / 2, 9);
    expect((node.y + node.height / 2) * centred.scale + centred.y).toBeCloseTo(view.height / 2, 9);
    expect(centred.scale).toBe(1);
  });
});
