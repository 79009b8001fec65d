/** Scatter labels that never overlap (issue 13): greedy placement of each point's text. */
import { describe, expect, it } from 'vitest';
import { placeLabels, textWidth, type Box, type LabelPoint } from '../../../../src/renderer/src/components/charts/label-placement';

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const hitsDot = (p: LabelPoint, box: Box, r = 5): boolean => {
  const nx = Math.min(Math.max(p.x, box.x), box.x + box.width);
  const ny = Math.min(Math.max(p.y, box.y), box.y + box.height);
  return (nx - p.x) ** 2 + (ny - p.y) ** 2 < r * r;
};
const BOUNDS: Box = { x: 0, y: 0, width: 600, height: 280 };

describe('label placement', () => {
  it('a lone point keeps its default spot: right of the dot, vertically centred, no leader', () => {
    const [only] = placeLabels([{ x: 100, y: 100, text: 'Pi 5' }], { bounds: BOUNDS });
    expect(only?.box).toEqual({ x: 108, y: 94, width: textWidth('Pi 5'), height: 12 });
    expect(only?.anchor).toBe('start');
    expect(only?.textX).toBe(108);
    expect(only?.leader).toBeNull();
  });

  it("a lone point at the chart's right edge keeps its label on its left", () => {
    const [only] = placeLabels([{ x: 560, y: 100, text: 'Jetson', prefer: 'left' }], { bounds: BOUNDS });
    expect(only?.anchor).toBe('end');
    expect(only?.textX).toBe(552);
    expect(only?.leader).toBeNull();
  });

  it('a cluster of 6 close points gives 6 boxes that overlap neither each other nor any dot', () => {
    const cluster: LabelPoint[] = [
      { x: 200, y: 120, text: 'Raspberry Pi 5' },
      { x: 204, y: 123, text: 'Jetson Orin' },
      { x: 198, y: 126, text: 'x86 laptop' },
      { x: 207, y: 118, text: 'Coral board' },
      { x: 202, y: 130, text: 'Pi 4' },
      { x: 210, y: 125, text: 'RK3588' },
    ];
    const placed = placeLabels(cluster, { bounds: BOUNDS });
    expect(placed).toHaveLength(6);
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
      for (const p of cluster) expect(hitsDot(p, a.box)).toBe(false);
      expect(a.box.width).toBe(textWidth(cluster[i]?.text ?? ''));
    }
    // The first keeps its default spot; the ones pushed farther out point back with a leader line.
    expect(placed[0]?.leader).toBeNull();
    expect(placed.some((p) => p.leader !== null)).toBe(true);
    for (const [i, p] of placed.entries()) {
      if (!p.leader) continue;
      const dot = cluster[i] as LabelPoint;
      expect(Math.hypot(p.leader.x1 - dot.x, p.leader.y1 - dot.y)).toBeCloseTo(5, 6);
    }
  });

  it('labels stay inside the bounds when a free spot there exists', () => {
    const placed = placeLabels(
      [
        { x: 595, y: 10, text: 'edge one' },
        { x: 590, y: 14, text: 'edge two' },
      ],
      { bounds: BOUNDS },
    );
    for (const { box } of placed) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(600);
      expect(box.y).toBeGreaterThanOrEqual(0);
    }
    expect(overlaps(placed[0]!.box, placed[1]!.box)).toBe(false);
  });

  it('estimates text width at 6.5 px a character', () => {
    expect(textWidth('abcd')).toBe(26);
    expect(textWidth('')).toBe(0);
  });
});
