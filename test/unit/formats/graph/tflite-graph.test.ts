import { describe, expect, it } from 'vitest';
import { readTfliteGraph } from '../../../../src/core/formats/graph/tflite-graph';
import { BuiltinOp } from '../../../../src/core/formats/tflite/tflite-schema';
import { buildTflite, TensorType } from '../tflite-builder';

const bytes = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** An int8 conv whose weights are quantized per output channel, a float bias, and an IF whose branches are subgraphs 1 and 2. */
function model(): Uint8Array {
  return buildTflite({
    version: 3,
    opcodes: [
      { deprecated: BuiltinOp.CONV_2D, builtin: BuiltinOp.CONV_2D },
      { deprecated: BuiltinOp.IF, builtin: BuiltinOp.IF },
      { deprecated: BuiltinOp.RELU, builtin: BuiltinOp.RELU },
      { deprecated: 32, builtin: BuiltinOp.CUSTOM, custom: 'MyOp' },
    ],
    tensors: [
      { name: 'x', shape: [1, 2, 2, 1], type: TensorType.INT8, quant: { scale: [0.5], zeroPoint: [1] } },
      // Two output channels: channel 0 codes [2, -2] × 0.1, channel 1 codes [4, 0] × 0.5.
      { name: 'w', shape: [2, 1, 1, 2], type: TensorType.INT8, buffer: 1, quant: { scale: [0.1, 0.5], zeroPoint: [0, 0], dim: 0 } },
      { name: 'b', shape: [2], type: TensorType.FLOAT32, buffer: 2 },
      { name: 'y', shape: [1, 2, 2, 2], type: TensorType.INT8, quant: { scale: [0.25], zeroPoint: [0] } },
      { name: 'cond', shape: [], type: TensorType.BOOL },
      { name: 'out', shape: [1, 2, 2, 2], type: TensorType.INT8 },
    ],
    inputs: [0, 4],
    outputs: [5],
    operators: [
      { opcode: 0, inputs: [0, 1, 2], outputs: [3] },
      { opcode: 1, inputs: [4, 3], outputs: [5], subgraphs: [1, 2] },
    ],
    buffers: [new Uint8Array(0), bytes(new Int8Array([2, -2, 4, 0])), bytes(new Float32Array([1.5, -0.5]))],
    subgraphs: [
      { tensors: [{ name: 'y', shape: [1, 2, 2, 2], type: TensorType.INT8 }, { name: 't', shape: [1, 2, 2, 2], type: TensorType.INT8 }], inputs: [0], outputs: [1], operators: [{ opcode: 2, inputs: [0], outputs: [1] }] },
      { tensors: [{ name: '', shape: [1, 2, 2, 2], type: TensorType.INT8 }, { name: 'e', shape: [1, 2, 2, 2], type: TensorType.INT8 }], inputs: [0], outputs: [1], operators: [{ opcode: 3, inputs: [0, -1], outputs: [1] }] },
    ],
  });
}

describe('readTfliteGraph', () => {
  const graph = readTfliteGraph({ main: { name: 'm.tflite', data: model() }, companions: new Map() });

  it('gives every operator of every subgraph a node, named by builtin code or custom code', () => {
    expect(graph.nodes.map((n) => [n.id, n.op, n.subgraph])).toEqual([
      ['CONV_2D_0', 'CONV_2D', null],
      ['IF_1', 'IF', null],
      ['RELU_2', 'RELU', 'subgraph_1'],
      ['MyOp_3', 'MyOp', 'subgraph_2'],
    ]);
    expect(graph.subgraphs).toEqual([
      { id: 'subgraph_1', label: "subgraph 1 'body1'", ownerNode: null },
      { id: 'subgraph_2', label: "subgraph 2 'body2'", ownerNode: null },
    ]);
  });

  it('keys a tensor name another subgraph already used, or no name, by where it is; an omitted input is empty', () => {
    expect(graph.nodes[2]?.inputs).toEqual(['y (subgraph 1, tensor 0)']);
    expect(graph.nodes[3]?.inputs).toEqual(['tensor (subgraph 2, tensor 0)', '']);
    expect(graph.edges).toEqual([{ from: 'CONV_2D_0', to: 'IF_1', tensor: 'y' }]);
  });

  it('gives tensors dtype, shape, role and quantization, and weights statistics dequantized per channel', () => {
    expect(graph.tensors.x).toMatchObject({ dtype: 'int8', shape: [1, 2, 2, 1], role: 'input', quantized: true });
    expect(graph.tensors.out).toMatchObject({ role: 'output', quantized: false });
    expect(graph.tensors.w).toMatchObject({ role: 'weight', quantized: true });
    // Dequantized: [0.2, -0.2, 2, 0].
    const values = [0.2, -0.2, 2, 0];
    const mean = values.reduce((a, b) => a + b) / 4;
    expect(graph.tensors.w?.stats).toEqual({
      elements: 4,
      min: expect.closeTo(-0.2, 6),
      max: 2,
      mean: expect.closeTo(mean, 6),
      std: expect.closeTo(Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / 4), 6),
      zeroShare: 0.25,
    });
    expect(graph.tensors.b?.stats).toMatchObject({ elements: 2, min: -0.5, max: 1.5, mean: 0.5 });
  });

  it('refuses bytes that are not a TFLite model, naming the file', () => {
    expect(() => readTfliteGraph({ main: { name: 'bad.tflite', data: new Uint8Array(16) }, companions: new Map() })).toThrow(/'bad\.tflite' is not a valid TFLite model/);
  });
});
