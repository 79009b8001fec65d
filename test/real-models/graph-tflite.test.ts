/**
 * The model graph of real MediaPipe .tflite models against flatc's own decoding of them: flatc
 * (Debian's flatbuffers-compiler) turns each model into JSON with TFLite's schema.fbs
 * (scripts/schemas/tflite/schema.fbs, the file the studio's ids are generated from, but read here
 * by flatc, not through them), and numpy computes the weight statistics from that JSON's buffers
 * (test/real-models/independent/tflite_weight_stats.py).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelGraphFile } from '../../src/core/formats/graph/model-graph';
import { repoRoot } from '../helpers/run-cli';
import { DEBIAN_PYTHON } from './independent/onnx-readers';

const MODELS = [
  'node_modules/@mediapipe/face_detection/face_detection_short_range.tflite',
  'node_modules/@mediapipe/face_detection/face_detection_full_range_sparse.tflite',
  'node_modules/@mediapipe/hands/hand_landmark_lite.tflite',
  'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite',
].map((file) => path.join(repoRoot, file));

interface FlatcTensor {
  name?: string;
  shape?: number[];
  shape_signature?: number[];
  type?: string;
  buffer?: number;
  quantization?: { scale?: number[] };
  sparsity?: unknown;
}
interface FlatcModel {
  operator_codes: Array<{ deprecated_builtin_code?: number; builtin_code?: string; custom_code?: string }>;
  subgraphs: Array<{ tensors: FlatcTensor[]; operators: Array<{ opcode_index?: number; inputs?: number[]; outputs?: number[] }> }>;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'edgebench-graph-tflite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The schema as flatc 2.0.8 parses it: it cannot take `(deprecated)` after an enum value or union member (scripts/gen-tflite.mjs says the same). */
const schemaText = readFileSync(path.join(repoRoot, 'scripts/schemas/tflite/schema.fbs'), 'utf8');
const schema = path.join(work, 'schema.fbs');
writeFileSync(schema, schemaText.replace(/^(\s*[A-Za-z_]\w*(?:\s*=\s*-?\w+)?)\s*\(deprecated\)/gm, '$1'));

/** BuiltinOperator's names by value, from the schema's text. */
const builtinNames = new Map<number, string>();
const enumBody = /enum BuiltinOperator\s*:\s*int32\s*\{([^}]*)\}/.exec(schemaText)?.[1] ?? '';
for (const match of enumBody.matchAll(/^\s*([A-Z0-9_]+)\s*=\s*(\d+)/gm)) builtinNames.set(Number(match[2]), match[1] as string);
const builtinValues = new Map([...builtinNames].map(([value, name]) => [name, value]));

function flatcJson(model: string): FlatcModel {
  execFileSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', work, schema, '--', model], { stdio: 'pipe' });
  return JSON.parse(readFileSync(path.join(work, `${path.basename(model, '.tflite')}.json`), 'utf8')) as FlatcModel;
}

/** The op name TFLite gives an operator code: the larger of the two code fields (the schema's rule), or the custom code. */
function opName(code: FlatcModel['operator_codes'][number]): string {
  const builtin = Math.max(code.deprecated_builtin_code ?? 0, builtinValues.get(code.builtin_code ?? 'ADD') ?? 0);
  const name = builtinNames.get(builtin) ?? `BUILTIN_${builtin}`;
  return name === 'CUSTOM' ? (code.custom_code ?? 'CUSTOM') : name;
}

describe('the graph of real TFLite models agrees with flatc', () => {
  expect(builtinNames.get(3)).toBe('CONV_2D');

  it.each(MODELS.map((file) => [path.basename(file), file]))('%s: every operator, its tensors and their weight statistics', async (_name, file) => {
    const expected = flatcJson(file);
    const graph = await readModelGraphFile(file);
    const operators = expected.subgraphs.flatMap((subgraph, s) => subgraph.operators.map((operator) => ({ operator, s })));
    expect(graph.nodes).toHaveLength(operators.length);
    const names = expected.subgraphs.flatMap((subgraph) => subgraph.tensors.map((tensor) => tensor.name ?? ''));
    // These models name every tensor once, so each is keyed by its own name.
    expect(new Set(names).size).toBe(names.length);
    const statsByKey: Record<string, object> = JSON.parse(
      execFileSync(DEBIAN_PYTHON, [path.join(repoRoot, 'test/real-models/independent/tflite_weight_stats.py'), path.join(work, `${path.basename(file, '.tflite')}.json`)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
    );
    operators.forEach(({ operator, s }, index) => {
      const node = graph.nodes[index];
      const tensors = (expected.subgraphs[s] as FlatcModel['subgraphs'][number]).tensors;
      const name = (i: number) => (i < 0 ? '' : (tensors[i]?.name ?? ''));
      expect(node?.op).toBe(opName(expected.operator_codes[operator.opcode_index ?? 0] as FlatcModel['operator_codes'][number]));
      expect(node?.inputs).toEqual((operator.inputs ?? []).map(name));
      expect(node?.outputs).toEqual((operator.outputs ?? []).map(name));
      expect(node?.subgraph).toBe(s === 0 ? null : `subgraph_${s}`);
    });
    let weights = 0;
    expected.subgraphs.forEach((subgraph, s) => {
      subgraph.tensors.forEach((tensor, t) => {
        const ours = graph.tensors[tensor.name ?? ''];
        expect(ours?.dtype, tensor.name).toBe((tensor.type ?? 'FLOAT32').toLowerCase());
        const signature = tensor.shape_signature;
        expect(ours?.shape, tensor.name).toEqual((tensor.shape ?? []).map((dim, i) => (signature?.[i] === -1 || dim < 0 ? null : dim)));
        expect(ours?.quantized, tensor.name).toBe((tensor.quantization?.scale?.length ?? 0) > 0);
        const numpy = statsByKey[`${s}:${t}`] as Record<string, number> | undefined;
        if (numpy === undefined) {
          if (tensor.sparsity === undefined) expect(ours?.stats, tensor.name).toBeUndefined();
          return;
        }
        weights += 1;
        expect(ours?.role, tensor.name).toBe('weight');
        const stats = ours?.stats as Record<string, number>;
        expect(stats.elements).toBe(numpy.elements);
        for (const key of ['min', 'max', 'mean', 'std', 'zeroShare']) expect(stats[key], `${tensor.name} ${key}`).toBeCloseTo(numpy[key] as number, 5);
      });
    });
    expect(weights).toBeGreaterThan(0);
  });

  it('a model with sparse weights says they have no statistics', async () => {
    const graph = await readModelGraphFile(MODELS[1] as string);
    expect(graph.notes.join(' ')).toMatch(/weight\(s\) are stored sparse .* they have no statistics/);
  });

  it('a Conv2D reads its options as the schema names them', async () => {
    const graph = await readModelGraphFile(MODELS[0] as string);
    const conv = graph.nodes.find((node) => node.op === 'CONV_2D');
    expect(conv?.attributes).toMatchObject({ options: 'Conv2DOptions', padding: expect.stringMatching(/^(SAME|VALID)$/), stride_w: expect.stringMatching(/^\d+$/), fused_activation_function: expect.any(String) });
  });
});
