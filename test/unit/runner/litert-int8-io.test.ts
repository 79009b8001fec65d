/**
 * int8 inputs and outputs in LiteRT.js through the uint8 adapter (src/core/runner/runtimes/
 * litert-int8-io.ts), on the demo model quantized to full int8 with int8 I/O (calibrated on
 * digits 0–199, as in full-int8-demo.test.ts): top-1 on the 1,800 held-out digits within 1 point
 * of the float model in LiteRT, the same on the simulated board over the serial protocol, and the
 * adapter bit-exact (its int8 outputs + 128 are the uint8-I/O file's outputs, digit for digit).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTfliteModel, encodeTfliteModelFile } from '../../../src/core/formats/tflite/tflite-model';
import { builtinOperatorName, TensorType } from '../../../src/core/formats/tflite/tflite-schema';
import { quantizeTfliteFullInt8 } from '../../../src/core/quantize-tflite/full-int8';
import type { CalibrationData } from '../../../src/core/quantize/recipe';
import { liteRtLoadable } from '../../../src/core/runner/runtimes/litert-int8-io';
import { litertModule, makeLiteRtTensor, openLiteRtModel, runLiteRtOnce, type LiteRtModel } from '../../../src/core/runner/runtimes/litert';
import { EdgebenchDeviceClient } from '../../../src/core/targets/serial/edgebench-protocol/client';
import { connectInMemory } from '../../../src/core/targets/serial/simulator/in-memory';
import { SimulatedBoard } from '../../../src/core/targets/serial/simulator/simulated-board';
import { RuntimeOptions } from '../../../src/shared/run-schema';

const root = join(import.meta.dirname, '..', '..', '..');
const floatPath = join(root, 'resources/models/demo-mnist.tflite');
const floatBytes = new Uint8Array(readFileSync(floatPath));
const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const labels = readFileSync(join(root, 'resources/datasets/demo-digits/labels.u8'));
const PIXELS = 28 * 28;
const CALIBRATION = 200;
const SHAPE = [1, 28, 28, 1];
const dir = mkdtempSync(join(tmpdir(), 'edgebench-litert-int8-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);
const calibration: CalibrationData = { inputs: Array.from({ length: CALIBRATION }, (_, i) => ({ input: { dims: SHAPE, data: digit(i) } })) };

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k += 1) if ((values[k] as number) > (values[best] as number)) best = k;
  return best;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

let int8Io: Uint8Array;
let uint8Io: Uint8Array;
let inputQ: { scale: number; zeroPoint: number };
beforeAll(async () => {
  int8Io = (await quantizeTfliteFullInt8(floatBytes, { mode: 'int8', io: 'int8', calibration })).bytes;
  uint8Io = (await quantizeTfliteFullInt8(floatBytes, { mode: 'int8', io: 'uint8', calibration })).bytes;
  const sg = decodeTfliteModel(int8Io, 'int8-io').subgraphs[0];
  const q = sg?.tensors[sg.inputs[0] as number]?.quantization;
  inputQ = { scale: q?.scale?.[0] as number, zeroPoint: q?.zeroPoint?.[0] as number };
}, 120_000);

/** Digit i quantized with the file's own input parameters, as a user of an int8-input model feeds it. */
const int8Digit = (i: number): Int8Array<ArrayBuffer> => Int8Array.from(digit(i), (v) => Math.max(-128, Math.min(127, Math.round(v / inputQ.scale) + inputQ.zeroPoint)));

async function withModel<T>(bytes: Uint8Array, name: string, use: (model: LiteRtModel) => Promise<T>): Promise<T> {
  const model = await openLiteRtModel(write(name, bytes), 1);
  try {
    return await use(model);
  } finally {
    model.compiled.delete();
  }
}

describe('int8 inputs and outputs in LiteRT.js through the uint8 adapter', () => {
  it('the adapted copy is the file plus a QUANTIZE at each boundary: uint8 outside, same scale, zero point + 128', () => {
    const original = decodeTfliteModel(int8Io, 'int8-io');
    const loadable = liteRtLoadable(int8Io, 'int8-io.tflite');
    expect(loadable.adapted).toEqual({ inputs: ['input'], outputs: ['logits'], reported: { inputs: ['input'], outputs: ['logits'] } });
    const copy = decodeTfliteModel(loadable.bytes, 'adapted');
    const [sg, was] = [copy.subgraphs[0], original.subgraphs[0]];
    if (sg === undefined || was === undefined) throw new Error('no subgraph');
    const opName = (op: (typeof sg.operators)[number]): string => builtinOperatorName(Math.max(copy.operatorCodes[op.opcodeIndex]?.builtinCode ?? 0, copy.operatorCodes[op.opcodeIndex]?.deprecatedBuiltinCode ?? 0));
    expect(sg.operators.map(opName)).toEqual(['QUANTIZE', 'CONV_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'QUANTIZE']);
    for (const [side, name] of [['inputs', 'input'], ['outputs', 'logits']] as const) {
      const outside = sg.tensors[sg[side][0] as number];
      const inside = was.tensors[was[side][0] as number];
      expect(outside?.name).toBe(name);
      expect(outside?.type).toBe(TensorType.UINT8);
      expect(inside?.type).toBe(TensorType.INT8);
      expect(outside?.quantization?.scale).toEqual(inside?.quantization?.scale);
      expect(outside?.quantization?.zeroPoint).toEqual([(inside?.quantization?.zeroPoint?.[0] as number) + 128]);
    }
    // A file without int8 inputs or outputs is loaded as it is.
    expect(liteRtLoadable(uint8Io, 'uint8-io.tflite')).toEqual({ bytes: uint8Io });
    expect(liteRtLoadable(floatBytes, 'float.tflite')).toEqual({ bytes: floatBytes });
  });

  it('bit-exact: the int8 outputs + 128 are the uint8-I/O file’s outputs, for the same digits', async () => {
    const viaAdapter = await withModel(int8Io, 'int8-io.tflite', async (model) => {
      expect(model.inputs).toEqual([{ name: 'input', dtype: 'int8', shape: SHAPE }]);
      expect(model.notes.join(' ')).toMatch(/^int8 input \(input\) fed through a uint8→int8 QUANTIZE adapter; int8 output \(logits\) read through an int8→uint8 QUANTIZE adapter: LiteRT\.js has no int8 tensors/i);
      const outs: Int8Array[] = [];
      for (let i = CALIBRATION; i < CALIBRATION + 100; i += 1) {
        const tensor = makeLiteRtTensor(model.library, 'input', 'int8', int8Digit(i), SHAPE);
        const [out] = await runLiteRtOnce(model, [tensor]);
        tensor.delete();
        expect(out).toBeInstanceOf(Int8Array);
        outs.push(out as Int8Array);
      }
      return outs;
    });
    const direct = await withModel(uint8Io, 'uint8-io.tflite', async (model) => {
      const outs: Uint8Array[] = [];
      for (let i = CALIBRATION; i < CALIBRATION + 100; i += 1) {
        const pixels = Uint8Array.from(int8Digit(i), (v) => v + 128);
        const tensor = new model.library.Tensor(pixels, SHAPE);
        outs.push((await runLiteRtOnce(model, [tensor]))[0] as Uint8Array);
        tensor.delete();
      }
      return outs;
    });
    expect(viaAdapter.map((out) => Array.from(out, (v) => v + 128))).toEqual(direct.map((out) => Array.from(out)));
    // Not a constant: the logits differ from digit to digit.
    expect(new Set(viaAdapter.map((out) => argmax(out))).size).toBeGreaterThan(5);
  }, 60_000);

  it('a model with a signature (LiteRT.js then reports the signature’s names) is adapted the same, with the same outputs', async () => {
    const model = decodeTfliteModel(int8Io, 'int8-io');
    const sg = model.subgraphs[0] as (typeof model.subgraphs)[number];
    model.signatureDefs = [{ inputs: [{ name: 'pixels', tensorIndex: sg.inputs[0] as number }], outputs: [{ name: 'scores', tensorIndex: sg.outputs[0] as number }], signatureKey: 'serving_default', subgraphIndex: 0 }];
    const signed = encodeTfliteModelFile(model);
    expect(liteRtLoadable(signed, 'signed.tflite').adapted?.reported).toEqual({ inputs: ['input', 'pixels'], outputs: ['logits', 'scores'] });
    const run = (bytes: Uint8Array, name: string): Promise<number[][]> =>
      withModel(bytes, name, async (loaded) => {
        expect(loaded.inputs.map((input) => input.dtype)).toEqual(['int8']);
        const outs: number[][] = [];
        for (let i = CALIBRATION; i < CALIBRATION + 20; i += 1) {
          const tensor = makeLiteRtTensor(loaded.library, 'x', 'int8', int8Digit(i), SHAPE);
          const [out] = await runLiteRtOnce(loaded, [tensor]);
          tensor.delete();
          expect(out).toBeInstanceOf(Int8Array);
          outs.push(Array.from(out as Int8Array));
        }
        return outs;
      });
    expect(await run(signed, 'signed.tflite')).toEqual(await run(int8Io, 'unsigned.tflite'));
  });

  it('int8 I/O runs in LiteRT with top-1 within 1 point of the float model on the 1,800 held-out digits', async () => {
    const floatTop1 = await withModel(floatBytes, 'float.tflite', async (model) => {
      let correct = 0;
      for (let i = CALIBRATION; i < 2000; i += 1) {
        const tensor = new model.library.Tensor(digit(i) as Float32Array<ArrayBuffer>, SHAPE);
        if (argmax((await runLiteRtOnce(model, [tensor]))[0] ?? []) === labels[i]) correct += 1;
        tensor.delete();
      }
      return correct / 1800;
    });
    const int8Top1 = await withModel(int8Io, 'int8-io.tflite', async (model) => {
      let correct = 0;
      for (let i = CALIBRATION; i < 2000; i += 1) {
        const tensor = makeLiteRtTensor(model.library, 'input', 'int8', int8Digit(i), SHAPE);
        if (argmax((await runLiteRtOnce(model, [tensor]))[0] ?? []) === labels[i]) correct += 1;
        tensor.delete();
      }
      return correct / 1800;
    });
    expect(floatTop1).toBeGreaterThan(0.95);
    expect(Math.abs(int8Top1 - floatTop1)).toBeLessThanOrEqual(0.01);
  }, 90_000);

  it('the runtime module plans int8 inputs, infers from float values (rounded to int8) and says it used the adapter', async () => {
    const loaded = await litertModule.load({ modelPath: write('module.tflite', int8Io), threads: 1, inputs: [], options: RuntimeOptions.parse({}) });
    try {
      expect(loaded.inputs.map((input) => [input.name, input.dtype])).toEqual([['input', 'int8']]);
      expect(loaded.notes?.join(' ')).toMatch(/int8 input \(input\) fed through a uint8→int8 QUANTIZE adapter; .* adapter: LiteRT\.js has no int8 tensors/i);
      await loaded.run();
      const i = CALIBRATION + 7;
      const { logits } = await loaded.infer({ input: { dims: SHAPE, data: Float32Array.from(int8Digit(i)) } });
      expect(argmax(logits?.data ?? [])).toBe(labels[i]);
      // Dequantizing is the caller's business: the values are the model's int8 logits.
      expect(Math.min(...(logits?.data ?? []))).toBeGreaterThanOrEqual(-128);
      expect(Math.max(...(logits?.data ?? []))).toBeLessThanOrEqual(127);
    } finally {
      await loaded.release();
    }
  });

  it('on the simulated board (serial protocol, in memory): int8 bytes in and out, top-1 within 1 point of float on 300 held-out digits, LiteRT’s outputs exactly', async () => {
    const board = new SimulatedBoard();
    const boardOutputs: Int8Array[] = [];
    let correct = 0;
    try {
      const client = new EdgebenchDeviceClient(connectInMemory(board).transport);
      await client.uploadModel(int8Io);
      for (let i = CALIBRATION; i < CALIBRATION + 300; i += 1) {
        const x = int8Digit(i);
        await client.setInput(0, new Uint8Array(x.buffer));
        await client.run({ warmup: 0, runs: 1 });
        const out = new Int8Array((await client.readOutput(0)).slice().buffer);
        boardOutputs.push(out);
        if (argmax(out) === labels[i]) correct += 1;
      }
      await client.close();
    } finally {
      await board.dispose();
    }
    const litert = await withModel(int8Io, 'int8-io-board.tflite', async (model) => {
      let floatCorrect = 0;
      const outs: Int8Array[] = [];
      for (let i = CALIBRATION; i < CALIBRATION + 300; i += 1) {
        const tensor = makeLiteRtTensor(model.library, 'input', 'int8', int8Digit(i), SHAPE);
        outs.push((await runLiteRtOnce(model, [tensor]))[0] as Int8Array);
        tensor.delete();
      }
      const floatModel = await openLiteRtModel(floatPath, 1);
      for (let i = CALIBRATION; i < CALIBRATION + 300; i += 1) {
        const tensor = new floatModel.library.Tensor(digit(i) as Float32Array<ArrayBuffer>, SHAPE);
        if (argmax((await runLiteRtOnce(floatModel, [tensor]))[0] ?? []) === labels[i]) floatCorrect += 1;
        tensor.delete();
      }
      floatModel.compiled.delete();
      return { outs, float: floatCorrect / 300 };
    });
    expect(boardOutputs.map((o) => Array.from(o))).toEqual(litert.outs.map((o) => Array.from(o)));
    expect(Math.abs(correct / 300 - litert.float)).toBeLessThanOrEqual(0.01);
  }, 90_000);
});
