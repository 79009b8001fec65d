/**
 * The MediaPipe .tflite files that npm packages ship, inspected by the studio and compared with
 * facts from an independent reader: flatc (Debian's flatbuffers-compiler 2.0.8) decoding each
 * file with TFLite's own schema.fbs, `flatc --json --raw-binary --strict-json --defaults-json
 * schema.fbs -- model.tflite` (schema from tensorflow/tflite-micro at 90b983c2, 2026-08-20, kept at
 * scripts/schemas/tflite/schema.fbs). From that JSON: op codes as max(builtin_code,
 * deprecated_builtin_code) with custom_code for CUSTOM, parameters as the elements (dense shape)
 * of every tensor whose buffer holds data, MACs from the stored tensor shapes (CONV_2D out x kh x
 * kw x Cin, DEPTHWISE_CONV_2D out x kh x kw, FULLY_CONNECTED out x K, transposed convolutions
 * in x kh x kw x Cout), inputs and outputs of subgraph 0.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inspectModelFiles } from '../../../src/core/formats/inspect';
import type { Dim } from '../../../src/shared/model-info';

const MEDIAPIPE = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@mediapipe');

interface Facts {
  file: string;
  version: number;
  subgraphs: number;
  operators: number;
  tensors: number;
  sparseTensors: number;
  parameters: number;
  macs: number;
  macsByOp: Record<string, number>;
  ops: Record<string, number>;
  inputs: Array<[string, string, Dim[]]>;
  outputs: Array<[string, string, Dim[]]>;
}

// @mediapipe/face_detection 0.4.1657300184, hands 0.4.1675469240, pose 0.5.1675469404, selfie_segmentation 0.1.1675465747.
const FACTS: Facts[] = [
  {
    file: 'face_detection/face_detection_full_range.tflite', version: 3, subgraphs: 1, operators: 354, tensors: 544, sparseTensors: 0,
    parameters: 514_139, macs: 105_671_232, macsByOp: { CONV_2D: 89_367_552, DEPTHWISE_CONV_2D: 16_303_680 },
    ops: { DEQUANTIZE: 178, CONV_2D: 49, RELU: 47, DEPTHWISE_CONV_2D: 40, ADD: 23, PAD: 8, MAX_POOL_2D: 4, RESIZE_BILINEAR: 3, RESHAPE: 2 },
    inputs: [['input', 'float32', [1, 192, 192, 3]]],
    outputs: [['reshaped_regressor_face_4', 'float32', [1, 2304, 16]], ['reshaped_classifier_face_4', 'float32', [1, 2304, 1]]],
  },
  {
    file: 'face_detection/face_detection_full_range_sparse.tflite', version: 3, subgraphs: 1, operators: 388, tensors: 577, sparseTensors: 46,
    parameters: 508_328, macs: 117_188_352, macsByOp: { CONV_2D: 99_459_072, DEPTHWISE_CONV_2D: 17_729_280 },
    ops: { DEQUANTIZE: 182, CONV_2D: 49, DENSIFY: 46, PAD: 43, DEPTHWISE_CONV_2D: 42, ADD: 19, RESIZE_BILINEAR: 3, DEPTH_TO_SPACE: 2, RESHAPE: 2 },
    inputs: [['input_1', 'float32', [1, 192, 192, 3]]],
    outputs: [['Identity', 'float32', [1, 2304, 16]], ['Identity_1', 'float32', [1, 2304, 1]]],
  },
  {
    file: 'face_detection/face_detection_short_range.tflite', version: 3, subgraphs: 1, operators: 164, tensors: 250, sparseTensors: 0,
    parameters: 101_478, macs: 30_760_960, macsByOp: { CONV_2D: 27_000_832, DEPTHWISE_CONV_2D: 3_760_128 },
    ops: { DEQUANTIZE: 74, CONV_2D: 21, RELU: 17, DEPTHWISE_CONV_2D: 16, ADD: 16, PAD: 11, RESHAPE: 4, MAX_POOL_2D: 3, CONCATENATION: 2 },
    inputs: [['input', 'float32', [1, 128, 128, 3]]],
    outputs: [['regressors', 'float32', [1, 896, 16]], ['classificators', 'float32', [1, 896, 1]]],
  },
  {
    file: 'hands/hand_landmark_full.tflite', version: 3, subgraphs: 1, operators: 165, tensors: 269, sparseTensors: 0,
    parameters: 2_715_682, macs: 330_968_800, macsByOp: { CONV_2D: 298_095_616, DEPTHWISE_CONV_2D: 32_725_728, FULLY_CONNECTED: 147_456 },
    ops: { DEQUANTIZE: 102, CONV_2D: 31, DEPTHWISE_CONV_2D: 16, ADD: 9, FULLY_CONNECTED: 4, LOGISTIC: 2, MEAN: 1 },
    inputs: [['input_1', 'float32', [1, 224, 224, 3]]],
    outputs: [['Identity', 'float32', [1, 63]], ['Identity_1', 'float32', [1, 1]], ['Identity_2', 'float32', [1, 1]], ['Identity_3', 'float32', [1, 63]]],
  },
  {
    file: 'hands/hand_landmark_lite.tflite', version: 3, subgraphs: 1, operators: 167, tensors: 271, sparseTensors: 0,
    parameters: 1_011_714, macs: 145_605_824, macsByOp: { CONV_2D: 123_909_632, DEPTHWISE_CONV_2D: 21_610_176, FULLY_CONNECTED: 86_016 },
    ops: { DEQUANTIZE: 102, CONV_2D: 31, DEPTHWISE_CONV_2D: 16, ADD: 10, FULLY_CONNECTED: 4, LOGISTIC: 2, MAX_POOL_2D: 1, MEAN: 1 },
    inputs: [['input_1', 'float32', [1, 224, 224, 3]]],
    outputs: [['Identity', 'float32', [1, 63]], ['Identity_1', 'float32', [1, 1]], ['Identity_2', 'float32', [1, 1]], ['Identity_3', 'float32', [1, 63]]],
  },
  {
    file: 'pose/pose_landmark_full.tflite', version: 3, subgraphs: 1, operators: 332, tensors: 535, sparseTensors: 0,
    parameters: 3_169_521, macs: 386_148_736, macsByOp: { CONV_2D: 330_850_432, DEPTHWISE_CONV_2D: 55_298_304 },
    ops: { DEQUANTIZE: 192, CONV_2D: 58, DEPTHWISE_CONV_2D: 38, ADD: 28, PAD: 5, RESIZE_BILINEAR: 5, RESHAPE: 3, MAX_POOL_2D: 2, LOGISTIC: 1 },
    inputs: [['input_1', 'float32', [1, 256, 256, 3]]],
    outputs: [['Identity', 'float32', [1, 195]], ['Identity_1', 'float32', [1, 1]], ['Identity_2', 'float32', [1, 256, 256, 1]], ['Identity_3', 'float32', [1, 64, 64, 39]], ['Identity_4', 'float32', [1, 117]]],
  },
  {
    file: 'pose/pose_landmark_heavy.tflite', version: 3, subgraphs: 1, operators: 689, tensors: 1098, sparseTensors: 0,
    parameters: 13_751_121, macs: 1_927_318_656, macsByOp: { CONV_2D: 1_773_666_432, DEPTHWISE_CONV_2D: 153_652_224 },
    ops: { DEQUANTIZE: 396, CONV_2D: 116, DEPTHWISE_CONV_2D: 82, ADD: 73, PAD: 8, RESIZE_BILINEAR: 5, MAX_POOL_2D: 5, RESHAPE: 3, LOGISTIC: 1 },
    inputs: [['input_1', 'float32', [1, 256, 256, 3]]],
    outputs: [['Identity', 'float32', [1, 195]], ['Identity_1', 'float32', [1, 1]], ['Identity_2', 'float32', [1, 256, 256, 1]], ['Identity_3', 'float32', [1, 64, 64, 39]], ['Identity_4', 'float32', [1, 117]]],
  },
  {
    file: 'pose/pose_landmark_lite.tflite', version: 3, subgraphs: 1, operators: 305, tensors: 492, sparseTensors: 0,
    parameters: 1_363_121, macs: 197_822_208, macsByOp: { CONV_2D: 156_642_048, DEPTHWISE_CONV_2D: 41_180_160 },
    ops: { DEQUANTIZE: 176, CONV_2D: 54, DEPTHWISE_CONV_2D: 34, ADD: 25, PAD: 5, RESIZE_BILINEAR: 5, RESHAPE: 3, MAX_POOL_2D: 2, LOGISTIC: 1 },
    inputs: [['input_1', 'float32', [1, 256, 256, 3]]],
    outputs: [['Identity', 'float32', [1, 195]], ['Identity_1', 'float32', [1, 1]], ['Identity_2', 'float32', [1, 256, 256, 1]], ['Identity_3', 'float32', [1, 64, 64, 39]], ['Identity_4', 'float32', [1, 117]]],
  },
  {
    file: 'selfie_segmentation/selfie_segmentation.tflite', version: 3, subgraphs: 1, operators: 246, tensors: 360, sparseTensors: 0,
    parameters: 106_407, macs: 59_215_744, macsByOp: { CONV_2D: 49_450_880, DEPTHWISE_CONV_2D: 8_716_288, Convolution2DTransposeBias: 1_048_576 },
    ops: { DEQUANTIZE: 110, CONV_2D: 43, RELU: 22, ADD: 14, HARD_SWISH: 11, DEPTHWISE_CONV_2D: 11, LOGISTIC: 11, AVERAGE_POOL_2D: 10, MUL: 10, RESIZE_BILINEAR: 3, Convolution2DTransposeBias: 1 },
    inputs: [['input_1', 'float32', [1, 256, 256, 3]]],
    outputs: [['activation_10', 'float32', [1, 256, 256, 1]]],
  },
  {
    file: 'selfie_segmentation/selfie_segmentation_landscape.tflite', version: 3, subgraphs: 1, operators: 246, tensors: 370, sparseTensors: 0,
    parameters: 106_427, macs: 33_324_928, macsByOp: { CONV_2D: 27_832_192, DEPTHWISE_CONV_2D: 4_902_912, Convolution2DTransposeBias: 589_824 },
    ops: { DEQUANTIZE: 110, CONV_2D: 43, RELU: 22, ADD: 14, HARD_SWISH: 11, DEPTHWISE_CONV_2D: 11, LOGISTIC: 11, MEAN: 10, MUL: 10, RESIZE_BILINEAR: 3, Convolution2DTransposeBias: 1 },
    inputs: [['input_1', 'float32', [1, 144, 256, 3]]],
    outputs: [['segment_back', 'float32', [1, 144, 256, 1]]],
  },
];

describe('MediaPipe .tflite models against flatc', () => {
  test.each(FACTS)('$file: ops, parameters, MACs, inputs and outputs', async (facts) => {
    const info = await inspectModelFiles([join(MEDIAPIPE, facts.file)]);
    expect(info.format).toBe('tflite');
    expect(info.formatVersion).toBe(`schema ${facts.version}`);
    expect(info.ops).toEqual(facts.ops);
    expect(Object.values(info.ops).reduce((a, b) => a + b, 0)).toBe(facts.operators);
    expect(info.parameters).toBe(facts.parameters);
    expect(info.macs).toBe(facts.macs);
    expect(info.macsByOp).toEqual(facts.macsByOp);
    expect(info.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual(facts.inputs);
    expect(info.outputs.map((t) => [t.name, t.dtype, t.shape])).toEqual(facts.outputs);
    expect(info.notes.filter((note) => note.startsWith('MACs of'))).toEqual([]);
    const sparseNote = info.notes.find((note) => note.includes('stored sparse'));
    if (facts.sparseTensors === 0) expect(sparseNote).toBeUndefined();
    else expect(sparseNote).toMatch(new RegExp(`^${facts.sparseTensors} weight tensor\\(s\\) are stored sparse`));
  });

  test('the sparse face detector counts its 46 DENSIFY weights as the 462,592 dense elements they become, from 277,552 stored bytes', async () => {
    const info = await inspectModelFiles([join(MEDIAPIPE, 'face_detection/face_detection_full_range_sparse.tflite')]);
    expect(info.notes).toContain(
      '46 weight tensor(s) are stored sparse (277552 bytes) and expanded by DENSIFY when the model loads; they are counted as the 462592 dense elements they become.',
    );
  });
});
