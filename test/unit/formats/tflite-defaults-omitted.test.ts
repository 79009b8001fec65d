/**
 * The TFLite encoder (tflite-codec.ts) leaves out scalars equal to their schema default, as
 * TFLite's converter does, and writes equal vectors and tables once. Every hand-written reader of
 * the project must then read an absent field as its default: checked on the demo model as the
 * studio's first writer wrote it (defaults such as dilation 1 present: resources/models/demo-mnist.tflite) and a MediaPipe
 * model as TFLite's converter wrote it, each re-encoded, with every reader's answer unchanged
 * (model info, graph, TFLM arena plan and fit, the simulated board's op costs), and LiteRT's
 * outputs unchanged; and on a model built here whose defaults are not zero (op version 1,
 * dilation 1, debug_metadata_index −1, ADD's pot_scale_int16 true), which flatc reads back with
 * those defaults although the bytes leave them out.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTfliteGraph } from '../../../src/core/formats/graph/tflite-graph';
import { builtinOptions, decodeTfliteModel, encodeTfliteModelFile, opcodeIndex, type TfliteModel } from '../../../src/core/formats/tflite/tflite-model';
import { readTflite } from '../../../src/core/formats/tflite/tflite-reader';
import { BuiltinOperator, BuiltinOptions, TensorType } from '../../../src/core/formats/tflite/tflite-schema';
import { openLiteRtModel, runLiteRtOnce } from '../../../src/core/runner/runtimes/litert';
import { estimateArena, scanForTflm } from '../../../src/core/targets/serial/fit-estimate';
import { simulatedOpCosts } from '../../../src/core/targets/serial/simulator/op-cost';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'edgebench-tflite-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// flatc 2.0.8 cannot parse two `(deprecated)` attributes of this schema (see tflite-model.test.ts).
const schema = join(dir, 'schema.fbs');
writeFileSync(
  schema,
  readFileSync(join(root, 'scripts/schemas/tflite/schema.fbs'), 'utf8')
    .replace(/(REDUCE_WINDOW = 205)\s*\(deprecated\)/, '$1')
    .replace(/^(\s*ReduceWindowOptions)\s*\(deprecated\),/m, '$1,'),
);

function flatc(bytes: Uint8Array, name: string, defaults: boolean): Record<string, unknown> {
  const file = join(dir, `${name}.tflite`);
  writeFileSync(file, bytes);
  execFileSync('flatc', ['--json', '--strict-json', ...(defaults ? ['--defaults-json'] : []), '--raw-binary', '-o', dir, schema, '--', file], { stdio: 'pipe' });
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

const reencode = (bytes: Uint8Array): Uint8Array => encodeTfliteModelFile(decodeTfliteModel(bytes, 'm.tflite'));

/** What every hand-written reader says of a file, without what depends on its size in bytes. */
function readers(bytes: Uint8Array): unknown {
  const file = { name: 'm.tflite', data: bytes };
  const info = readTflite(file);
  const graph = readTfliteGraph({ main: file, companions: new Map() });
  const { modelBytes: _size, ...arena } = estimateArena(bytes, 'm.tflite');
  return { info, graph, arena, scan: scanForTflm(bytes, 'm.tflite'), opCosts: simulatedOpCosts(bytes, 'm.tflite') };
}

describe('TFLite files without default scalars', () => {
  for (const [label, path] of [
    ['the demo as the studio’s first writer wrote it (dilation 1, type FLOAT32 and other defaults present)', 'resources/models/demo-mnist.tflite'],
    ['face_detection_short_range as TFLite’s converter wrote it', 'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite'],
  ] as const) {
    it(`${label}: re-encoded, every reader says the same and flatc reads the same model`, () => {
      const original = new Uint8Array(readFileSync(join(root, path)));
      const again = reencode(original);
      expect(readers(again)).toEqual(readers(original));
      expect(flatc(again, 'again', true)).toEqual(flatc(original, 'original', true));
      expect(again.byteLength).toBeLessThanOrEqual(original.byteLength);
    });
  }

  it('the demo re-encoded gives LiteRT’s outputs bit for bit', async () => {
    const original = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite')));
    const samples = readFileSync(join(root, 'resources/datasets/demo-digits/samples.u8'));
    const outputs = async (bytes: Uint8Array, name: string): Promise<number[][]> => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const model = await openLiteRtModel(file, 1);
      const out: number[][] = [];
      for (let i = 0; i < 20; i += 1) {
        const tensor = new model.library.Tensor(Float32Array.from(samples.subarray(i * 784, (i + 1) * 784), (v) => v / 255), [1, 28, 28, 1]);
        out.push(Array.from((await runLiteRtOnce(model, [tensor]))[0] as Float32Array));
        tensor.delete();
      }
      model.compiled.delete();
      return out;
    };
    expect(await outputs(reencode(original), 'again.tflite')).toEqual(await outputs(original, 'original.tflite'));
  });

  it('defaults that are not zero are left out of the bytes and read back as the schema says, by flatc and by the project’s readers', () => {
    // x → CONV_2D (dilation 1, the default) → ADD (pot_scale_int16 true, the default) with itself.
    const weights = new Float32Array(2 * 3 * 3 * 1).fill(0.5);
    const model: TfliteModel = {
      version: 3,
      operatorCodes: [],
      buffers: [{ offset: 0, size: 0 }, { data: new Uint8Array(weights.buffer), offset: 0, size: 0 }],
      subgraphs: [{
        tensors: [
          { name: 'x', shape: [1, 5, 5, 1], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true },
          { name: 'w', shape: [2, 3, 3, 1], type: TensorType.FLOAT32, buffer: 1, isVariable: false, hasRank: true },
          { name: 'conv', shape: [1, 5, 5, 2], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true },
          { name: 'sum', shape: [1, 5, 5, 2], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true },
        ],
        inputs: [0],
        outputs: [3],
        operators: [],
      }],
    };
    const sg = model.subgraphs[0] as TfliteModel['subgraphs'][number];
    sg.operators.push(
      { opcodeIndex: opcodeIndex(model, BuiltinOperator.CONV_2D, 1), inputs: [0, 1, -1], outputs: [2], builtinOptionsType: BuiltinOptions.Conv2DOptions, builtinOptions: builtinOptions('Conv2DOptions', { strideW: 1, strideH: 1 }), debugMetadataIndex: -1 },
      { opcodeIndex: opcodeIndex(model, BuiltinOperator.ADD, 1), inputs: [2, 2], outputs: [3], builtinOptionsType: BuiltinOptions.AddOptions, builtinOptions: builtinOptions('AddOptions'), debugMetadataIndex: -1 },
    );
    const bytes = encodeTfliteModelFile(model);
    type Json = { operator_codes: Array<Record<string, unknown>>; subgraphs: Array<{ operators: Array<Record<string, unknown> & { builtin_options: Record<string, unknown> }>; tensors: Array<Record<string, unknown>> }> };
    const bare = flatc(bytes, 'bare', false) as Json;
    const full = flatc(bytes, 'full', true) as Json;
    // Absent from the bytes ...
    expect(bare.operator_codes.map((code) => code.version)).toEqual([undefined, undefined]);
    expect(bare.subgraphs[0]?.operators[0]?.builtin_options).not.toHaveProperty('dilation_w_factor');
    expect(bare.subgraphs[0]?.operators[1]?.builtin_options).not.toHaveProperty('pot_scale_int16');
    expect(bare.subgraphs[0]?.operators[0]).not.toHaveProperty('debug_metadata_index');
    expect(bare.subgraphs[0]?.tensors[0]).not.toHaveProperty('type');
    // ... and read as the schema's defaults.
    expect(full.operator_codes.map((code) => [code.builtin_code, code.version])).toEqual([['CONV_2D', 1], ['ADD', 1]]);
    expect(full.subgraphs[0]?.operators[0]?.builtin_options).toMatchObject({ dilation_w_factor: 1, dilation_h_factor: 1, stride_w: 1 });
    expect(full.subgraphs[0]?.operators[1]?.builtin_options).toMatchObject({ pot_scale_int16: true });
    expect(full.subgraphs[0]?.operators[0]).toMatchObject({ debug_metadata_index: -1 });
    expect(full.subgraphs[0]?.tensors[0]).toMatchObject({ type: 'FLOAT32', buffer: 0 });
    // The codec, the graph reader and the model-info reader agree.
    const decoded = decodeTfliteModel(bytes, 'built.tflite');
    expect(decoded.operatorCodes.map((code) => code.version)).toEqual([1, 1]);
    expect(decoded.subgraphs[0]?.operators[0]?.builtinOptions).toMatchObject({ dilationWFactor: 1, dilationHFactor: 1 });
    expect(decoded.subgraphs[0]?.operators[1]?.builtinOptions).toMatchObject({ potScaleInt16: true });
    expect(decoded.subgraphs[0]?.operators[0]?.debugMetadataIndex).toBe(-1);
    const graph = readTfliteGraph({ main: { name: 'built.tflite', data: bytes }, companions: new Map() });
    expect(graph.nodes.find((node) => node.op === 'CONV_2D')?.attributes).toMatchObject({ dilation_w_factor: '1', dilation_h_factor: '1' });
    expect(readTflite({ name: 'built.tflite', data: bytes }).inputs).toEqual([expect.objectContaining({ name: 'x', dtype: 'float32', shape: [1, 5, 5, 1] })]);
  });

  it('equal vectors and tables are written once: the demo’s int8 zero points and shapes, conv options', () => {
    const original = new Uint8Array(readFileSync(join(root, 'resources/models/demo-mnist.tflite')));
    const model = decodeTfliteModel(original, 'demo.tflite');
    const once = encodeTfliteModelFile(model).byteLength;
    // A second tensor with the same shape, quantization and buffer as the input costs its own table only.
    const sg = model.subgraphs[0] as TfliteModel['subgraphs'][number];
    sg.tensors.push({ ...(sg.tensors[0] as TfliteModel['subgraphs'][number]['tensors'][number]), name: 'twin' });
    expect(encodeTfliteModelFile(model).byteLength - once).toBeLessThanOrEqual(40);
  });
});
