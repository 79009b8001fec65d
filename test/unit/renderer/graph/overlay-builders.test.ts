import { describe, expect, it } from 'vitest';
import { latencyOverlay, sqnrOverlay } from '../../../../src/renderer/src/components/graph/overlay-builders';
import { chainGraph } from './synthetic-graph';

describe('graph overlays', () => {
  const graph = chainGraph(10, { skips: false });

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
    expect(overlay.legend).toContain('3 of 10 nodes were measured');
  });
});
