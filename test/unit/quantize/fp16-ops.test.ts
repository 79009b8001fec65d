import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, type OnnxAttributeValue, type OnnxTensorSpec } from '../../../src/core/formats/onnx/onnx-writer';
import { FLOAT16_OPS } from '../../../src/core/quantize';

/** What a one-node float16 model of each op needs besides x: extra inputs and attributes. */
interface OpCase {
  xDims?: number[];
  extra?: OnnxTensorSpec[];
  attributes?: Record<string, OnnxAttributeValue>;
  outType?: 'FLOAT16' | 'BOOL' | 'INT64';
}

const X_DIMS = [1, 2, 4, 4];
const half = (name: string, dims: number[]): OnnxTensorSpec => ({ name, dims, dataType: 'FLOAT16', data: new Uint16Array(dims.reduce((a, b) => a * b, 1)).fill(0x3c00) });
const ints = (name: string, values: bigint[]): OnnxTensorSpec => ({ name, dims: [values.length], dataType: 'INT64', data: new BigInt64Array(values) });
const binary: OpCase = { extra: [half('w', X_DIMS)] };
const compare: OpCase = { ...binary, outType: 'BOOL' };

const CASES: Record<string, OpCase> = {
  Add: binary, Sub: binary, Mul: binary, Div: binary, Pow: binary, Max: binary, Min: binary, Mean: binary, Sum: binary, PRelu: binary, MatMul: binary,
  Equal: compare, Greater: compare, Less: compare,
  Gemm: { xDims: [2, 3], extra: [half('w', [4, 3]), half('b', [4])], attributes: { transB: 1 } },
  Conv: { extra: [half('w', [2, 2, 1, 1]), half('b', [2])] },
  ConvTranspose: { extra: [half('w', [2, 2, 1, 1]), half('b', [2])] },
  MaxPool: { attributes: { kernel_shape: [2, 2] } },
  AveragePool: { attributes: { kernel_shape: [2, 2] } },
  BatchNormalization: { extra: ['s', 'b', 'm', 'v'].map((n) => half(n, [2])) },
  LayerNormalization: { extra: [half('s', [4]), half('b', [4])] },
  Reshape: { extra: [ints('shape', [2n, -1n])] },
  Unsqueeze: { extra: [ints('axes', [0n])] },
  Concat: { extra: [half('w', X_DIMS)], attributes: { axis: 1 } },
  Shape: { outType: 'INT64' },
};

describe('FLOAT16_OPS', () => {
  it.each([...FLOAT16_OPS].sort())('%s loads and runs in float16 on the onnxruntime CPU EP', async (op) => {
    const c = CASES[op] ?? {};
    const xDims = c.xDims ?? X_DIMS;
    const extra = c.extra ?? [];
    const model = encodeOnnxModel({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'edgebench-test',
      producerVersion: '0',
      graphName: op,
      inputs: [{ name: 'x', elemType: 'FLOAT16', shape: xDims }],
      outputs: [{ name: 'y', elemType: c.outType ?? 'FLOAT16' }],
      initializers: extra,
      nodes: [{ opType: op, name: op, inputs: ['x', ...extra.map((t) => t.name)], outputs: ['y'], ...(c.attributes ? { attributes: c.attributes } : {}) }],
    });
    const session = await ort.InferenceSession.create(model);
    const elements = xDims.reduce((a, b) => a * b, 1);
    const { y } = await session.run({ x: new ort.Tensor('float16', new Uint16Array(elements).fill(0x3800), xDims) });
    await session.release();
    expect(y?.type).toBe(c.outType === 'BOOL' ? 'bool' : c.outType === 'INT64' ? 'int64' : 'float16');
  });
});
