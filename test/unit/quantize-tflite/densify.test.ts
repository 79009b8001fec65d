/**
 * Sparse TFLite weights made dense (densify.ts), checked against LiteRT's own DENSIFY kernel: the
 * sparse face detector with every DENSIFY replaced by the decoded constant computes what the file
 * computes in LiteRT, within float rounding, and one misplaced weight would be caught. (Exposing
 * the DENSIFY outputs themselves does not work: LiteRT.js returns garbage for those constant-only
 * tensors.) A blocked layout (block_map) is checked on a hand-made 4×4 matrix in 2×2 blocks, and a
 * malformed sparse tensor is refused in one sentence.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel, encodeTfliteModelFile, type FlatTable, type TfliteModel, type TfliteTensor } from '../../../src/core/formats/tflite/tflite-model';
import { TensorType } from '../../../src/core/formats/tflite/tflite-schema';
import { densifyTensor, foldDensify } from '../../../src/core/quantize-tflite/densify';
import { quantizeTfliteFullInt8 } from '../../../src/core/quantize-tflite/full-int8';
import { TfliteQuantRefusal } from '../../../src/core/quantize-tflite/types';
import { makeInputData } from '../../../src/core/runner/input-data';
import { openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';
import { root } from './tflite-check';

const sparseBytes = new Uint8Array(readFileSync(join(root, 'node_modules/@mediapipe/face_detection/face_detection_full_range_sparse.tflite')));
const dir = mkdtempSync(join(tmpdir(), 'edgebench-densify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every output of a one-input model in LiteRT. */
async function runAll(file: string, input: Float32Array): Promise<Float32Array[]> {
  const model = await openLiteRtModel(file, 1);
  try {
    const spec = model.inputs[0] as (typeof model.inputs)[number];
    const tensor = new model.library.Tensor(input, spec.shape);
    const values = await runLiteRtOnce(model, [tensor]);
    tensor.delete();
    return values.map((v) => Float32Array.from(v as Float32Array));
  } finally {
    model.compiled.delete();
  }
}

describe('sparse TFLite weights (DENSIFY) decoded to dense', () => {
  it("face_detection_full_range_sparse: with its 46 DENSIFY ops replaced by the decoded constants, LiteRT computes the file's own outputs", async () => {
    const input = makeInputData('input_1', 'float32', 192 * 192 * 3, { kind: 'random', seed: 7 }) as Float32Array;
    const sparseFile = join(dir, 'sparse.tflite');
    writeFileSync(sparseFile, sparseBytes);
    const reference = await runAll(sparseFile, input);
    const worstDifference = async (model: TfliteModel, name: string): Promise<number> => {
      const file = join(dir, `${name}.tflite`);
      writeFileSync(file, encodeTfliteModelFile(model));
      const outputs = await runAll(file, input);
      let worst = 0;
      reference.forEach((output, k) => output.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ((outputs[k] as Float32Array)[i] as number)) / Math.max(1, Math.abs(v))))));
      return worst;
    };
    const dense = decodeTfliteModel(sparseBytes, 'sparse');
    expect(foldDensify(dense)).toBe(46);
    // Same weights: equal but for the order of float additions the kernels pick (measured 2.5e-5).
    expect(await worstDifference(dense, 'dense')).toBeLessThan(1e-4);

    // The bound catches one misplaced weight: two stored values of the first sparse weight swapped.
    const misplaced = decodeTfliteModel(sparseBytes, 'sparse');
    const sparse = misplaced.subgraphs[0]?.tensors.find((t) => t.sparsity !== undefined) as TfliteTensor;
    const stored = misplaced.buffers[sparse.buffer]?.data as Uint8Array;
    const copy = stored.slice();
    copy.set(stored.subarray(0, 2), 2);
    copy.set(stored.subarray(2, 4), 0);
    (misplaced.buffers[sparse.buffer] as { data: Uint8Array }).data = copy;
    foldDensify(misplaced);
    expect(await worstDifference(misplaced, 'misplaced')).toBeGreaterThan(1e-3);
  }, 60_000);

  it('a blocked layout: a 4×4 matrix stored as 2×2 blocks, block rows dense, block columns CSR', () => {
    // Blocks (0,0) [[1,0],[0,4]], (0,1) [[2,3],[0,5]] and (1,1) [[0,0],[6,7]] are stored; (1,0) is all zeros and is not.
    const stored = Int8Array.from([1, 0, 0, 4, 2, 3, 0, 5, 0, 0, 6, 7]);
    const model = { buffers: [{ offset: 0, size: 0 }, { data: new Uint8Array(stored.buffer), offset: 0, size: 0 }] } as unknown as TfliteModel;
    const tensor: TfliteTensor = {
      name: 'blocked', shape: [4, 4], type: TensorType.INT8, buffer: 1, isVariable: false, hasRank: true,
      sparsity: {
        traversalOrder: [0, 1, 2, 3],
        blockMap: [0, 1],
        dimMetadata: [
          { format: 0, denseSize: 2 },
          { format: 1, denseSize: 0, arraySegments: { values: [0, 2, 3] }, arrayIndices: { values: [0, 1, 1] } },
          { format: 0, denseSize: 2 },
          { format: 0, denseSize: 2 },
        ],
      },
    };
    expect(Array.from(new Int8Array(densifyTensor(model, tensor).buffer))).toEqual([1, 0, 2, 3, 0, 4, 0, 5, 0, 0, 0, 0, 0, 0, 6, 7]);
  });

  it('a sparse tensor whose segments run past its indices is refused in one sentence, naming it', async () => {
    const model = decodeTfliteModel(sparseBytes, 'sparse');
    const tensor = model.subgraphs[0]?.tensors.find((t) => t.sparsity !== undefined) as TfliteTensor;
    const level = (tensor.sparsity?.dimMetadata as FlatTable[])[3] as unknown as { arraySegments: { values: ArrayLike<number> } };
    const segments = Array.from(level.arraySegments.values);
    segments[segments.length - 1] = (segments.at(-1) ?? 0) + 1000;
    level.arraySegments.values = segments;
    const refusal = quantizeTfliteFullInt8(encodeTfliteModelFile(model), { mode: 'int8', calibration: { inputs: [] } });
    await expect(refusal).rejects.toBeInstanceOf(TfliteQuantRefusal);
    await expect(refusal).rejects.toThrow(`The sparse weights '${tensor.name ?? ''}' cannot be decoded (its segments at level 3 do not fit its indices); re-export the model with dense weights, or quantize it with --mode dynamic or --mode fp16.`);
  });
});
