import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { convertOnnxToTflite } from '../../../src/core/convert/onnx-to-tflite';
import { compareOutputs } from '../../../src/core/convert/parity';
import { decodeModelProto, encodeModelProto } from '../../../src/core/formats/onnx/onnx-codec';
import { openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';
import { seededUniform, transposeChannels } from '../../../src/core/convert/tflite-parity';

const root = join(import.meta.dirname, '..', '..', '..');

describe('ONNX → TFLite', () => {
  test('the demo MNIST ONNX converts, takes NHWC input, and matches onnxruntime (cosine ≥ 0.999)', async () => {
    const onnxBytes = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.onnx')));
    const converted = convertOnnxToTflite(decodeModelProto(onnxBytes), { fileName: 'demo-mnist.onnx' });
    expect(converted.report.notes.some((n) => n.includes('NHWC [1, 28, 28, 1]'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'q2-convert-'));
    const path = join(dir, 'demo.tflite');
    writeFileSync(path, converted.bytes);

    const session = await ort.InferenceSession.create(onnxBytes);
    const model = await openLiteRtModel(path, 1);
    expect(model.inputs[0]?.shape).toEqual([1, 28, 28, 1]);
    for (const seed of [1, 2, 3]) {
      const x = seededUniform(28 * 28, seed);
      const ref = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
      const refOut = ref[session.outputNames[0]!]!;
      const [got] = await runLiteRtOnce(model.compiled, [new model.library.Tensor(transposeChannels(x, [1, 1, 28, 28], true), [1, 28, 28, 1])]);
      const parity = compareOutputs(
        [{ data: refOut.data as Float32Array, dims: refOut.dims.map(Number) }],
        [{ name: 'logits', data: Float32Array.from(got as Float32Array), dims: [1, 10] }],
        { reference: 'onnxruntime', test: 'LiteRT' },
      );
      expect(parity.outputs[0]!.cosine).toBeGreaterThanOrEqual(0.999);
      expect(parity.ok).toBe(true);
    }
    // Re-encoding the ONNX with a node the converter does not know names that node.
    const broken = decodeModelProto(onnxBytes);
    broken.graph!.node[1]!.opType = 'NonMaxSuppression';
    expect(() => convertOnnxToTflite(decodeModelProto(encodeModelProto(broken)))).toThrow(/Node 'relu1' \(op NonMaxSuppression\) has no TFLite conversion/);
  });
});

describe('edgebench convert --to tflite', () => {
  test('converts the demo, prints the NHWC note and the parity verdict, and refuses a non-ONNX file', async () => {
    const { convertCommand } = await import('../../../src/cli/commands/convert');
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } as unknown as Parameters<typeof convertCommand>[1];
    const out = join(mkdtempSync(join(tmpdir(), 'q2-cli-')), 'demo.tflite');
    expect(await convertCommand([join(root, 'resources/models/demo-mnist.onnx'), '--to', 'tflite', '--out', out], io)).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/takes it NHWC \[1, 28, 28, 1\]/);
    expect(text).toMatch(/Parity \(LiteRT .* against onnxruntime .*\): ok/);
    expect(readFileSync(out).subarray(4, 8).toString()).toBe('TFL3');
    await expect(convertCommand([join(root, 'README.md'), '--to', 'tflite'], io)).rejects.toThrow(/converts an ONNX file \(\.onnx\); 'README.md' is not one/);
  });
});
