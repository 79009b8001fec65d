/**
 * The whole path issue 14 promises, in one test: a small PyTorch model defined here → ONNX by
 * Debian's python3-torch (the user's own Python; the parity check against torch) → TFLite by the
 * studio's converter (parity against onnxruntime) → full int8 with uint8 inputs and outputs,
 * calibrated on demo digits → the simulated board over the serial protocol, whose outputs equal
 * LiteRT's for the same int8 file. (uint8 I/O because LiteRT.js, which the simulated board runs,
 * refuses int8 input tensors: see convert-tflite-int8.test.ts.) Under CI=true a missing torch
 * fails by name.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { convertOnnxToTflite } from '../../src/core/convert/onnx-to-tflite';
import { checkTfliteParity } from '../../src/core/convert/tflite-parity';
import { meanCosineSimilarity } from '../../src/core/eval/metrics';
import { decodeModelProto } from '../../src/core/formats/onnx/onnx-codec';
import { decodeTfliteModel } from '../../src/core/formats/tflite/tflite-model';
import { exportPytorchToOnnx } from '../../src/core/pytorch/export-pytorch';
import type { CalibrationData } from '../../src/core/quantize/recipe';
import { quantizeTfliteFullInt8 } from '../../src/core/quantize-tflite/full-int8';
import { openLiteRtModel } from '../../src/core/runner/runtimes/litert';
import { EdgebenchDeviceClient } from '../../src/core/targets/serial/edgebench-protocol/client';
import { connectInMemory } from '../../src/core/targets/serial/simulator/in-memory';
import { SimulatedBoard } from '../../src/core/targets/serial/simulator/simulated-board';
import { PYTHON } from './python-runner/python-env';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'edgebench-pytorch-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A digit classifier as a user would write it; its weights are torch's seeded initialisation (untrained). */
const DIGIT_NET = `
import torch
torch.manual_seed(0)
class DigitNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, stride=2, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = torch.nn.Linear(16 * 7 * 7, 10)
    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))
def example_inputs():
    return (torch.rand(1, 1, 28, 28),)
`;

const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
const PIXELS = 28 * 28;
const digit = (i: number): Float32Array => Float32Array.from(samples.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255);

function ioParams(bytes: Uint8Array, which: 'inputs' | 'outputs'): { scale: number; zeroPoint: number } {
  const sg = decodeTfliteModel(bytes, 'm').subgraphs[0]!;
  const q = sg.tensors[sg[which][0]!]!.quantization;
  return { scale: q?.scale?.[0] ?? 1, zeroPoint: q?.zeroPoint?.[0] ?? 0 };
}
const toUint8 = (x: Float32Array, q: { scale: number; zeroPoint: number }): Uint8Array<ArrayBuffer> => Uint8Array.from(x, (v) => Math.max(0, Math.min(255, Math.round(v / q.scale) + q.zeroPoint)));
const dequantize = (values: Uint8Array, q: { scale: number; zeroPoint: number }): Float32Array => Float32Array.from(values, (v) => (v - q.zeroPoint) * q.scale);

describe('PyTorch → ONNX → TFLite → int8 → simulated board', () => {
  test('a model defined in the test reaches the board, each step checked against the one before', async () => {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' }); // python3-torch is installed (.ci/run)
    const source = join(dir, 'digit_net.py');
    writeFileSync(source, DIGIT_NET);

    // 1. PyTorch → ONNX with the user's own Python; sizes from example_inputs().
    const onnxPath = join(dir, 'digit_net.onnx');
    const exported = await exportPytorchToOnnx({ source, out: onnxPath, inputShapes: [], python: PYTHON });
    expect(exported.inputsFrom).toMatch(/example_inputs/);
    expect(exported.parity.ok).toBe(true);

    // 2. ONNX → TFLite, NHWC input, parity against onnxruntime.
    const onnxBytes = new Uint8Array(readFileSync(onnxPath));
    const converted = convertOnnxToTflite(decodeModelProto(onnxBytes), { fileName: 'digit_net.onnx' });
    const floatPath = join(dir, 'digit_net.tflite');
    writeFileSync(floatPath, converted.bytes);
    const parity = await checkTfliteParity(onnxBytes, floatPath, converted.inputs, converted.outputs);
    expect(parity.outputs[0]!.cosine).toBeGreaterThanOrEqual(0.999);

    // 3. Full int8, uint8 I/O, calibrated on 100 demo digits (NHWC [1, 28, 28, 1] is the same bytes as NCHW for one channel).
    const inputName = converted.inputs[0]!.name;
    const calibration: CalibrationData = { inputs: Array.from({ length: 100 }, (_, i) => ({ [inputName]: { dims: [1, 28, 28, 1], data: digit(i) } })) };
    const int8 = await quantizeTfliteFullInt8(converted.bytes, { mode: 'int8', io: 'uint8', calibration });
    expect(int8.bytes.byteLength).toBeLessThan(converted.bytes.byteLength * 0.4);
    const int8Path = join(dir, 'digit_net.int8.tflite');
    writeFileSync(int8Path, int8.bytes);

    // LiteRT: float and int8 on 20 other digits; the int8 model's dequantized logits follow the float ones.
    const qin = ioParams(int8.bytes, 'inputs');
    const qout = ioParams(int8.bytes, 'outputs');
    const heldOut = Array.from({ length: 20 }, (_, i) => digit(500 + i));
    const run = async (path: string, quantized: boolean): Promise<Float32Array[]> => {
      const model = await openLiteRtModel(path, 1);
      try {
        const outs: Float32Array[] = [];
        for (const x of heldOut) {
          const tensor = new model.library.Tensor(quantized ? toUint8(x, qin) : Float32Array.from(x), [1, 28, 28, 1]);
          const [output] = await model.compiled.run([tensor]);
          tensor.delete();
          const values = output?.toTypedArray() as Float32Array | Uint8Array;
          output?.delete();
          outs.push(values instanceof Uint8Array ? dequantize(values, qout) : Float32Array.from(values));
        }
        return outs;
      } finally {
        model.compiled.delete();
      }
    };
    const float = await run(floatPath, false);
    const quantized = await run(int8Path, true);
    const all = (xs: Float32Array[]): Float32Array => Float32Array.from(xs.flatMap((x) => Array.from(x)));
    expect(meanCosineSimilarity(all(float), all(quantized), heldOut.length)).toBeGreaterThanOrEqual(0.98);

    // 4. The simulated board (labelled a simulation: LiteRT behind the serial protocol) gives LiteRT's int8 outputs.
    const board = new SimulatedBoard({ slowdown: 10 });
    try {
      const client = new EdgebenchDeviceClient(connectInMemory(board).transport);
      await client.uploadModel(int8.bytes);
      for (let i = 0; i < 5; i++) {
        await client.setInput(0, toUint8(heldOut[i]!, qin));
        await client.run({ warmup: 0, runs: 1 });
        const out = dequantize(new Uint8Array(await client.readOutput(0)), qout);
        expect(Array.from(out), `digit ${500 + i}`).toEqual(Array.from(quantized[i]!));
      }
      await client.close();
    } finally {
      await board.dispose();
    }
  }, 240_000);
});
