import { describe, expect, it } from 'vitest';
import { latencyOverlay, precisionOverlay, sqnrOverlay, triageOverlay } from '../../../../src/renderer/src/components/graph/overlay-builders';
import type { GraphNode, GraphTensor, ModelGraph } from '../../../../src/shared/model-graph';
import { overlayFill } from '../../../../src/renderer/src/components/graph/overlay-style';
import { chainGraph } from './synthetic-graph';

/** A QDQ model by hand: x -> QuantizeLinear -> DequantizeLinear -> Conv (int8 weight through DequantizeLinear) -> Relu (float) -> Shape; and an fp16 Add. */
function qdqGraph(): ModelGraph {
  const t = (name: string, dtype: string, role: GraphTensor['role'], quantized = false): GraphTensor => ({ name, dtype, shape: [1, 8], role, quantized });
  const node = (id: string, op: string, inputs: string[], outputs: string[]): GraphNode => ({ id, name: id, op, inputs, outputs, attributes: {}, subgraph: null });
  const nodes = [
    node('q', 'QuantizeLinear', ['x', 'x_scale'], ['x_q']),
    node('dq', 'DequantizeLinear', ['x_q', 'x_scale'], ['x_dq']),
    node('w_dq', 'DequantizeLinear', ['w_q', 'w_scale'], ['w']),
    node('conv', 'Conv', ['x_dq', 'w'], ['y']),
    node('relu', 'Relu', ['y'], ['z']),
    node('shape', 'Shape', ['z'], ['z_shape']),
    node('half_add', 'Add', ['h', 'h'], ['h2']),
  ];
  const tensors = [
    t('x', 'float32', 'input'),
    t('x_scale', 'float32', 'weight'),
    t('x_q', 'int8', 'activation', true),
    t('x_dq', 'float32', 'activation'),
    t('w_q', 'int8', 'weight', true),
    t('w_scale', 'float32', 'weight'),
    t('w', 'float32', 'activation'),
    t('y', 'float32', 'activation'),
    t('z', 'float32', 'output'),
    t('z_shape', 'int64', 'output'),
    t('h', 'float16', 'input'),
    t('h2', 'float16', 'output'),
  ];
  return { format: 'onnx', nodes, edges: [], subgraphs: [], tensors: Object.fromEntries(tensors.map((x) => [x.name, x])), notes: [] };
}

describe('graph overlays', () => {
  const graph = chainGraph(10, { skips: false });

  it("per-op latency: a kernel onnxruntime renamed when it fused Conv+Relu (`<relu output>_nchwc`) lands on the Conv, as the triage's per-layer times do", () => {
    const node = (id: string, op: string, inputs: string[], outputs: string[]): GraphNode => ({ id, name: id, op, inputs, outputs, attributes: {}, subgraph: null });
    const demo: ModelGraph = {
      format: 'onnx',
      nodes: [node('conv1', 'Conv', ['input', 'w1'], ['conv1_out']), node('relu1', 'Relu', ['conv1_out'], ['relu1_out']), node('dense', 'Gemm', ['relu1_out', 'w2'], ['logits'])],
      edges: [],
      subgraphs: [],
      tensors: {},
      notes: [],
    };
    const overlay = latencyOverlay(
      demo,
      { runs: 20, wallMedianMs: 0.011, runtimeMedianMs: 0.01, nodes: [{ name: 'relu1_out_nchwc', opType: 'Conv', meanUs: 4, share: 0.4 }, { name: 'dense', opType: 'Gemm', meanUs: 2, share: 0.2 }], ops: [] },
      'demo',
    );
    expect([...overlay.byNode.keys()].sort()).toEqual(['conv1', 'dense']);
    expect(overlay.byNode.get('conv1')).toMatchObject({ label: '0.00400 ms (40%)', level: 1 });
    expect(overlay.byNode.get('conv1')!.detail).toContain("the runtime's relu1_out_nchwc");
    expect(overlay.legend).not.toMatch(/match no node here/);
  });

  it('per-op latency: each profiled node by name, darkest for the largest share; unprofiled nodes have no entry', () => {
    const overlay = latencyOverlay(
      graph,
      {
        runs: 20,
        wallMedianMs: 1.1,
        runtimeMedianMs: 1.0,
        nodes: [
          { name: 'layer_3', opType: 'MatMul', meanUs: 420, share: 0.42 },
          { name: 'layer_4', opType: 'BatchNormalization', meanUs: 105, share: 0.105 },
          { name: 'fused_layer_5_6', opType: 'FusedConv', meanUs: 300, share: 0.3 },
        ],
        ops: [],
      },
      'demo · onnxruntime · 1 thr',
    );
    expect([...overlay.byNode.keys()]).toEqual(['n3', 'n4']);
    expect(overlay.byNode.get('n3')).toMatchObject({ label: '0.420 ms (42%)', level: 1, tone: 'latency' });
    expect(overlay.byNode.get('n4')!.label).toBe('0.105 ms (11%)');
    expect(overlay.byNode.get('n4')!.level).toBeCloseTo(0.25, 5);
    expect(overlay.byNode.get('n3')!.detail).toContain('420 µs over 20 profiled runs');
    expect(overlay.legend).toContain('2 of 10 nodes have a time');
    // In the dark theme the largest share is the brightest node, so the legend names no shade.
    expect(overlay.legend).toMatch(/^Stronger colour: a larger share of the profiled time/);
    expect(overlay.legend).not.toMatch(/darker|brighter/i);
    expect(overlay.legend).toContain("1 profiled node of the runtime's own (fused or renamed) match no node here");
    expect(overlay.title).toBe('Latency per op: demo · onnxruntime · 1 thr');
  });

  it('per-layer SQNR: by node name, else by the tensor a node produces; the worst layer darkest', () => {
    const overlay = sqnrOverlay(
      graph,
      [
        { tensor: 't2', node: 'layer_2', opType: 'Add', sqnrDb: 12.5 },
        { tensor: 't7', node: 'renamed_in_variant', opType: 'Mul', sqnrDb: 30 },
        { tensor: 't8', node: 'layer_8', opType: 'Relu', sqnrDb: 40 },
      ],
      'demo int8',
    );
    expect(overlay.byNode.get('n2')).toMatchObject({ label: '12.5 dB', level: 1, tone: 'sqnr' });
    expect(overlay.byNode.get('n7')!.label).toBe('30.0 dB');
    expect(overlay.byNode.get('n7')!.level).toBeCloseTo(10 / 27.5, 5);
    expect(overlay.byNode.get('n8')!.level).toBe(0);
    expect(overlay.byNode.has('n0')).toBe(false);
    expect(overlay.legend).toContain('worst 12.5 dB, best 40.0 dB');
    // The dark theme draws the worst layer brightest: the legend says neither darker nor brighter.
    expect(overlay.legend).toMatch(/^Stronger colour: lower SQNR/);
    expect(overlay.legend).not.toMatch(/darker|brighter/i);
    expect(overlay.legend).toContain('3 of 10 nodes were measured');
  });

  it('precision: quantized, Q/DQ, fp16 and float nodes labelled and coloured apart, with the graph\'s reason; shape arithmetic plain', () => {
    const overlay = precisionOverlay(qdqGraph());
    const label = (id: string) => overlay.byNode.get(id)?.label;
    expect(['q', 'dq', 'w_dq', 'conv', 'relu', 'half_add'].map(label)).toEqual(['Q/DQ', 'Q/DQ', 'Q/DQ', 'int8', 'float', 'fp16']);
    expect(overlay.byNode.has('shape')).toBe(false);
    expect(overlay.byNode.get('conv')).toMatchObject({ level: 1, tone: 'precision' });
    expect(overlay.byNode.get('conv')!.detail).toContain('DequantizeLinear');
    expect(overlay.byNode.get('half_add')!.level).toBe(0.5);
    expect(overlay.byNode.get('relu')!.level).toBe(0.1);
    // The three kinds paint three different fills.
    const fills = new Set(['conv', 'half_add', 'relu'].map((id) => overlayFill(overlay.byNode.get(id)!).color));
    expect(fills.size).toBe(3);
    expect(overlay.legend).toContain('Of 7 nodes: 1 quantized (1 int8, 0 uint8), 3 Q/DQ, 1 fp16, 1 float, 1 with no float data');
  });

  it('precision of a float model: every node float', () => {
    const overlay = precisionOverlay(graph);
    expect(overlay.byNode.size).toBe(10);
    expect([...overlay.byNode.values()].every((n) => n.label === 'float' && n.level === 0.1)).toBe(true);
  });

  it('triage: layers coloured by the step variant\'s SQNR, the layers it keeps in float outlined with the step that kept them, whether measured or not', () => {
    const layers = [
      { tensor: 't2', node: 'layer_2', opType: 'Add', sqnrDb: 12.5 },
      { tensor: 't7', node: 'layer_7', opType: 'Add', sqnrDb: 30 },
      { tensor: 't8', node: 'layer_8', opType: 'MatMul', sqnrDb: 40 },
    ];
    const keptAt = new Map([
      ['layer_7', 2],
      ['layer_3', 3],
    ]);
    const overlay = triageOverlay(graph, { layers, keptFloat: ['layer_7', 'layer_3', 'gone_layer'], keptAt, stepName: 'step 3 of 3 (+ layer_3)' });
    expect(overlay.title).toBe('Triage: step 3 of 3 (+ layer_3)');
    // Measured and kept: the SQNR figure and colour as the SQNR overlay gives them, and the mark.
    expect(overlay.byNode.get('n7')).toMatchObject({ label: 'float · 30.0 dB', tone: 'sqnr', mark: 'kept-float' });
    expect(overlay.byNode.get('n7')!.level).toBeCloseTo(sqnrOverlay(graph, layers, 'x').byNode.get('n7')!.level, 9);
    expect(overlay.byNode.get('n7')!.detail).toMatch(/^Kept in float since step 2\. SQNR of t7 \(Add\): 30\.00 dB$/);
    // Kept without a figure: still marked, and says so.
    expect(overlay.byNode.get('n3')).toMatchObject({ label: 'float', mark: 'kept-float' });
    expect(overlay.byNode.get('n3')!.detail).toContain('since step 3');
    // Measured, quantized: coloured, not marked.
    expect(overlay.byNode.get('n2')).toMatchObject({ label: '12.5 dB', level: 1 });
    expect(overlay.byNode.get('n2')!.mark).toBeUndefined();
    expect(overlay.marks).toEqual({ keptFloat: 2 });
    expect(overlay.legend).toContain('kept in float (2 layers)');
    expect(overlay.legend).toContain('Kept in float but not in this graph: gone_layer.');

    // While the SQNR is still being measured, the kept layers are already outlined.
    const measuring = triageOverlay(graph, { layers: null, keptFloat: ['layer_7'], keptAt, stepName: 'step 2 of 2' });
    expect([...measuring.byNode.keys()]).toEqual(['n7']);
    expect(measuring.byNode.get('n7')!.detail).toContain('being measured');
    expect(measuring.legend).toContain('being measured');
  });
});
