/**
 * TFLite dynamic range and float16 (weight-only.ts) on the demo and on MediaPipe's models: the
 * files run in LiteRT, their outputs stay close to the float model's on seeded inputs, they are
 * the size the mode promises, and flatc (an independent reader) finds the int8 / float16 tensors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantizeTflite, TfliteQuantRefusal } from '../../../src/core/quantize-tflite';
import { flatcJson, floatModel, opcodeName, opInputs, parity, root } from './tflite-check';

const demo = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite')));
const minCosine = (report: Awaited<ReturnType<typeof parity>>): number => Math.min(...report.outputs.map((o) => o.cosine));

describe('TFLite dynamic range (int8 weights, float activations)', () => {
  it('demo: conv weights int8 per channel, the FC weights per tensor, the small first conv float32; 31 % of float, same outputs', async () => {
    const result = await quantizeTflite(demo, { mode: 'dynamic' });
    const json = flatcJson(result.bytes);
    const weights = opInputs(json, 1);
    const [conv1, conv2] = weights.filter((w) => w.op === 'CONV_2D');
    const fc = weights.find((w) => w.op === 'FULLY_CONNECTED');
    // 8×3×3×1 = 72 elements: under TFLite's 1024-element threshold.
    expect(conv1?.tensor.type).toBe('FLOAT32');
    expect(conv2?.tensor.type).toBe('INT8');
    expect(conv2?.tensor.quantization?.scale).toHaveLength(conv2?.tensor.shape[0] as number);
    expect(conv2?.tensor.quantization?.quantized_dimension).toBe(0);
    expect(conv2?.tensor.quantization?.zero_point?.every((z) => z === 0)).toBe(true);
    expect(fc?.tensor.type).toBe('INT8');
    expect(fc?.tensor.quantization?.scale).toHaveLength(1);
    // No DEQUANTIZE: both consumers have hybrid kernels.
    expect(json.operator_codes.map(opcodeName)).not.toContain('DEQUANTIZE');
    expect(json.subgraphs[0]?.tensors.find((t) => t.name === json.subgraphs[0]?.tensors[json.subgraphs[0].outputs[0] as number]?.name)?.type).toBe('FLOAT32');
    expect(result.bytes.byteLength / demo.byteLength).toBeGreaterThan(0.25);
    expect(result.bytes.byteLength / demo.byteLength).toBeLessThan(0.33);
    expect(result.quantizedOps.map((o) => o.opName)).toEqual(['CONV_2D', 'FULLY_CONNECTED']);
    expect(result.keptFloat).toEqual([expect.objectContaining({ op: 0, opName: 'CONV_2D', reason: expect.stringContaining('1024-element threshold') })]);
    expect(result.io).toBe('float');
    expect(minCosine(await parity(demo, result.bytes))).toBeGreaterThanOrEqual(0.99);
  }, 60_000);

  // short range's depthwise weights are all under 1024 elements; full range has larger ones.
  for (const [file, depthwiseInt8] of [['node_modules/@mediapipe/face_detection/face_detection_short_range.tflite', false], ['node_modules/@mediapipe/face_detection/face_detection_full_range.tflite', true]] as const) {
    it(`${file.split('/').pop()}: float16 weights read as float32, then int8; depthwise per channel on axis 3; cosine ≥ 0.99 against the float model`, async () => {
      const float = floatModel(file);
      const result = await quantizeTflite(new Uint8Array(readFileSync(join(root, file))), { mode: 'dynamic' });
      const json = flatcJson(result.bytes);
      const depthwise = opInputs(json, 1).filter((w) => w.op === 'DEPTHWISE_CONV_2D' && w.tensor.type === 'INT8');
      expect(depthwise.length > 0).toBe(depthwiseInt8);
      expect(opInputs(json, 1).filter((w) => w.op === 'CONV_2D' && w.tensor.type === 'INT8' && w.tensor.quantization?.quantized_dimension === 0).length).toBeGreaterThan(0);
      for (const { tensor } of depthwise) {
        expect(tensor.quantization?.quantized_dimension).toBe(3);
        expect(tensor.quantization?.scale).toHaveLength(tensor.shape[3] as number);
      }
      // Weights that stay float keep the file's float16 storage: every float16 constant feeds a DEQUANTIZE only.
      const sg = json.subgraphs[0]!;
      const half = new Set(sg.tensors.flatMap((t, i) => (t.type === 'FLOAT16' && json.buffers[t.buffer]?.data?.length ? [i] : [])));
      expect(half.size).toBeGreaterThan(0);
      for (const op of sg.operators) if (op.inputs.some((i) => half.has(i))) expect(opcodeName(json.operator_codes[op.opcode_index]!)).toBe('DEQUANTIZE');
      expect(result.bytes.byteLength / float.byteLength).toBeLessThan(0.4);
      expect(result.notes.join(' ')).toMatch(/stay float, so they keep the file's float16 storage/);
      expect(result.keptFloat.length).toBeGreaterThan(0);
      expect(result.notes.join(' ')).toMatch(/float16 behind DEQUANTIZE ops were read as float32/);
      expect(minCosine(await parity(float, result.bytes))).toBeGreaterThanOrEqual(0.99);
    }, 120_000);
  }

  it('--exclude by op name keeps those weights float32 and lists the ops, a name that matches nothing is refused', async () => {
    const result = await quantizeTflite(demo, { mode: 'dynamic', exclude: ['FULLY_CONNECTED'] });
    expect(opInputs(flatcJson(result.bytes), 1).find((w) => w.op === 'FULLY_CONNECTED')?.tensor.type).toBe('FLOAT32');
    expect(result.keptFloat.map((o) => [o.op, o.reason])).toContainEqual([3, 'excluded (FULLY_CONNECTED), so its weights stay float32.']);
    await expect(quantizeTflite(demo, { mode: 'dynamic', exclude: ['SOFTMAXX'] })).rejects.toThrow(/--exclude 'SOFTMAXX' names no operator of this model/);
    await expect(quantizeTflite(demo, { mode: 'dynamic', exclude: ['op:1', 'op:3'] })).rejects.toBeInstanceOf(TfliteQuantRefusal);
  });

  it('--io and calibration are refused for a weight-only mode', async () => {
    await expect(quantizeTflite(demo, { mode: 'dynamic', io: 'int8' })).rejects.toThrow(/only applies to full-integer int8 mode/);
    await expect(quantizeTflite(demo, { mode: 'fp16', calibration: { inputs: [] } })).rejects.toThrow(/only applies to full-integer int8 mode/);
  });
});

describe('TFLite float16 (float16 weights, DEQUANTIZE to float32)', () => {
  it('demo: every float32 constant becomes float16 behind a DEQUANTIZE; about half the size; same outputs', async () => {
    const result = await quantizeTflite(demo, { mode: 'fp16' });
    const json = flatcJson(result.bytes);
    const sg = json.subgraphs[0]!;
    const constants = sg.tensors.filter((t) => (json.buffers[t.buffer]?.data?.length ?? 0) > 0);
    expect(constants.filter((t) => t.type === 'FLOAT32')).toEqual([]);
    const half = constants.filter((t) => t.type === 'FLOAT16');
    expect(half.length).toBe(6); // 2 conv weights + 2 biases, the FC's weights and bias
    const dequantize = json.operator_codes.findIndex((c) => opcodeName(c) === 'DEQUANTIZE');
    expect(sg.operators.filter((op) => op.opcode_index === dequantize)).toHaveLength(6);
    expect(result.bytes.byteLength / demo.byteLength).toBeGreaterThan(0.45);
    expect(result.bytes.byteLength / demo.byteLength).toBeLessThan(0.6);
    expect(minCosine(await parity(demo, result.bytes))).toBeGreaterThanOrEqual(0.999);
  }, 60_000);

  it('hand_landmark_lite and selfie_segmentation: from their float32 form, float16 again at about half its size; a file already in float16 is refused', async () => {
    for (const file of ['node_modules/@mediapipe/hands/hand_landmark_lite.tflite', 'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite']) {
      const float = floatModel(file);
      const result = await quantizeTflite(float, { mode: 'fp16' });
      expect(result.bytes.byteLength / float.byteLength, file).toBeLessThan(0.6);
      expect(flatcJson(result.bytes).subgraphs[0]!.tensors.filter((t) => t.type === 'FLOAT16').length).toBeGreaterThan(40);
      expect(minCosine(await parity(float, result.bytes)), file).toBeGreaterThanOrEqual(0.999);
      await expect(quantizeTflite(new Uint8Array(readFileSync(join(root, file))), { mode: 'fp16' })).rejects.toThrow(/already stores its weights as float16/);
    }
  }, 120_000);
});
