/**
 * Full-integer quantization of a float TFLite model (issue 14 item 1), following TFLite's 8-bit
 * quantization specification: int8 weights (per channel for convolutions), int8 activations
 * calibrated on representative samples, int32 biases, and int8, uint8 or float inputs and outputs.
 *
 * Steps: decode (tflite-model.ts) → decode sparse weights behind DENSIFY (densify.ts) → fold
 * float16 weights behind DEQUANTIZE → refuse every op
 * without an int8 kernel, naming each → calibrate in a worker (calibrate-tflite.ts) → rewrite
 * (full-int8-rewrite.ts) → encode. Beyond the spec, the options choose per-channel
 * FULLY_CONNECTED weights (off by default: older TFLite and TFLite Micro kernels take per-tensor
 * only), bias correction (on by default) and percentile ranges (min/max by default, as TFLite's
 * converter; entropy is refused, see below). Full integer has no float islands: a model with one op that
 * cannot be int8 is refused, not half quantized.
 */
import { decodeTfliteModel, encodeTfliteModelFile, type TfliteModel, type TfliteOperator } from '../formats/tflite/tflite-model';
import { builtinCodeOf } from '../formats/tflite/tflite-model';
import { builtinOperatorName, BuiltinOperator, TensorType } from '../formats/tflite/tflite-schema';
import { DEFAULT_PERCENTILE } from '../quantize/recipe';
import { calibrateTflite } from './calibrate-tflite';
import { foldDensify } from './densify';
import { foldFloat16Dequantize } from './float-weights';
import { rewriteFullInt8, type WeightChoices } from './full-int8-rewrite';
import { INT8_OP_RULES, refusalReason } from './int8-op-rules';
import { TfliteQuantRefusal, type QuantizeTfliteFullInt8, type TfliteOpNote, type TfliteQuantOptions, type TfliteQuantResult } from './types';

const ALTERNATIVE = 'quantize it with --mode dynamic or --mode fp16 instead (those keep such ops float)';

function opName(model: TfliteModel, op: TfliteOperator): string {
  const code = model.operatorCodes[op.opcodeIndex];
  if (code === undefined) return `opcode ${op.opcodeIndex}`;
  const builtin = builtinCodeOf(code);
  return builtin === BuiltinOperator.CUSTOM ? (code.customCode ?? 'CUSTOM') : builtinOperatorName(builtin);
}

/** Every operator that makes full-integer mode refuse, with its index in the file as given. */
function unsupportedOps(model: TfliteModel, original: WeakMap<TfliteOperator, number>): TfliteOpNote[] {
  const notes: TfliteOpNote[] = [];
  const subgraph = model.subgraphs[0];
  // A DEQUANTIZE of what a refused op computes (DENSIFY's float16 output) is not named again.
  const refusedOutputs = new Set<number>();
  for (const op of subgraph?.operators ?? []) {
    const code = model.operatorCodes[op.opcodeIndex];
    const builtin = code === undefined ? -1 : builtinCodeOf(code);
    const reason = refusalReason(builtin, code?.customCode);
    if (reason === undefined) continue;
    for (const t of op.outputs) refusedOutputs.add(t);
    if (builtin === BuiltinOperator.DEQUANTIZE && refusedOutputs.has(op.inputs[0] ?? -1)) continue;
    notes.push({ op: original.get(op) ?? -1, opName: opName(model, op), reason });
  }
  return notes;
}

/** Tensors whose type full-integer mode cannot start from (already quantized, or float16/64 activations). */
function alreadyQuantized(model: TfliteModel): boolean {
  return (model.subgraphs[0]?.tensors ?? []).some((t) => t.type === TensorType.INT8 || (t.type === TensorType.UINT8 && (t.quantization?.scale?.length ?? 0) > 0));
}

/** "DENSIFY at ops 8, 16 and 26 (why)", one clause per kind of op, at most 10 indices each. */
function describeOps(ops: TfliteOpNote[]): string {
  const byKind = new Map<string, TfliteOpNote[]>();
  for (const o of ops) byKind.set(`${o.opName}\u0000${o.reason}`, [...(byKind.get(`${o.opName}\u0000${o.reason}`) ?? []), o]);
  return [...byKind.values()]
    .map((group) => {
      const first = group[0] as TfliteOpNote;
      const indices = group.slice(0, 10).map((o) => o.op).join(', ');
      const more = group.length > 10 ? ` and ${group.length - 10} more` : '';
      return `${first.opName} at op${group.length === 1 ? '' : 's'} ${indices}${more} (${first.reason})`;
    })
    .join('; ');
}

function rangeWords(choices: WeightChoices): string {
  if (choices.method === 'percentile') return `the ${choices.percentile}th percentile range (tails beyond it clipped)`;
  return 'the min/max';
}

function notesFor(model: TfliteModel, options: Parameters<QuantizeTfliteFullInt8>[1], folded: number, samples: number): string[] {
  const choices = weightChoices(options);
  const present = new Set((model.subgraphs[0]?.operators ?? []).map((op) => opName(model, op)));
  const notes = [
    choices.perChannelDense
      ? 'Weights are int8 symmetric (zero point 0, range [-127, 127]): per channel for CONV_2D (axis 0), DEPTHWISE_CONV_2D (axis 3) and FULLY_CONNECTED (axis 0; TFLite 2.15+ and recent TFLite Micro kernels take it, older ones refuse it); biases are int32 with scale input scale × weight scale.'
      : 'Weights are int8 symmetric (zero point 0, range [-127, 127]): per channel for CONV_2D (axis 0) and DEPTHWISE_CONV_2D (axis 3), per tensor for the others; biases are int32 with scale input scale × weight scale.',
    `Activations are int8 per tensor, asymmetric, over ${rangeWords(choices)} of ${samples} calibration sample${samples === 1 ? '' : 's'}, each range widened to include 0.`,
  ];
  if (choices.biasCorrection) notes.push(`Biases are corrected for the mean error of the int8 weights on the ${samples} calibration sample${samples === 1 ? '' : 's'} (each bias absorbs the weights' rounding error times its input channels' mean); with few or unrepresentative samples this can add error instead.`);
  if (options.io === undefined) notes.push('Inputs and outputs stay float (the default): a QUANTIZE op follows each input and a DEQUANTIZE op precedes each output.');
  if (options.io === 'uint8') notes.push('uint8 inputs and outputs have the int8 scale and zero point + 128; QUANTIZE ops convert between them and the int8 graph.');
  if (folded > 0) notes.push(`${folded} float16 weight tensor${folded === 1 ? '' : 's'} behind DEQUANTIZE ops ${folded === 1 ? 'was' : 'were'} folded to float32 before quantizing.`);
  const fixedOps = [...present].filter((name) => ['LOGISTIC', 'SOFTMAX', 'TANH', 'L2_NORMALIZATION', 'LOG_SOFTMAX'].includes(name));
  if (fixedOps.length > 0) notes.push(`${fixedOps.join(', ')} outputs have the scale and zero point the spec fixes (1/256 and -128 for LOGISTIC and SOFTMAX, 1/128 and 0 for TANH and L2_NORMALIZATION).`);
  const sharing = [...present].filter((name) => {
    const builtin = (BuiltinOperator as Record<string, number>)[name];
    return builtin !== undefined && INT8_OP_RULES.get(builtin)?.output.kind === 'shared';
  });
  if (sharing.length > 0) notes.push(`${sharing.join(', ')} share one scale and zero point between their inputs and outputs, as the spec requires.`);
  return notes;
}

/** The weight choices the options leave open, with their defaults (see TfliteQuantOptions). */
export function weightChoices(options: Pick<TfliteQuantOptions, 'denseWeights' | 'biasCorrection' | 'calibrationMethod' | 'percentile'>): WeightChoices {
  return {
    method: options.calibrationMethod ?? 'minmax',
    percentile: options.percentile ?? DEFAULT_PERCENTILE,
    perChannelDense: options.denseWeights === 'per-channel',
    biasCorrection: options.biasCorrection ?? true,
  };
}

/** The data input of every op with weights: what bias correction needs the channel means of. */
function weightedOpInputs(model: TfliteModel): number[] {
  return (model.subgraphs[0]?.operators ?? []).flatMap((op) => {
    const code = model.operatorCodes[op.opcodeIndex];
    return code !== undefined && INT8_OP_RULES.get(builtinCodeOf(code))?.weight ? [op.inputs[0] ?? -1] : [];
  });
}

export const quantizeTfliteFullInt8: QuantizeTfliteFullInt8 = async (bytes, options): Promise<TfliteQuantResult> => {
  const model = decodeTfliteModel(bytes, 'model.tflite');
  const io = options.io ?? 'float';
  if (model.subgraphs.length !== 1) {
    throw new TfliteQuantRefusal(`The model has ${model.subgraphs.length} subgraphs (control flow); full-integer mode quantizes single-subgraph models only: ${ALTERNATIVE}.`);
  }
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) throw new TfliteQuantRefusal('The model has no subgraph; re-export it.');
  if (alreadyQuantized(model)) throw new TfliteQuantRefusal('The model already has int8 or quantized uint8 tensors; full-integer mode starts from a float model: give the float .tflite.');
  if (options.exclude !== undefined && options.exclude.length > 0) {
    throw new TfliteQuantRefusal(`Full-integer mode has no float islands, so it cannot keep ${options.exclude.join(', ')} float; drop the exclusions or ${ALTERNATIVE}.`);
  }
  const original = new WeakMap<TfliteOperator, number>(subgraph.operators.map((op, i) => [op, i]));
  const densified = foldDensify(model);
  const operatorsBefore = subgraph.operators.length;
  foldFloat16Dequantize(model);
  const folded = operatorsBefore - subgraph.operators.length;
  const refused = unsupportedOps(model, original);
  if (refused.length > 0) {
    throw new TfliteQuantRefusal(`Full-integer mode cannot quantize ${refused.length === 1 ? 'this operator' : `these ${refused.length} operators`}: ${describeOps(refused)}; ${ALTERNATIVE}.`, refused);
  }
  if (options.calibrationMethod === 'entropy') {
    // Measured: on PaddleOCR's converted detector, entropy ranges zeroed the output; not offered until understood.
    throw new TfliteQuantRefusal('Entropy calibration is not offered for TFLite full-integer mode (it broke a real detector model in our checks); use --method minmax (the default) or --method percentile.');
  }
  const samples = options.calibration?.inputs.length ?? 0;
  if (options.calibration === undefined || samples === 0) {
    throw new TfliteQuantRefusal('Full-integer mode needs representative samples to calibrate activation ranges: give a calibration dataset (--calibration DATASET in the CLI, the Calibration dataset field in the studio).');
  }
  const choices = weightChoices(options);
  const stats = await calibrateTflite(model, options.calibration, {
    ...(choices.biasCorrection ? { channelMeansOf: weightedOpInputs(model) } : {}),
    method: choices.method,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (done, total) => options.onProgress?.({ stage: 'calibrate', done, total }),
  });
  options.signal?.throwIfAborted();
  const ops = subgraph.operators.map((op): TfliteOpNote => ({ op: original.get(op) ?? -1, opName: opName(model, op), reason: 'int8 kernel' }));
  options.onProgress?.({ stage: 'quantize', done: 0, total: 1 });
  const notes = notesFor(model, options, folded, samples);
  if (densified > 0) notes.push(`${densified} sparse weight tensor${densified === 1 ? '' : 's'} behind DENSIFY ops ${densified === 1 ? 'was' : 'were'} decoded to dense before quantizing (the int8 file stores them dense).`);
  rewriteFullInt8(model, stats, io, choices);
  // The description is the file's producer (what inspect shows): this file is the quantizer's, as
  // a TFLite converter names itself there, and the float model's description goes with the float file.
  model.description = 'Quantized to full int8 by EdgeBench Studio';
  const out = encodeTfliteModelFile(model);
  options.onProgress?.({ stage: 'quantize', done: 1, total: 1 });
  return { bytes: out, mode: 'int8', io, quantizedOps: ops, keptFloat: [], calibrationSamples: samples, notes };
};
