/** The Diff page's pure parts: overlays from a model diff and a run diff, the tables' sort and filter. */
import { describe, expect, it } from 'vitest';
import { deltaText, modelDiffOverlay, runDiffOverlay, sortNodeRows, sortRunRows } from '../../../src/renderer/src/components/diff/diff-view';
import { diffModels } from '../../../src/shared/graph/diff';
import type { RunDiff, RunDiffRow } from '../../../src/shared/graph/run-diff';
import type { GraphNode, GraphTensor, ModelGraph } from '../../../src/shared/model-graph';

const tensor = (name: string, dtype: string, role: GraphTensor['role'] = 'activation'): GraphTensor => ({ name, dtype, shape: [1, 4], role, quantized: false });
const node = (id: string, op: string, inputs: string[], outputs: string[]): GraphNode => ({ id, name: id, op, inputs, outputs, attributes: {}, subgraph: null });

/** x → conv → relu → y, and its QDQ form: the Relu folded, Q/DQ in front of the conv. */
const float: ModelGraph = {
  format: 'onnx',
  nodes: [node('conv', 'Conv', ['x', 'w'], ['c']), node('relu', 'Relu', ['c'], ['y'])],
  edges: [{ from: 'conv', to: 'relu', tensor: 'c' }],
  subgraphs: [],
  tensors: { x: tensor('x', 'float32', 'input'), w: tensor('w', 'float32', 'weight'), c: tensor('c', 'float32'), y: tensor('y', 'float32', 'output') },
  notes: [],
};
const int8: ModelGraph = {
  format: 'onnx',
  nodes: [
    node('Q0', 'QuantizeLinear', ['x', 's', 'z'], ['x_q']),
    node('DQ1', 'DequantizeLinear', ['x_q', 's', 'z'], ['x_dq']),
    node('DQ2', 'DequantizeLinear', ['w_q', 'ws'], ['w_dq']),
    node('conv', 'Conv', ['x_dq', 'w_dq'], ['y']),
  ],
  edges: [
    { from: 'Q0', to: 'DQ1', tensor: 'x_q' },
    { from: 'DQ1', to: 'conv', tensor: 'x_dq' },
    { from: 'DQ2', to: 'conv', tensor: 'w_dq' },
  ],
  subgraphs: [],
  tensors: { x: tensor('x', 'float32', 'input'), w_q: tensor('w_q', 'int8', 'weight'), y: tensor('y', 'float32', 'output') },
  notes: [],
};
const labels = { a: 'tiny', b: 'tiny (int8)' };

describe('model diff overlay', () => {
  const diff = diffModels({ graph: float, parameters: 4, sizeBytes: 100 }, { graph: int8, parameters: 4, sizeBytes: 40 });

  it('on the variant: the conv changed float → int8, the Q/DQ nodes pale green as added for quantization', () => {
    const overlay = modelDiffOverlay(diff, 'b', labels, (id) => id);
    expect(overlay.byNode.get('conv')).toMatchObject({ tone: 'changed', label: 'float → int8', level: 1 });
    for (const id of ['Q0', 'DQ1', 'DQ2']) expect(overlay.byNode.get(id)).toMatchObject({ tone: 'added', label: 'added (int8)' });
    expect((overlay.byNode.get('Q0')?.level ?? 1) < 1).toBe(true);
    expect(overlay.legend).toContain('3 added (3 for quantization)');
  });

  it('on the float model: the Relu is drawn as folded into the conv', () => {
    const overlay = modelDiffOverlay(diff, 'a', labels, (id) => `node ${id}`);
    expect(overlay.byNode.get('relu')).toMatchObject({ tone: 'removed', label: 'folded', detail: 'folded into node conv' });
    expect(overlay.byNode.has('Q0')).toBe(false);
  });

  it('sorts the node table changes first, and "changed only" drops nothing here since every node differs', () => {
    expect(sortNodeRows(diff.nodes, 'status', true).map((n) => n.status)).toEqual(['changed', 'added', 'added', 'added', 'removed']);
    expect(sortNodeRows(diff.nodes, 'name', false).map((n) => n.name)).toEqual(['conv', 'DQ1', 'DQ2', 'Q0', 'relu']);
  });
});

const row = (name: string, aUs: number | null, bUs: number | null): RunDiffRow => ({
  name,
  op: 'Conv',
  aNode: aUs === null ? null : name,
  bNode: bUs === null ? null : name,
  aUs,
  bUs,
  aQdqUs: 0,
  bQdqUs: bUs === null ? 0 : 1,
  deltaUs: aUs === null || bUs === null ? null : bUs - aUs,
  relative: aUs === null || bUs === null || aUs === 0 ? null : (bUs - aUs) / aUs,
});

describe('run diff table and overlay', () => {
  const rows = [row('slower', 100, 150), row('faster', 200, 50), row('flat', 100, 101), row('gone', 30, null), row('new', null, 20)];

  it('sorts by delta either way, rows timed in one run only last', () => {
    expect(sortRunRows(rows, 'delta', true, false).map((r) => r.name)).toEqual(['slower', 'flat', 'faster', 'gone', 'new']);
    expect(sortRunRows(rows, 'delta', false, false).map((r) => r.name)).toEqual(['faster', 'flat', 'slower', 'gone', 'new']);
    expect(sortRunRows(rows, 'relative', false, false).map((r) => r.name)[0]).toBe('faster');
  });

  it('"changed only" keeps moves of 5 % or more and the one-sided rows', () => {
    expect(sortRunRows(rows, 'name', false, true).map((r) => r.name)).toEqual(['faster', 'gone', 'new', 'slower']);
  });

  it('writes deltas with their sign and colours faster green, slower red, by size of the change', () => {
    expect(deltaText(rows[0] as RunDiffRow)).toBe('+50.0 µs (+50%)');
    expect(deltaText(rows[1] as RunDiffRow)).toBe('−150 µs (−75%)');
    expect(deltaText(rows[3] as RunDiffRow)).toBe('only in A');
    const diff: RunDiff = { rows, byOp: [], onlyInA: 1, onlyInB: 1, medianMs: { a: 1, b: 1 }, profiledMs: { a: 1, b: 1 }, unmatchedUs: { a: 0, b: 0 }, throughModelDiff: false };
    const overlay = runDiffOverlay(diff, 'b', labels);
    expect(overlay.byNode.get('faster')).toMatchObject({ tone: 'faster', level: 1 });
    expect(overlay.byNode.get('slower')).toMatchObject({ tone: 'slower', level: 50 / 150 });
    expect(overlay.byNode.has('new')).toBe(false);
  });
});
