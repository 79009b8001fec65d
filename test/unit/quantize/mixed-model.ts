/**
 * A small model whose int8 accuracy depends on the CPU: Gemm → com.microsoft.Gelu (a custom-domain
 * op onnxruntime implements) → MatMul → Softmax → MatMul, with TopK on the result as a second
 * output, so ops we cannot quantize sit in the middle. With full-range int8 weights its dynamic
 * variant loses about 6 dB on x86 without VNNI (18.8 dB where VNNI gives > 25).
 */
import { encodeOnnxModel, type OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';

/** Deterministic pseudo-random floats in [-scale, scale] (LCG), so the test model is the same every run. */
export function seeded(count: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

export function mixedModel(): Uint8Array {
  const spec: OnnxModelSpec = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    producerName: 'edgebench-test',
    producerVersion: '0',
    graphName: 'mixed',
    inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['n', 16] }],
    outputs: [
      { name: 'y', elemType: 'FLOAT', shape: ['n', 8] },
      { name: 'top_values', elemType: 'FLOAT', shape: ['n', 3] },
      { name: 'top_indices', elemType: 'INT64', shape: ['n', 3] },
    ],
    initializers: [
      { name: 'w1', dims: [32, 16], dataType: 'FLOAT', data: seeded(512, 1, 0.5) },
      { name: 'b1', dims: [32], dataType: 'FLOAT', data: seeded(32, 2, 0.1) },
      { name: 'w2', dims: [32, 16], dataType: 'FLOAT', data: seeded(512, 3, 0.5) },
      { name: 'w3', dims: [16, 8], dataType: 'FLOAT', data: seeded(128, 4, 2) },
      { name: 'k', dims: [1], dataType: 'INT64', data: new BigInt64Array([3n]) },
    ],
    nodes: [
      { opType: 'Gemm', name: 'fc1', inputs: ['x', 'w1', 'b1'], outputs: ['h1'], attributes: { transB: 1 } },
      { opType: 'Gelu', domain: 'com.microsoft', name: 'gelu', inputs: ['h1'], outputs: ['g1'] },
      { opType: 'MatMul', name: 'fc2', inputs: ['g1', 'w2'], outputs: ['h2'] },
      { opType: 'Softmax', name: 'softmax', inputs: ['h2'], outputs: ['p'], attributes: { axis: -1 } },
      { opType: 'MatMul', name: 'fc3', inputs: ['p', 'w3'], outputs: ['y'] },
      { opType: 'TopK', name: 'topk', inputs: ['y', 'k'], outputs: ['top_values', 'top_indices'] },
    ],
  };
  return encodeOnnxModel(spec);
}

