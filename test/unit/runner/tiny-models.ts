/**
 * Tiny ONNX models built in the test, so the benchmark tests need no files on disk beforehand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeOnnxModel, type OnnxModelSpec } from '../../../src/core/formats/onnx/onnx-writer';
import type { ModelInfo } from '../../../src/shared/model-info';

const base = {
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: 'edgebench-test',
  producerVersion: '1',
};

/** y = x · W + b with x: float32 [batch, 4], W: [4, 3]. Runs with the default batch of 1. */
export const matmulAddSpec: OnnxModelSpec = {
  ...base,
  graphName: 'matmul_add',
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: ['batch', 4] }],
  outputs: [{ name: 'y', elemType: 'FLOAT', shape: ['batch', 3] }],
  initializers: [
    { name: 'W', dims: [4, 3], dataType: 'FLOAT', data: Float32Array.from({ length: 12 }, (_, i) => i / 10) },
    { name: 'b', dims: [3], dataType: 'FLOAT', data: new Float32Array([0.5, -0.5, 1]) },
  ],
  nodes: [
    { opType: 'MatMul', name: 'matmul', inputs: ['x', 'W'], outputs: ['xw'] },
    { opType: 'Add', name: 'add', inputs: ['xw', 'b'], outputs: ['y'] },
  ],
};

/**
 * tokens: int64 [batch, seq] reshaped to a fixed [1, 128]: with symbolic dims at their default
 * of 1 onnxruntime rejects the input; --shape tokens=1x128 makes it run.
 */
export const tokensSpec: OnnxModelSpec = {
  ...base,
  graphName: 'tokens_reshape',
  inputs: [{ name: 'tokens', elemType: 'INT64', shape: ['batch', 'seq'] }],
  outputs: [{ name: 'flat', elemType: 'INT64', shape: [1, 128] }],
  initializers: [{ name: 'target_shape', dims: [2], dataType: 'INT64', data: new BigInt64Array([1n, 128n]) }],
  nodes: [{ opType: 'Reshape', name: 'reshape', inputs: ['tokens', 'target_shape'], outputs: ['flat'] }],
};

/** Writes the model into a fresh temp folder and returns its path. */
export function writeModel(spec: OnnxModelSpec, fileName = `${spec.graphName}.onnx`): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgebench-runner-test-'));
  const path = join(dir, fileName);
  writeFileSync(path, encodeOnnxModel(spec));
  return path;
}

/** The inputs as the model reader reports them (dtype names lower-case, symbolic dims kept as names). */
export function inputsInfoOf(spec: OnnxModelSpec): ModelInfo['inputs'] {
  return spec.inputs.map((input) => ({
    name: input.name,
    dtype: input.elemType === 'INT64' ? 'int64' : 'float32',
    shape: input.shape ?? null,
  }));
}

/**
 * A model that hangs onnxruntime: a Loop whose trip count is 2^62, its body one Add. Each
 * iteration takes well under a microsecond, so the first inference would run for millennia.
 */
export const hangingLoopSpec: OnnxModelSpec = {
  ...base,
  graphName: 'hanging_loop',
  inputs: [{ name: 'x', elemType: 'FLOAT', shape: [1] }],
  outputs: [{ name: 'y', elemType: 'FLOAT', shape: [1] }],
  initializers: [
    { name: 'trip_count', dims: [], dataType: 'INT64', data: new BigInt64Array([1n << 62n]) },
    { name: 'keep_going', dims: [], dataType: 'BOOL', data: new Uint8Array([1]) },
  ],
  nodes: [
    {
      opType: 'Loop',
      name: 'forever',
      inputs: ['trip_count', 'keep_going', 'x'],
      outputs: ['y'],
      attributes: {
        body: {
          graph: {
            name: 'add_one',
            inputs: [
              { name: 'i', elemType: 'INT64', shape: [] },
              { name: 'cond_in', elemType: 'BOOL', shape: [] },
              { name: 'v_in', elemType: 'FLOAT', shape: [1] },
            ],
            outputs: [
              { name: 'cond_out', elemType: 'BOOL', shape: [] },
              { name: 'v_out', elemType: 'FLOAT', shape: [1] },
            ],
            initializers: [{ name: 'one', dims: [1], dataType: 'FLOAT', data: new Float32Array([1]) }],
            nodes: [
              { opType: 'Identity', name: 'carry_cond', inputs: ['cond_in'], outputs: ['cond_out'] },
              { opType: 'Add', name: 'add', inputs: ['v_in', 'one'], outputs: ['v_out'] },
            ],
          },
        },
      },
    },
  ],
};
