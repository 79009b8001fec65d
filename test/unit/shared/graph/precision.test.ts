/**
 * Which nodes a variant quantized, kept float or runs in float16, read from its graph: checked
 * against what the project's quantizer says it did (quantizedNodes, skipped), against ONNX's own
 * single-op test models (libonnx-testdata) and against real TFLite and TF.js models.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelGraphFile } from '../../../../src/core/formats/graph/model-graph';
import { readOnnxGraph } from '../../../../src/core/formats/graph/onnx-graph';
import { readTfliteGraph } from '../../../../src/core/formats/graph/tflite-graph';
import { BuiltinOp } from '../../../../src/core/formats/tflite/tflite-schema';
import { quantizeOnnx, type QuantRecipeInput } from '../../../../src/core/quantize';
import { nodePrecisions, precisionCounts, type NodePrecision } from '../../../../src/shared/graph/precision';
import type { ModelGraph } from '../../../../src/shared/model-graph';
import { repoRoot } from '../../../helpers/run-cli';
import { demoFeeds, loadDemo } from '../../quantize/demo-data';
import { buildTflite, TensorType } from '../../formats/tflite-builder';

const demo = loadDemo();
const calibration = { inputs: demoFeeds(demo.images, 50) };
const CONVERTERS = new Set(['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'Cast']);

function precisionsOf(bytes: Uint8Array) {
  const graph = readOnnxGraph({ main: { name: 'variant.onnx', data: bytes }, companions: new Map() });
  return { graph, precisions: nodePrecisions(graph) };
}

describe('ONNX variants made by the quantizer', () => {
  it.each<[string, QuantRecipeInput, NodePrecision[]]>([
    ['static QDQ', { mode: 'static', method: 'minmax', perChannel: true }, ['uint8', 'int8']],
    ['dynamic', { mode: 'dynamic', perChannel: true }, ['uint8', 'int8']],
    ['fp16', { mode: 'fp16' }, ['fp16']],
  ])('%s: the nodes the quantizer says it quantized are the ones the graph shows quantized', async (_name, recipe, kinds) => {
    const result = await quantizeOnnx(demo.model, recipe, calibration);
    const { graph, precisions } = precisionsOf(result.bytes);
    const present = new Set(graph.nodes.map((n) => n.id));
    const shownQuantized = graph.nodes.filter((n) => !CONVERTERS.has(n.op) && kinds.includes(precisions.get(n.id)?.precision as NodePrecision)).map((n) => n.id);
    // Some quantized nodes are folded away in the variant (a Relu into the Q before it); every one left is shown quantized.
    expect(shownQuantized.sort()).toEqual(result.quantizedNodes.filter((id) => present.has(id)).sort());
    expect(shownQuantized.length).toBeGreaterThanOrEqual(3);
    for (const skipped of result.skipped) if (present.has(skipped.node)) expect(precisions.get(skipped.node)?.precision, skipped.node).toBe('float');
    for (const node of graph.nodes.filter((n) => n.op.includes('Quantize'))) expect(precisions.get(node.id)?.precision).toBe('quantize/dequantize');
  });

  it('a node excluded from static quantization is shown kept in float, with why', async () => {
    const result = await quantizeOnnx(demo.model, { mode: 'static', method: 'minmax', perChannel: true, exclude: ['conv2'] }, calibration);
    const { precisions } = precisionsOf(result.bytes);
    expect(precisions.get('conv2')?.precision).toBe('float');
    expect(precisions.get('conv1')?.precision).toMatch(/^u?int8$/);
    expect(precisions.get('conv1')?.reason).toMatch(/DequantizeLinear/);
  });

  it('the float model is float throughout', () => {
    const { precisions } = precisionsOf(demo.model);
    expect(precisionCounts(precisions)).toMatchObject({ float: 6, int8: 0, uint8: 0, fp16: 0 });
  });
});

describe("ONNX's own single-op test models (libonnx-testdata)", () => {
  const data = '/usr/share/libonnx-testdata/data/node';
  it.each<[string, NodePrecision, RegExp]>([
    ['test_qlinearconv', 'uint8', /QLinearConv computes on uint8 codes/],
    ['test_qlinearmatmul_2D', 'uint8', /QLinearMatMul computes on uint8 codes/],
    ['test_matmulinteger', 'uint8', /MatMulInteger computes on uint8/],
    ['test_basic_convinteger', 'uint8', /ConvInteger computes on uint8/],
    ['test_dynamicquantizelinear', 'quantize/dequantize', /Converts float32 to uint8/],
    ['test_quantizelinear', 'quantize/dequantize', /Converts float32 to uint8/],
    ['test_dequantizelinear', 'quantize/dequantize', /Converts uint8 to float32/],
  ])('%s: %s', async (name, precision, reason) => {
    const graph = await readModelGraphFile(path.join(data, name, 'model.onnx'));
    const [node] = graph.nodes;
    const info = nodePrecisions(graph).get(node?.id ?? '');
    expect(info?.precision).toBe(precision);
    expect(info?.reason).toMatch(reason);
  });
});

describe('TFLite', () => {
  const bytes = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let graph: ModelGraph;
  beforeAll(() => {
    graph = readTfliteGraph({
      main: {
        name: 'm.tflite',
        data: buildTflite({
          version: 3,
          opcodes: [
            { deprecated: BuiltinOp.QUANTIZE, builtin: BuiltinOp.QUANTIZE },
            { deprecated: BuiltinOp.CONV_2D, builtin: BuiltinOp.CONV_2D },
            { deprecated: BuiltinOp.FULLY_CONNECTED, builtin: BuiltinOp.FULLY_CONNECTED },
            { deprecated: BuiltinOp.SHAPE, builtin: BuiltinOp.SHAPE },
          ],
          tensors: [
            { name: 'x', shape: [1, 2, 2, 1], type: TensorType.FLOAT32 },
            { name: 'xq', shape: [1, 2, 2, 1], type: TensorType.INT8, quant: { scale: [0.5], zeroPoint: [0] } },
            { name: 'w', shape: [1, 1, 1, 1], type: TensorType.INT8, buffer: 1, quant: { scale: [0.1], zeroPoint: [0] } },
            { name: 'y', shape: [1, 2, 2, 1], type: TensorType.INT8, quant: { scale: [0.25], zeroPoint: [0] } },
            { name: 'fc_w', shape: [1, 4], type: TensorType.INT8, buffer: 2, quant: { scale: [0.1], zeroPoint: [0] } },
            { name: 'z', shape: [1, 1], type: TensorType.FLOAT32 },
            { name: 's', shape: [4], type: TensorType.INT32 },
          ],
          inputs: [0],
          outputs: [3, 5, 6],
          operators: [
            { opcode: 0, inputs: [0], outputs: [1] },
            { opcode: 1, inputs: [1, 2], outputs: [3] },
            // Dynamic-range (hybrid): float activations, int8 weights.
            { opcode: 2, inputs: [0, 4], outputs: [5] },
            { opcode: 3, inputs: [0], outputs: [6] },
          ],
          buffers: [new Uint8Array(0), bytes(new Int8Array([3])), bytes(new Int8Array([1, 2, 3, 4]))],
        }),
      },
      companions: new Map(),
    });
  });

  it('QUANTIZE converts, a conv on int8 tensors is int8, a hybrid op is int8 with its float activations named, SHAPE has no float data', () => {
    const precisions = nodePrecisions(graph);
    expect(graph.nodes.map((n) => precisions.get(n.id)?.precision)).toEqual(['quantize/dequantize', 'int8', 'int8', 'int (no float data)']);
    expect(precisions.get('FULLY_CONNECTED_2')?.reason).toMatch(/hybrid: x, z stay float/);
  });

  it('a MediaPipe model with float16 weights computes in float32: its DEQUANTIZE ops convert, its convs name the float16 weights', async () => {
    const real = await readModelGraphFile(path.join(repoRoot, 'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite'));
    const precisions = nodePrecisions(real);
    const counts = precisionCounts(precisions);
    expect(counts['quantize/dequantize']).toBe(real.nodes.filter((n) => n.op === 'DEQUANTIZE').length);
    expect(counts.int8 + counts.uint8 + counts.fp16).toBe(0);
    const conv = real.nodes.find((n) => n.op === 'CONV_2D');
    expect(precisions.get(conv?.id ?? '')?.reason).toMatch(/stored as float16 and dequantized by DEQUANTIZE before it/);
  });
});

describe('TF.js and graphs without types', () => {
  it('handtrack (weights stored as uint8): its ops compute in float and say how the weights are stored; int32 constants have no float data', async () => {
    const graph = await readModelGraphFile(path.join(repoRoot, 'node_modules/@vladmandic/human/models/handtrack.json'));
    const precisions = nodePrecisions(graph);
    const stored = Object.values(graph.tensors).find((t) => t.storedAs === 'uint8' && t.dtype === 'float32');
    const reader = graph.nodes.find((n) => n.inputs.includes(stored?.name ?? '') && n.op !== 'Const');
    expect(precisions.get(reader?.id ?? '')).toEqual({ precision: 'float', reason: expect.stringMatching(/stored as uint8 and dequantized when the model loads/) });
    const intConst = graph.nodes.find((n) => n.op === 'Const' && graph.tensors[n.id]?.dtype === 'int32');
    expect(precisions.get(intConst?.id ?? '')?.precision).toBe('int (no float data)');
  });

  it('a node whose tensors have no type anywhere is counted float, and says the file does not state it', () => {
    const graph: ModelGraph = {
      format: 'onnx',
      nodes: [
        { id: 'a', name: 'a', op: 'Relu', inputs: ['x'], outputs: ['y'], attributes: {}, subgraph: null },
        { id: 'b', name: 'b', op: 'Shape', inputs: ['y'], outputs: ['s'], attributes: {}, subgraph: null },
        { id: 'c', name: 'c', op: 'Cast', inputs: ['y'], outputs: ['h'], attributes: { to: 'float16' }, subgraph: null },
        { id: 'd', name: 'd', op: 'Neg', inputs: ['h'], outputs: ['n'], attributes: {}, subgraph: null },
      ],
      edges: [],
      subgraphs: [],
      tensors: {},
      notes: [],
    };
    const precisions = nodePrecisions(graph);
    expect(precisions.get('a')).toEqual({ precision: 'float', reason: expect.stringMatching(/states no type/) });
    expect(precisions.get('b')?.precision).toBe('int (no float data)');
    // Cast's `to` types its output, and Neg keeps its input's type.
    expect(precisions.get('d')?.precision).toBe('fp16');
  });
});
