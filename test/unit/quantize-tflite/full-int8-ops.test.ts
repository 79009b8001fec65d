/**
 * Full-integer rules on edited copies of the demo model (built with the schema-driven codec): the
 * spec's fixed output parameters (SOFTMAX), a builtin without an int8 kernel, and the other
 * refusals, each checked as the user meets it (the result, or the refusal's sentence and ops).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinOptions, decodeTfliteModel, encodeTfliteModelFile, opcodeIndex, type TfliteModel } from '../../../src/core/formats/tflite/tflite-model';
import { BuiltinOperator, BuiltinOptions, TensorType } from '../../../src/core/formats/tflite/tflite-schema';
import { quantizeTfliteFullInt8 } from '../../../src/core/quantize-tflite/full-int8';
import { TfliteQuantRefusal } from '../../../src/core/quantize-tflite/types';
import type { CalibrationData } from '../../../src/core/quantize/recipe';
import { openLiteRtModel } from '../../../src/core/runner/runtimes/litert';

const root = join(import.meta.dirname, '..', '..', '..');
const demoBytes = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite')));
const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const PIXELS = 28 * 28;
const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
const calibration: CalibrationData = { inputs: Array.from({ length: 32 }, (_, i) => ({ input: { dims: [1, 28, 28, 1], data: digit(i) } })) };
const dir = mkdtempSync(join(tmpdir(), 'edgebench-full-int8-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const demo = (): TfliteModel => decodeTfliteModel(demoBytes, 'demo-mnist.tflite');

/** The demo with a SOFTMAX after its logits: the model's output becomes 'probs'. */
function withSoftmax(): Uint8Array {
  const model = demo();
  const sg = model.subgraphs[0];
  if (sg === undefined) throw new Error('no subgraph');
  const logits = sg.outputs[0] as number;
  const probs = sg.tensors.push({ ...sg.tensors[logits], name: 'probs', shape: [1, 10], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true }) - 1;
  sg.operators.push({
    opcodeIndex: opcodeIndex(model, BuiltinOperator.SOFTMAX),
    inputs: [logits],
    outputs: [probs],
    builtinOptionsType: BuiltinOptions.SoftmaxOptions,
    builtinOptions: builtinOptions('SoftmaxOptions', { beta: 1 }),
  });
  sg.outputs = [probs];
  return encodeTfliteModelFile(model);
}

describe('full-integer op rules', () => {
  it("SOFTMAX's output gets the spec's fixed scale 1/256 and zero point -128, and the model runs in LiteRT close to float", async () => {
    const floatBytes = withSoftmax();
    const result = await quantizeTfliteFullInt8(floatBytes, { mode: 'int8', io: 'float', calibration });
    const sg = decodeTfliteModel(result.bytes, 'softmax').subgraphs[0];
    expect(sg?.tensors.find((t) => t.name === 'probs_int8')?.quantization).toMatchObject({ scale: [1 / 256], zeroPoint: [-128] });
    expect(result.notes.join(' ')).toMatch(/SOFTMAX outputs have the scale and zero point the spec fixes/);

    const run = async (bytes: Uint8Array, name: string): Promise<Float32Array[]> => {
      const file = join(dir, `${name}.tflite`);
      writeFileSync(file, bytes);
      const model = await openLiteRtModel(file, 1);
      const outs: Float32Array[] = [];
      for (let i = 100; i < 110; i += 1) {
        const tensor = new model.library.Tensor(digit(i), [1, 28, 28, 1]);
        const [out] = await model.compiled.run([tensor]);
        tensor.delete();
        outs.push(Float32Array.from(out?.toTypedArray() ?? []));
        out?.delete();
      }
      model.compiled.delete();
      return outs;
    };
    const float = await run(floatBytes, 'softmax-float');
    const int8 = await run(result.bytes, 'softmax-int8');
    float.forEach((probabilities, i) => {
      // Probabilities in steps of 1/256: each within two steps of float's.
      probabilities.forEach((p, k) => expect(Math.abs((int8[i]?.[k] as number) - p)).toBeLessThanOrEqual(2 / 256));
    });
  }, 60_000);

  it('a float tensor no op uses (left by another tool) is dropped, not an error', async () => {
    const model = demo();
    const sg = model.subgraphs[0];
    if (sg === undefined) throw new Error('no subgraph');
    sg.tensors.push({ ...sg.tensors[sg.outputs[0] as number], name: 'dangling', shape: [1, 10], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true });
    const result = await quantizeTfliteFullInt8(encodeTfliteModelFile(model), { mode: 'int8', calibration });
    const tensors = decodeTfliteModel(result.bytes, 'dangling').subgraphs[0]?.tensors ?? [];
    expect(tensors.map((t) => t.name)).not.toContain('dangling');
    expect(tensors.find((t) => t.name === 'logits_int8')?.type).toBe(TensorType.INT8);
  }, 60_000);

  it('refuses a builtin op with no int8 kernel, by index and name, and says which modes keep it float', async () => {
    const model = demo();
    const sg = model.subgraphs[0];
    const reshape = sg?.operators[2];
    if (reshape === undefined) throw new Error('no RESHAPE');
    // SIN has float kernels only: a stand-in for any op TFLite cannot run in int8.
    reshape.opcodeIndex = opcodeIndex(model, BuiltinOperator.SIN);
    reshape.inputs = reshape.inputs.slice(0, 1);
    reshape.builtinOptionsType = 0;
    delete reshape.builtinOptions;
    const refusal = quantizeTfliteFullInt8(encodeTfliteModelFile(model), { mode: 'int8', calibration });
    await expect(refusal).rejects.toBeInstanceOf(TfliteQuantRefusal);
    await expect(refusal).rejects.toThrow('Full-integer mode cannot quantize this operator: SIN at op 2 (TFLite has no int8 kernel for it that the studio knows of); quantize it with --mode dynamic or --mode fp16 instead (those keep such ops float).');
    await expect(refusal).rejects.toMatchObject({ ops: [{ op: 2, opName: 'SIN' }] });
  });

  it('refuses an already quantized model, asking for the float one', async () => {
    const int8 = await quantizeTfliteFullInt8(demoBytes, { mode: 'int8', io: 'int8', calibration });
    await expect(quantizeTfliteFullInt8(int8.bytes, { mode: 'int8', calibration })).rejects.toThrow(/already has int8 or quantized uint8 tensors; .* give the float \.tflite/);
  }, 30_000);

  it('refuses float islands: exclusions belong to the weight-only modes', async () => {
    await expect(quantizeTfliteFullInt8(demoBytes, { mode: 'int8', calibration, exclude: ['SOFTMAX'] })).rejects.toThrow(/has no float islands, so it cannot keep SOFTMAX float/);
  });
});
