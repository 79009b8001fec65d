/**
 * The model diff (src/shared/graph/diff.ts) on real third-party models against the int8 variants
 * the studio's own quantizer makes of them, on a renamed copy, and on a hand-edited "version 2".
 */
import { describe, expect, it } from 'vitest';
import { readModelGraph, readModelGraphFile } from '../../../src/core/formats/graph/model-graph';
import { quantizeOnnx } from '../../../src/core/quantize';
import type { GraphNode, ModelGraph } from '../../../src/shared/model-graph';
import { describeChange, diffModels, isQuantizeOp, type ModelDiff } from '../../../src/shared/graph/diff';
import { modelBytes, REAL_ONNX_MODELS, type RealOnnxModel } from '../quantize/real-onnx-models';

const byName = (name: string): RealOnnxModel => REAL_ONNX_MODELS.find((m) => m.name === name) as RealOnnxModel;
const graphOf = (data: Uint8Array): ModelGraph => readModelGraph({ main: { name: 'model.onnx', data }, companions: new Map() }, 'onnx');
const side = (graph: ModelGraph, sizeBytes: number | null = null, parameters: number | null = null) => ({ graph, parameters, sizeBytes });

async function staticVariant(model: RealOnnxModel): Promise<{ float: ModelGraph; int8: ModelGraph; quantized: string[]; floatBytes: number; int8Bytes: number }> {
  const bytes = modelBytes(model);
  const result = await quantizeOnnx(bytes, { mode: 'static', perChannel: true }, { inputs: [1, 2, 3, 4].map((i) => model.feed(i)) });
  return { float: graphOf(bytes), int8: graphOf(result.bytes), quantized: result.quantizedNodes, floatBytes: bytes.byteLength, int8Bytes: result.bytes.byteLength };
}

function entryOfA(diff: ModelDiff, id: string) {
  return diff.nodes.find((n) => n.a === id);
}

describe.each(['PP-OCR mobile v2 cls', 'openwakeword hello_deepa', 'silero_vad_v5'])('%s against its int8 static variant', (name) => {
  it('matches every float node (or names the int8 node that took it over) and reports the QDQ nodes as added for quantization', async () => {
    const { float, int8, quantized, floatBytes, int8Bytes } = await staticVariant(byName(name));
    const diff = diffModels(side(float, floatBytes), side(int8, int8Bytes));

    // Every node of both graphs is in the diff exactly once.
    expect(diff.nodes.filter((n) => n.a !== null)).toHaveLength(float.nodes.length);
    expect(diff.nodes.filter((n) => n.b !== null)).toHaveLength(int8.nodes.length);
    expect(new Set(diff.nodes.filter((n) => n.b !== null).map((n) => n.b)).size).toBe(int8.nodes.length);

    // Every float node has a counterpart, or a node of the variant that now does its work.
    const int8Ids = new Set(int8.nodes.map((n) => n.id));
    for (const node of float.nodes) {
      const entry = entryOfA(diff, node.id);
      expect(entry, node.id).toBeDefined();
      const taker = entry?.b ?? entry?.foldedInto;
      expect(taker && int8Ids.has(taker), `${node.id} (${node.op}) is not matched`).toBe(true);
    }
    // What the variant added is its QuantizeLinear/DequantizeLinear and nothing else.
    const added = diff.nodes.filter((n) => n.status === 'added');
    const qdqInVariant = int8.nodes.filter((n) => isQuantizeOp(n.op)).length;
    expect(qdqInVariant).toBeGreaterThan(0);
    expect(added).toHaveLength(qdqInVariant);
    expect(added.every((n) => n.forQuantization && isQuantizeOp(n.op))).toBe(true);
    expect(diff.summary.addedForQuantization).toBe(qdqInVariant);

    // Each node the quantizer says it quantized (and did not fold away) reads int8 now.
    const folded = new Set(diff.nodes.filter((n) => n.status === 'removed').map((n) => n.name));
    const idOf = new Map(float.nodes.map((n) => [n.name || n.id, n.id]));
    const quantizedHere = quantized.filter((label) => idOf.has(label) && !folded.has(label));
    expect(quantizedHere.length).toBeGreaterThan(0);
    for (const label of quantizedHere) {
      const entry = entryOfA(diff, idOf.get(label) as string);
      expect(entry?.changes.map(describeChange), label).toContain('precision float → int8');
    }
    // Nodes the variant kept in float read the same.
    expect(diff.summary.same).toBeGreaterThan(0);
    expect(diff.summary.sizeDeltaBytes).toBe(int8Bytes - floatBytes);
    expect(diff.summary.sizeDeltaBytes).toBeLessThan(0);
  });
});

it('PP-OCR cls: BatchNormalization and Relu folded into Convs by the quantizer name the Conv that writes their output now', async () => {
  const { float, int8 } = await staticVariant(byName('PP-OCR mobile v2 cls'));
  const diff = diffModels(side(float), side(int8));
  const bn = diff.nodes.filter((n) => n.op === 'BatchNormalization');
  expect(bn.length).toBeGreaterThan(0);
  for (const entry of bn) {
    expect(entry.status).toBe('removed');
    const taker = int8.nodes.find((n) => n.id === entry.foldedInto);
    expect(taker?.op, entry.name).toBe('Conv');
  }
  expect(diff.summary.folded).toBe(diff.summary.removed);
});

/** The same graph with every node renamed and every activation tensor renamed, as a re-export might. */
function renamed(graph: ModelGraph): ModelGraph {
  const tensorName = (t: string): string => (t === '' || graph.tensors[t]?.role !== 'activation' ? t : `t${[...t].reverse().join('')}`);
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `node_${graph.nodes.length - i}`]));
  const nodes: GraphNode[] = graph.nodes.map((n) => ({ ...n, id: ids.get(n.id) as string, name: ids.get(n.id) as string, inputs: n.inputs.map(tensorName), outputs: n.outputs.map(tensorName) }));
  return {
    ...graph,
    nodes,
    edges: graph.edges.map((e) => ({ from: ids.get(e.from) as string, to: ids.get(e.to) as string, tensor: tensorName(e.tensor) })),
    subgraphs: graph.subgraphs.map((s) => ({ ...s, ownerNode: s.ownerNode === null ? null : (ids.get(s.ownerNode) ?? null) })),
    tensors: Object.fromEntries(Object.entries(graph.tensors).map(([k, v]) => [tensorName(k), { ...v, name: tensorName(k) }])),
  };
}

it('a re-export with every node and activation renamed still matches node for node, by op and position', () => {
  const float = graphOf(modelBytes(byName('PP-OCR mobile v2 cls')));
  const diff = diffModels(side(float), side(renamed(float)));
  expect(diff.summary).toMatchObject({ same: float.nodes.length, changed: 0, added: 0, removed: 0 });
  // Weights and graph outputs keep their names, so the nodes writing them meet by tensor; the rest by op and position.
  expect(diff.nodes.some((n) => n.matchedBy === 'name')).toBe(false);
  expect(diff.nodes.filter((n) => n.matchedBy === 'position').length).toBeGreaterThan(float.nodes.filter((n) => n.op !== 'Constant').length - float.nodes.length / 20);
  // The positional pass pairs each node with its own copy, not with another of the same op.
  const copy = renamed(float);
  const expectedB = new Map(float.nodes.map((n, i) => [n.id, (copy.nodes[i] as GraphNode).id]));
  for (const entry of diff.nodes) expect(entry.b).toBe(expectedB.get(entry.a as string));
});

it('a hand-edited version 2: a changed attribute, an inserted op and a removed one are each reported, with the parameter delta', () => {
  const v1 = graphOf(modelBytes(byName('openwakeword hello_deepa')));
  const relu = v1.nodes.find((n) => n.op === 'Relu') as GraphNode;
  const gemm = v1.nodes.find((n) => n.op === 'Gemm') as GraphNode;
  const sigmoid = v1.nodes.find((n) => n.op === 'Sigmoid') as GraphNode;
  const v2: ModelGraph = {
    ...v1,
    nodes: [
      ...v1.nodes
        .filter((n) => n.id !== relu.id)
        .map((n) => (n.id === gemm.id ? { ...n, attributes: { ...n.attributes, alpha: '0.5' } } : n)),
      { id: 'extra_tanh', name: 'extra_tanh', op: 'Tanh', inputs: [sigmoid.outputs[0] as string], outputs: ['extra_out'], attributes: {}, subgraph: null },
    ],
  };
  const diff = diffModels(side(v1, 1000, 500), side(v2, 1100, 520));
  expect(entryOfA(diff, relu.id)).toMatchObject({ status: 'removed', foldedInto: null, b: null });
  expect(diff.nodes.find((n) => n.b === 'extra_tanh')).toMatchObject({ status: 'added', forQuantization: false, op: 'Tanh' });
  const changed = entryOfA(diff, gemm.id);
  expect(changed?.status).toBe('changed');
  expect(changed?.changes).toContainEqual({ kind: 'attribute', name: 'alpha', from: gemm.attributes.alpha ?? null, to: '0.5' });
  expect(diff.summary).toMatchObject({ changed: 1, added: 1, addedForQuantization: 0, removed: 1, folded: 0, parametersDelta: 20, sizeDeltaBytes: 100 });
  expect(diff.summary.same).toBe(v1.nodes.length - 2);
});

it('a dynamic int8 variant: each Gemm becomes a MatMulInteger (op changed) and the Cast/Mul that rescale it are added for quantization', async () => {
  const bytes = modelBytes(byName('openwakeword hello_deepa'));
  const dynamic = await quantizeOnnx(bytes, { mode: 'dynamic', perChannel: true });
  const float = graphOf(bytes);
  const int8 = graphOf(dynamic.bytes);
  const diff = diffModels(side(float), side(int8));
  const gemms = float.nodes.filter((n) => n.op === 'Gemm');
  expect(gemms.length).toBeGreaterThan(0);
  for (const gemm of gemms) {
    const entry = entryOfA(diff, gemm.id);
    expect(entry?.changes.map(describeChange)).toContain('op Gemm → MatMulInteger');
    expect(entry?.changes.map(describeChange)).toContain('precision float → int8');
  }
  const added = diff.nodes.filter((n) => n.status === 'added');
  expect(added.length).toBeGreaterThan(0);
  expect(added.filter((n) => !n.forQuantization).map((n) => `${n.op} ${n.name}`)).toEqual([]);
  expect(new Set(added.map((n) => n.op))).toEqual(new Set(['DynamicQuantizeLinear', 'Cast', 'Mul', 'Add']));
});

describe('two exports of one network (TFLite): MediaPipe face detection, full range, dense against sparse', () => {
  const FACE = 'node_modules/@mediapipe/face_detection';
  it("pairs the first Conv though the sparse export pads it explicitly, lists the sparse one's DENSIFY as added, and folds Relus it fused", async () => {
    const a = await readModelGraphFile(`${FACE}/face_detection_full_range.tflite`);
    const b = await readModelGraphFile(`${FACE}/face_detection_full_range_sparse.tflite`);
    const diff = diffModels(side(a), side(b));
    expect(diff.nodes.filter((n) => n.a !== null)).toHaveLength(a.nodes.length);
    expect(diff.nodes.filter((n) => n.b !== null)).toHaveLength(b.nodes.length);

    const firstConvA = a.nodes.find((n) => n.op === 'CONV_2D') as GraphNode;
    const firstConvB = b.nodes.find((n) => n.op === 'CONV_2D') as GraphNode;
    const entry = entryOfA(diff, firstConvA.id);
    expect(entry?.b).toBe(firstConvB.id);
    expect(entry?.changes.map(describeChange)).toContain('input 0 shape [1, 192, 192, 3] → [1, 194, 194, 3]');

    const densify = diff.nodes.filter((n) => n.op === 'DENSIFY');
    expect(densify.length).toBe(b.nodes.filter((n) => n.op === 'DENSIFY').length);
    expect(densify.every((n) => n.status === 'added' && !n.forQuantization)).toBe(true);

    const foldedRelus = diff.nodes.filter((n) => n.op === 'RELU' && n.foldedInto !== null);
    expect(foldedRelus.length).toBeGreaterThan(0);
    for (const relu of foldedRelus) expect(b.nodes.find((n) => n.id === relu.foldedInto)?.attributes.fused_activation_function).toBe('RELU');
  });
});

it('the other way round, int8 to float: the Q/DQ nodes are removed as having only quantized, and the Convs go back to float', async () => {
  const { float, int8 } = await staticVariant(byName('openwakeword hello_deepa'));
  const diff = diffModels(side(int8), side(float));
  const removed = diff.nodes.filter((n) => n.status === 'removed');
  expect(removed.length).toBe(int8.nodes.filter((n) => isQuantizeOp(n.op)).length);
  expect(removed.every((n) => n.forQuantization)).toBe(true);
  expect(diff.summary).toMatchObject({ added: 0, addedForQuantization: 0, removedForQuantization: removed.length });
  const gemm = diff.nodes.find((n) => n.op === 'Gemm');
  expect(gemm?.changes.map(describeChange)).toContain('precision int8 → float');
});

it('an fp16 variant: every float node computes in fp16 now, and the two Casts at its edges are added to convert precision', async () => {
  const bytes = modelBytes(byName('openwakeword hello_deepa'));
  const fp16 = await quantizeOnnx(bytes, { mode: 'fp16' });
  const diff = diffModels(side(graphOf(bytes)), side(graphOf(fp16.bytes)));
  const added = diff.nodes.filter((n) => n.status === 'added');
  expect(added.map((n) => n.op)).toEqual(['Cast', 'Cast']);
  expect(added.every((n) => n.forQuantization)).toBe(true);
  expect(diff.summary.removed).toBe(0);
  const gemm = diff.nodes.find((n) => n.op === 'Gemm');
  expect(gemm?.changes.map(describeChange)).toEqual(['input 1 dtype float32 → float16', 'input 2 dtype float32 → float16', 'precision float → fp16']);
});
