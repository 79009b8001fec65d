import { describe, expect, it } from 'vitest';
import { inspectModelBuffers } from '../../../src/core/formats/inspect';
import { StudioError } from '../../../src/shared/errors';
import type { ModelInfo } from '../../../src/shared/model-info';
import { buildTflite, TensorType, type TfliteSpec } from './tflite-builder';

// int8 FULLY_CONNECTED: input [1,16] (batch dynamic) x weights [4,16] + bias [4] → [1,4].
// MACs: 4 outputs * 16 = 64. Parameters: 64 weights + 4 bias = 68.
const fullyConnected: TfliteSpec = {
  version: 3,
  description: 'MLIR Converted.',
  opcodes: [{ deprecated: 9, builtin: 9 }],
  tensors: [
    { name: 'serving_default_x:0', shape: [1, 16], shapeSignature: [-1, 16], type: TensorType.INT8, quant: { scale: [0.02], zeroPoint: [-128] } },
    { name: 'dense/weights', shape: [4, 16], type: TensorType.INT8, buffer: 1, quant: { scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], dim: 0 } },
    { name: 'dense/bias', shape: [4], type: TensorType.INT32, buffer: 2 },
    { name: 'StatefulPartitionedCall:0', shape: [1, 4], shapeSignature: [-1, 4], type: TensorType.INT8, quant: { scale: [0.125], zeroPoint: [3] } },
  ],
  inputs: [0],
  outputs: [3],
  operators: [{ opcode: 0, inputs: [0, 1, 2], outputs: [3] }],
  buffers: [new Uint8Array(0), new Uint8Array(64), new Uint8Array(16), new TextEncoder().encode('1.14.0\0\0\0\0')],
  metadata: [{ name: 'min_runtime_version', buffer: 3 }],
};

// float32 CONV_2D (16 filters 3x3x3, SAME) 8x8 → DEPTHWISE_CONV_2D 3x3 stride 2 → 4x4, then BATCH_MATMUL [2,3,4]x[2,4,5].
// MACs: conv 8*8*16 * 27 = 27,648; depthwise 4*4*16 * 9 = 2,304; batch matmul 2*3*5*4 = 120.
// Op codes: GELU (150) needs builtin_code since deprecated_builtin_code stops at 127 (PLACEHOLDER_FOR_GREATER_OP_CODES).
const convStack: TfliteSpec = {
  version: 3,
  opcodes: [
    { deprecated: 3, builtin: 0 }, // an older converter that only filled the int8 field
    { deprecated: 4, builtin: 4 },
    { deprecated: 126, builtin: 126 },
    { deprecated: 127, builtin: 150 },
    { deprecated: 32, builtin: 32, custom: 'TFLite_Detection_PostProcess' },
    { deprecated: 127, builtin: 250 },
  ],
  tensors: [
    { name: 'image', shape: [1, 8, 8, 3], type: TensorType.FLOAT32 },
    { name: 'conv/filter', shape: [16, 3, 3, 3], type: TensorType.FLOAT32, buffer: 1 },
    { name: 'conv/out', shape: [1, 8, 8, 16], type: TensorType.FLOAT32 },
    { name: 'dw/filter', shape: [1, 3, 3, 16], type: TensorType.FLOAT32, buffer: 2 },
    { name: 'dw/out', shape: [1, 4, 4, 16], type: TensorType.FLOAT32 },
    { name: 'a', shape: [2, 3, 4], type: TensorType.FLOAT32 },
    { name: 'b', shape: [2, 4, 5], type: TensorType.FLOAT32, buffer: 3 },
    { name: 'ab', shape: [2, 3, 5], type: TensorType.FLOAT32 },
  ],
  inputs: [0, 5],
  outputs: [4, 7],
  operators: [
    { opcode: 0, inputs: [0, 1, -1], outputs: [2] },
    { opcode: 1, inputs: [2, 3, -1], outputs: [4] },
    { opcode: 2, inputs: [5, 6], outputs: [7], batchMatMul: { adjX: false, adjY: false } },
    { opcode: 3, inputs: [7], outputs: [7] },
    { opcode: 4, inputs: [7], outputs: [7] },
    { opcode: 5, inputs: [7], outputs: [7] },
  ],
  buffers: [new Uint8Array(0), new Uint8Array(432 * 4), new Uint8Array(144 * 4), new Uint8Array(40 * 4)],
};

// TRANSPOSE_CONV [output_shape, weights [8,3,3,4], data [1,4,4,4]] → [1,8,8,8]; MediaPipe's custom
// Convolution2DTransposeBias [data [1,8,8,8], weights [2,2,2,8], bias] → [1,16,16,2]; a DENSIFY'd sparse
// FULLY_CONNECTED weight [16, 32] (dense shape; 100 stored floats); a WHILE body subgraph with a
// FULLY_CONNECTED whose weights share the main graph's buffer 2.
// MACs: transpose 64 inputs * 3*3*8 = 4,608; custom 512 * 2*2*2 = 4,096; FC main 16 * 32 = 512; FC in body 16 * 32 = 512.
// Parameters: 288 + 64 + 2 + 512 (sparse, dense count) + 4 (output_shape) = 870; the body's shared buffer 2 adds nothing.
const transposedAndBodies: TfliteSpec = {
  version: 3,
  opcodes: [
    { deprecated: 67, builtin: 67 },
    { deprecated: 32, builtin: 32, custom: 'Convolution2DTransposeBias' },
    { deprecated: 124, builtin: 124 },
    { deprecated: 9, builtin: 9 },
    { deprecated: 119, builtin: 119 },
  ],
  tensors: [
    { name: 'output_shape', shape: [4], type: TensorType.INT32, buffer: 4 },
    { name: 'tconv/w', shape: [8, 3, 3, 4], type: TensorType.FLOAT32, buffer: 1 },
    { name: 'x', shape: [1, 4, 4, 4], type: TensorType.FLOAT32 },
    { name: 'tconv/out', shape: [1, 8, 8, 8], type: TensorType.FLOAT32 },
    { name: 'up/w', shape: [2, 2, 2, 8], type: TensorType.FLOAT32, buffer: 5 },
    { name: 'up/b', shape: [2], type: TensorType.FLOAT32, buffer: 6 },
    { name: 'up/out', shape: [1, 16, 16, 2], type: TensorType.FLOAT32 },
    { name: 'fc/w_sparse', shape: [16, 32], type: TensorType.FLOAT32, buffer: 2, sparse: true },
    { name: 'fc/w', shape: [16, 32], type: TensorType.FLOAT32 },
    { name: 'v', shape: [1, 32], type: TensorType.FLOAT32 },
    { name: 'fc/out', shape: [1, 16], type: TensorType.FLOAT32 },
  ],
  inputs: [2, 9],
  outputs: [6, 10],
  operators: [
    { opcode: 0, inputs: [0, 1, 2], outputs: [3] },
    { opcode: 1, inputs: [3, 4, 5], outputs: [6] },
    { opcode: 2, inputs: [7], outputs: [8] },
    { opcode: 3, inputs: [9, 8, -1], outputs: [10] },
    { opcode: 4, inputs: [10], outputs: [10] },
  ],
  subgraphs: [
    {
      tensors: [
        { name: 'body/v', shape: [1, 32], type: TensorType.FLOAT32 },
        { name: 'body/w', shape: [16, 32], type: TensorType.FLOAT32, buffer: 2 },
        { name: 'body/out', shape: [1, 16], type: TensorType.FLOAT32 },
      ],
      inputs: [0],
      outputs: [2],
      operators: [{ opcode: 3, inputs: [0, 1, -1], outputs: [2] }],
    },
  ],
  buffers: [new Uint8Array(0), new Uint8Array(288 * 4), new Uint8Array(100 * 4), new Uint8Array(0), new Uint8Array(16), new Uint8Array(64 * 4), new Uint8Array(8)],
};

const cases: Array<{ name: string; spec: TfliteSpec; expect: Partial<ModelInfo> }> = [
  {
    name: 'int8 FULLY_CONNECTED with quantization parameters',
    spec: fullyConnected,
    expect: {
      format: 'tflite',
      producer: 'MLIR Converted.',
      formatVersion: 'schema 3',
      inputs: [{ name: 'serving_default_x:0', dtype: 'int8', shape: [null, 16], quantization: { scale: [0.019999999552965164], zeroPoint: [-128] } }],
      outputs: [{ name: 'StatefulPartitionedCall:0', dtype: 'int8', shape: [null, 4], quantization: { scale: [0.125], zeroPoint: [3] } }],
      ops: { FULLY_CONNECTED: 1 },
      parameters: 68,
      macs: 64,
      macsByOp: { FULLY_CONNECTED: 64 },
      notes: ['Metadata: min_runtime_version=1.14.0.'],
    },
  },
  {
    name: 'CONV_2D, DEPTHWISE_CONV_2D, BATCH_MATMUL and extended, custom and unknown op codes',
    spec: convStack,
    expect: {
      producer: null,
      inputs: [
        { name: 'image', dtype: 'float32', shape: [1, 8, 8, 3] },
        { name: 'a', dtype: 'float32', shape: [2, 3, 4] },
      ],
      ops: { CONV_2D: 1, DEPTHWISE_CONV_2D: 1, BATCH_MATMUL: 1, GELU: 1, TFLite_Detection_PostProcess: 1, BUILTIN_250: 1 },
      parameters: 432 + 144 + 40,
      macs: 27_648 + 2_304 + 120,
      macsByOp: { CONV_2D: 27_648, DEPTHWISE_CONV_2D: 2_304, BATCH_MATMUL: 120 },
    },
  },
  {
    name: 'TRANSPOSE_CONV, the Convolution2DTransposeBias custom op, a sparse weight and a WHILE body sharing a buffer',
    spec: transposedAndBodies,
    expect: {
      ops: { TRANSPOSE_CONV: 1, Convolution2DTransposeBias: 1, DENSIFY: 1, FULLY_CONNECTED: 2, WHILE: 1 },
      parameters: 870,
      macs: 4_608 + 4_096 + 512 + 512,
      macsByOp: { TRANSPOSE_CONV: 4_608, Convolution2DTransposeBias: 4_096, FULLY_CONNECTED: 1_024 },
      notes: [
        'The model has 1 subgraph(s) besides the main one (IF, WHILE or CALL_ONCE bodies); their operators, weights and MACs are counted once each, a loop body as one iteration.',
        '1 weight tensor(s) are stored sparse (400 bytes) and expanded by DENSIFY when the model loads; they are counted as the 512 dense elements they become.',
      ],
    },
  },
];

describe('TFLite reader', () => {
  it.each(cases)('$name', ({ spec, expect: expected }) => {
    const bytes = buildTflite(spec);
    const info = inspectModelBuffers([{ name: 'model.tflite', data: bytes }]);
    expect(info).toMatchObject(expected);
    expect(info.sizeBytes).toBe(bytes.byteLength);
  });

  it('keeps the per-channel quantization axis on the weights', () => {
    // Weights are not graph inputs, so check through a model whose input is the quantized weight tensor.
    const spec: TfliteSpec = { ...fullyConnected, inputs: [1] };
    const info = inspectModelBuffers([{ name: 'w.tflite', data: buildTflite(spec) }]);
    expect(info.inputs[0]?.quantization).toEqual({ scale: [0.1, 0.2, 0.3, 0.4].map(Math.fround), zeroPoint: [0, 0, 0, 0], axis: 0 });
  });

  it('refuses a .tflite file without the TFL3 identifier, naming the file', () => {
    const bytes = buildTflite(fullyConnected);
    bytes.set(new TextEncoder().encode('XXXX'), 4);
    expect(() => inspectModelBuffers([{ name: 'bad.tflite', data: bytes }])).toThrowError(
      expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringMatching(/'bad\.tflite'.*'TFL3'/) }),
    );
  });

  it('turns every truncation into a MODEL_FORMAT error, never a RangeError or a hang', () => {
    const bytes = buildTflite(convStack);
    for (let cut = 0; cut < bytes.length; cut += 5) {
      const read = (): unknown => inspectModelBuffers([{ name: 'cut.tflite', data: bytes.subarray(0, cut) }]);
      expect(read, `cut at ${cut}`).toThrowError(StudioError);
      expect(read).toThrowError(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining("'cut.tflite'") }));
    }
  });

  it('survives damaged bytes behind a valid identifier: every corruption reads or throws MODEL_FORMAT', () => {
    const original = buildTflite(convStack);
    let state = 12_345;
    const next = (): number => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0);
    for (let trial = 0; trial < 500; trial += 1) {
      const damaged = original.slice();
      for (let flips = 0; flips < 3; flips += 1) damaged[8 + (next() % (damaged.length - 8))] = next() >>> 24;
      try {
        inspectModelBuffers([{ name: 'damaged.tflite', data: damaged }]);
      } catch (error) {
        expect(error).toBeInstanceOf(StudioError);
        expect((error as StudioError).code).toBe('MODEL_FORMAT');
      }
    }
  });
});
