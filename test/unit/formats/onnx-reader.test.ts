import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { encodeOnnxModel, type OnnxModelSpec, type OnnxNodeSpec, type OnnxTensorSpec, type OnnxValueInfoSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { ProtoWriter } from './proto-writer';
import type { ModelInfo } from '../../../src/shared/model-info';

const floats = (name: string, dims: number[]): OnnxTensorSpec => ({
  name,
  dims,
  dataType: 'FLOAT',
  data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5),
});
const int8s = (name: string, dims: number[]): OnnxTensorSpec => ({
  name,
  dims,
  dataType: 'INT8',
  data: new Int8Array(dims.reduce((a, b) => a * b, 1)),
});
const scalar = (name: string, dataType: 'FLOAT' | 'UINT8' | 'INT8'): OnnxTensorSpec => ({
  name,
  dims: [],
  dataType,
  data: dataType === 'FLOAT' ? new Float32Array([0.1]) : dataType === 'INT8' ? new Int8Array([0]) : new Uint8Array([128]),
});

function model(parts: {
  inputs: OnnxValueInfoSpec[];
  outputs: OnnxValueInfoSpec[];
  nodes: OnnxNodeSpec[];
  initializers?: OnnxTensorSpec[];
  opset?: number;
  extraOpsets?: OnnxModelSpec['opsetImports'];
}): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: parts.opset ?? 17 }, ...(parts.extraOpsets ?? [])],
    producerName: 'edgebench-test',
    producerVersion: '1.0',
    graphName: 'g',
    inputs: parts.inputs,
    outputs: parts.outputs,
    initializers: parts.initializers ?? [],
    nodes: parts.nodes,
  });
}

// Conv(8 filters 3x3, stride 2, pad 1) on 1x28x28 → 8x14x14 → Relu → Flatten (1568) → Gemm (10, transB).
// MACs: Conv 8*14*14 outputs * (1*3*3) = 14,112; Gemm 1*10*1568 = 15,680; total 29,792.
// Parameters: 8*1*3*3 + 8 + 10*1568 + 10 = 15,770.
const convNet = model({
  inputs: [{ name: 'input', elemType: 'FLOAT', shape: ['batch', 1, 28, 28] }],
  outputs: [{ name: 'logits', elemType: 'FLOAT', shape: ['batch', 10] }],
  initializers: [floats('conv.w', [8, 1, 3, 3]), floats('conv.b', [8]), floats('fc.w', [10, 1568]), floats('fc.b', [10])],
  nodes: [
    { opType: 'Conv', name: 'conv', inputs: ['input', 'conv.w', 'conv.b'], outputs: ['c'], attributes: { strides: [2, 2], pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
    { opType: 'Relu', name: 'relu', inputs: ['c'], outputs: ['r'] },
    { opType: 'Flatten', name: 'flat', inputs: ['r'], outputs: ['f'], attributes: { axis: 1 } },
    { opType: 'Gemm', name: 'fc', inputs: ['f', 'fc.w', 'fc.b'], outputs: ['logits'], attributes: { transB: 1 } },
  ],
});

// Reshape by a Constant node, Transpose, MatMul, Add, Softmax, plus a com.microsoft op.
// x [N,4,6] with N = 1 → Reshape to [-1, 6] = [4,6] → Transpose [6,4] → MatMul W [4,5] → [6,5]: MACs 6*5*4 = 120.
const matMulNet = model({
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['N', 4, 6] }],
  outputs: [{ name: 'y', elemType: 'FLOAT', shape: [6, 5] }],
  initializers: [floats('w', [4, 5]), floats('bias', [5])],
  extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
  nodes: [
    { opType: 'Constant', name: 'shape', inputs: [], outputs: ['s'], attributes: { value: { tensor: { name: 's', dims: [2], dataType: 'INT64', data: new BigInt64Array([-1n, 6n]) } } } },
    { opType: 'Reshape', name: 'reshape', inputs: ['x', 's'], outputs: ['r'] },
    { opType: 'Transpose', name: 't', inputs: ['r'], outputs: ['rt'], attributes: { perm: [1, 0] } },
    { opType: 'MatMul', name: 'mm', inputs: ['rt', 'w'], outputs: ['m'] },
    { opType: 'Add', name: 'add', inputs: ['m', 'bias'], outputs: ['a'] },
    { opType: 'FusedGelu', domain: 'com.microsoft', name: 'gelu', inputs: ['a'], outputs: ['g'] },
    { opType: 'Softmax', name: 'sm', inputs: ['g'], outputs: ['y'] },
  ],
});

// QDQ-style int8: QuantizeLinear → QLinearConv (4 filters 3x3, no pad) on 1x1x8x8 → 4x6x6 → DequantizeLinear → GlobalAveragePool.
// MACs: 4*6*6 outputs * 9 = 1,296. Parameters: 36 weights + 4 bias + 6 scale/zero-point scalars = 46.
const qlinearNet = model({
  inputs: [{ name: 'img', elemType: 'FLOAT', shape: [1, 1, 8, 8] }],
  outputs: [{ name: 'pooled', elemType: 'FLOAT', shape: [1, 4, 1, 1] }],
  initializers: [
    scalar('x_scale', 'FLOAT'), scalar('x_zp', 'INT8'), int8s('w_q', [4, 1, 3, 3]), scalar('w_scale', 'FLOAT'),
    scalar('w_zp', 'INT8'), scalar('y_scale', 'FLOAT'), scalar('y_zp', 'INT8'),
    { name: 'b_q', dims: [4], dataType: 'INT32', data: new Int32Array(4) },
  ],
  nodes: [
    { opType: 'QuantizeLinear', name: 'q', inputs: ['img', 'x_scale', 'x_zp'], outputs: ['img_q'] },
    { opType: 'QLinearConv', name: 'qconv', inputs: ['img_q', 'x_scale', 'x_zp', 'w_q', 'w_scale', 'w_zp', 'y_scale', 'y_zp', 'b_q'], outputs: ['y_q'] },
    { opType: 'DequantizeLinear', name: 'dq', inputs: ['y_q', 'y_scale', 'y_zp'], outputs: ['y'] },
    { opType: 'GlobalAveragePool', name: 'gap', inputs: ['y'], outputs: ['pooled'] },
  ],
});

// An input whose shape is not declared: the MatMul's MACs cannot be known and are reported in a note.
const unknownShapeNet = model({
  inputs: [{ name: 'tokens', elemType: 'INT64' }, { name: 'mask', elemType: 'BOOL', shape: [1, 'seq'] }, { name: 'half', elemType: 'FLOAT16', shape: [2, null] }],
  outputs: [{ name: 'out', elemType: 'FLOAT' }],
  initializers: [floats('emb', [3, 3])],
  nodes: [{ opType: 'MatMul', name: 'mm', inputs: ['tokens', 'emb'], outputs: ['out'] }],
});

interface Case {
  name: string;
  bytes: Uint8Array;
  expect: Partial<ModelInfo>;
  notes?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'Conv → Relu → Flatten → Gemm with a symbolic batch dim',
    bytes: convNet,
    expect: {
      format: 'onnx',
      producer: 'edgebench-test 1.0',
      formatVersion: 'opset 17 (ir 8)',
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 1, 28, 28] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
      ops: { Conv: 1, Relu: 1, Flatten: 1, Gemm: 1 },
      parameters: 15_770,
      macs: 29_792,
      macsByOp: { Conv: 14_112, Gemm: 15_680 },
      notes: [],
    },
  },
  {
    name: 'Reshape by Constant, Transpose, MatMul and a com.microsoft op',
    bytes: matMulNet,
    expect: {
      ops: { Constant: 1, Reshape: 1, Transpose: 1, MatMul: 1, Add: 1, 'com.microsoft.FusedGelu': 1, Softmax: 1 },
      parameters: 20 + 5 + 2,
      macs: 120,
      macsByOp: { MatMul: 120 },
    },
  },
  {
    name: 'QuantizeLinear → QLinearConv → DequantizeLinear → GlobalAveragePool',
    bytes: qlinearNet,
    expect: { parameters: 46, macs: 1_296, macsByOp: { QLinearConv: 1_296 }, ops: { QuantizeLinear: 1, QLinearConv: 1, DequantizeLinear: 1, GlobalAveragePool: 1 } },
  },
  {
    name: 'undeclared shapes, int64/bool/float16 inputs',
    bytes: unknownShapeNet,
    expect: {
      inputs: [
        { name: 'tokens', dtype: 'int64', shape: null },
        { name: 'mask', dtype: 'bool', shape: [1, 'seq'] },
        { name: 'half', dtype: 'float16', shape: [2, null] },
      ],
      outputs: [{ name: 'out', dtype: 'float32', shape: null }],
      macs: 0,
    },
    notes: [/MACs of 1 node\(s\) are not counted because their shapes could not be inferred: MatMul 'mm'/],
  },
];

describe('ONNX reader', () => {
  it.each(cases)('$name', ({ bytes, expect: expected, notes }) => {
    const info = inspectModelBuffers([{ name: 'model.onnx', data: bytes }]);
    expect(info).toMatchObject(expected);
    for (const note of notes ?? []) expect(info.notes.some((text) => note.test(text))).toBe(true);
    expect(info.sizeBytes).toBe(bytes.byteLength);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves initializers that are also listed as graph inputs out of the inputs', () => {
    const bytes = model({
      inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1, 4] }, { name: 'w', elemType: 'FLOAT', shape: [4, 2] }],
      outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1, 2] }],
      initializers: [floats('w', [4, 2])],
      nodes: [{ opType: 'MatMul', name: 'mm', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const info = inspectModelBuffers([{ name: 'm.onnx', data: bytes }]);
    expect(info.inputs.map((input) => input.name)).toEqual(['x']);
    expect(info.macs).toBe(8);
  });

  it('counts external-data initializers from their dims (packed), reads the side file with the model, and says so', () => {
    // Hand-built: the writer only writes raw_data, and external data needs data_location=1 + external_data.
    const tensor = new ProtoWriter()
      .packedVarint(1, [64, 32])
      .varint(2, 1)
      .string(8, 'big.w')
      .message(13, new ProtoWriter().string(1, 'location').string(2, 'weights.bin'))
      .varint(14, 1);
    const valueInfo = (name: string, dims: number[]): ProtoWriter => {
      const shape = new ProtoWriter();
      for (const dim of dims) shape.message(1, new ProtoWriter().varint(1, dim));
      const tensorType = new ProtoWriter().varint(1, 1).message(2, shape);
      return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    };
    const graph = new ProtoWriter()
      .message(1, new ProtoWriter().string(1, 'x').string(1, 'big.w').string(2, 'y').string(3, 'mm').string(4, 'MatMul'))
      .string(2, 'g')
      .message(5, tensor)
      .message(11, valueInfo('x', [1, 64]))
      .message(12, valueInfo('y', [1, 32]));
    const bytes = new ProtoWriter()
      .varint(1, 9)
      .string(2, 'hand')
      .message(7, graph)
      .message(8, new ProtoWriter().varint(2, 21))
      .finish();
    expect(() => inspectModelBuffers([{ name: 'ext.onnx', data: bytes }])).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND', message: expect.stringContaining("'weights.bin'") }));
    const side = new Uint8Array(64 * 32 * 4);
    const info = inspectModelBuffers([{ name: 'ext.onnx', data: bytes }, { name: 'weights.bin', data: side }]);
    expect(info.sizeBytes).toBe(bytes.byteLength + side.byteLength);
    expect(info.parameters).toBe(64 * 32);
    expect(info.macs).toBe(64 * 32);
    expect(info.formatVersion).toBe('opset 21 (ir 9)');
    expect(info.notes.join(' ')).toMatch(/1 initializer\(s\) keep their data in external files next to the model \(weights\.bin\)/);
  });
});
