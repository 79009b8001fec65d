/**
 * The full-integer rewrite of a float TFLite subgraph, once calibration has given every float
 * activation its [min, max]: activation parameters (int8 asymmetric per tensor, shared where the
 * spec says inputs and outputs share, fixed where it sets them), weights and biases per
 * int8-op-rules.ts, then the model's inputs and outputs as the `io` option asks.
 *
 * The arithmetic is the ONNX quantizer's (src/core/quantize): weights through quantizeWeight,
 * activation scale and zero point through activationParams. int8 asymmetric is uint8 asymmetric
 * moved down by 128 (same scale, zero point − 128), which is how the spec's [-128, 127] range
 * relates to the uint8 one, so the one implementation serves both.
 */
import { StudioError } from '../../shared/errors';
import {
  addBuffer,
  builtinCodeOf,
  type FlatTable,
  opcodeIndex,
  tensorBytes,
  type TfliteModel,
  type TfliteOperator,
  type TfliteQuantization,
  type TfliteSubGraph,
  type TfliteTensor,
} from '../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../formats/tflite/tflite-schema';
import { roundHalfEven } from '../quantize/graph';
import { activationParams, computeRange, type TensorStats } from '../quantize/ranges';
import type { CalibrationMethod } from '../quantize/recipe';
import { quantizeWeight, type QuantizedWeight } from '../quantize/weights';
import type { TfliteTensorStats } from './calibrate-tflite';
import { dropUnreadBuffers, floatConstant } from './float-weights';
import { INT8_OP_RULES, type Int8OpRule } from './int8-op-rules';
import { TfliteQuantRefusal, type TfliteIoType } from './types';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** int8 asymmetric parameters for a range (widened to include 0 by activationParams). */
export function int8Params(min: number, max: number): QuantParams {
  const { scale, zeroPoint } = activationParams([min, max], false);
  return { scale, zeroPoint: zeroPoint - 128 };
}

function quantization(scales: ArrayLike<number>, zeroPoints: number[], axis = 0): TfliteQuantization {
  return { scale: Array.from(scales), zeroPoint: zeroPoints, detailsType: 0, quantizedDimension: axis };
}

function ruleOf(model: TfliteModel, op: TfliteOperator): Int8OpRule {
  const code = model.operatorCodes[op.opcodeIndex];
  const rule = code === undefined ? undefined : INT8_OP_RULES.get(builtinCodeOf(code));
  if (rule === undefined) throw new StudioError('INTERNAL', 'An operator without an int8 rule reached the rewrite (it should have been refused).');
  return rule;
}

const isFloatConstant = (model: TfliteModel, t: TfliteTensor | undefined): t is TfliteTensor =>
  t !== undefined && t.type === TensorType.FLOAT32 && tensorBytes(model, t) !== undefined;

/** Gives every float constant one user, so each can be quantized for its own op (a shared one is copied). */
function unshareConstants(model: TfliteModel, subgraph: TfliteSubGraph): void {
  const used = new Set<number>();
  for (const op of subgraph.operators) {
    op.inputs = op.inputs.map((t) => {
      if (t < 0 || !isFloatConstant(model, subgraph.tensors[t])) return t;
      if (!used.has(t)) {
        used.add(t);
        return t;
      }
      return subgraph.tensors.push({ ...(subgraph.tensors[t] as TfliteTensor) }) - 1;
    });
  }
}

/** Union-find over tensor indices: tensors the spec makes share one scale and zero point. */
class SharedGroups {
  private readonly parent = new Map<number, number>();
  find(t: number): number {
    let root = t;
    while ((this.parent.get(root) ?? root) !== root) root = this.parent.get(root) as number;
    this.parent.set(t, root);
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

function floatRange(values: Float32Array): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, values: values.length };
}

/** Scale and zero point of every float tensor that is not a weight or bias. */
function assignParams(model: TfliteModel, subgraph: TfliteSubGraph, stats: Map<number, TensorStats>, choices: WeightChoices): Map<number, QuantParams> {
  const groups = new SharedGroups();
  const fixed = new Map<number, QuantParams>();
  const weightsAndBiases = new Set<number>();
  for (const op of subgraph.operators) {
    const rule = ruleOf(model, op);
    if (rule.weight) weightsAndBiases.add(op.inputs[rule.weight.input] ?? -1);
    if (rule.bias !== undefined) weightsAndBiases.add(op.inputs[rule.bias] ?? -1);
    const floats = [...op.inputs, ...op.outputs].filter((t) => t >= 0 && subgraph.tensors[t]?.type === TensorType.FLOAT32);
    if (rule.output.kind === 'shared') for (const t of floats.slice(1)) groups.union(floats[0] as number, t);
    if (rule.output.kind === 'fixed') for (const t of op.outputs) fixed.set(t, { scale: rule.output.scale, zeroPoint: rule.output.zeroPoint });
  }
  const rangeOf = (t: number): { min: number; max: number } | undefined => {
    const known = stats.get(t);
    if (known) {
      const [min, max] = computeRange(known, choices.method, false, choices.percentile);
      return { min, max };
    }
    const tensor = subgraph.tensors[t];
    const values = tensor === undefined ? undefined : floatConstant(model, tensor);
    return values === undefined ? undefined : floatRange(values);
  };
  const groupRange = new Map<number, { min: number; max: number }>();
  const groupFixed = new Map<number, QuantParams>();
  subgraph.tensors.forEach((tensor, t) => {
    if (tensor.type !== TensorType.FLOAT32 || weightsAndBiases.has(t)) return;
    const root = groups.find(t);
    const range = rangeOf(t);
    if (range) {
      const seen = groupRange.get(root);
      groupRange.set(root, { min: Math.min(seen?.min ?? range.min, range.min), max: Math.max(seen?.max ?? range.max, range.max) });
    }
    const params = fixed.get(t);
    if (params) {
      const other = groupFixed.get(root);
      if (other && (other.scale !== params.scale || other.zeroPoint !== params.zeroPoint)) {
        throw new TfliteQuantRefusal(`Tensor '${tensor.name ?? t}' must share its scale with tensors whose scale the quantization spec fixes differently; full-integer mode cannot quantize this model.`);
      }
      groupFixed.set(root, params);
    }
  });
  const params = new Map<number, QuantParams>();
  subgraph.tensors.forEach((tensor, t) => {
    if (tensor.type !== TensorType.FLOAT32 || weightsAndBiases.has(t)) return;
    const root = groups.find(t);
    const set = groupFixed.get(root);
    const range = groupRange.get(root);
    if (set) params.set(t, set);
    else if (range) params.set(t, int8Params(range.min, range.max));
  });
  return params;
}

function quantizeValues(values: Float32Array, p: QuantParams): Int8Array {
  return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, roundHalfEven(v / p.scale) + p.zeroPoint)));
}

/** What the rewrite chooses beyond what the spec fixes (full-int8.ts documents the defaults). */
export interface WeightChoices {
  /** How each activation's range comes from its calibration statistics (min/max, or percentile or entropy over its histogram). */
  method: CalibrationMethod;
  percentile: number;
  /** FULLY_CONNECTED weights per output channel (axis 0) instead of per tensor. */
  perChannelDense: boolean;
  /** Bias correction: each bias absorbs the mean error its int8 weights make on the calibration inputs. */
  biasCorrection: boolean;
}

/**
 * The mean error the int8 weights add to each output channel on the calibration inputs: for
 * output o, the sum over its weights of (dequantized − float weight) × the mean of the input
 * channel that weight multiplies (Nagel et al. 2019, "Data-Free Quantization Through Weight
 * Equalization and Bias Correction", section 4.2, with means measured rather than inferred from
 * batch norm). Zero padding at the borders is not modelled, so for convolutions it is the
 * interior's error. Undefined when the layout does not match the means (an unexpected shape).
 */
export function weightErrorPerOutput(builtin: number, weights: Float32Array, dims: number[], q: QuantizedWeight, inputMeans: Float64Array): Float64Array | undefined {
  const scaleAt = (c: number): number => q.scales[q.scales.length === 1 ? 0 : c] as number;
  const errorAt = (i: number, c: number): number => (q.values[i] as number) * scaleAt(c) - (weights[i] as number);
  if (builtin === BuiltinOperator.DEPTHWISE_CONV_2D) {
    // [1, kh, kw, out]; output channel o reads input channel floor(o / multiplier).
    const out = dims.at(-1) ?? 0;
    const multiplier = out / inputMeans.length;
    if (!Number.isInteger(multiplier) || multiplier < 1) return undefined;
    const error = new Float64Array(out);
    for (let i = 0; i < weights.length; i += 1) {
      const o = i % out;
      error[o] = (error[o] as number) + errorAt(i, o) * (inputMeans[Math.floor(o / multiplier)] as number);
    }
    return error;
  }
  // CONV_2D [out, kh, kw, in / groups] and FULLY_CONNECTED [out, in]: output o of group g reads input channels g × perGroup + c.
  const out = dims[0] ?? 0;
  const perGroup = dims.at(-1) ?? 0;
  const groups = perGroup > 0 ? inputMeans.length / perGroup : 0;
  if (out === 0 || !Number.isInteger(groups) || groups < 1 || out % groups !== 0) return undefined;
  const perOutput = weights.length / out;
  const error = new Float64Array(out);
  for (let o = 0; o < out; o += 1) {
    const first = Math.floor(o / (out / groups)) * perGroup;
    let sum = 0;
    for (let k = 0; k < perOutput; k += 1) sum += errorAt(o * perOutput + k, o) * (inputMeans[first + (k % perGroup)] as number);
    error[o] = sum;
  }
  return error;
}

/** The weights and bias of one op with rule.weight, quantized in place. */
function quantizeWeightsOf(model: TfliteModel, subgraph: TfliteSubGraph, op: TfliteOperator, rule: Int8OpRule, opIndex: number, params: Map<number, QuantParams>, stats: Map<number, TfliteTensorStats>, choices: WeightChoices): void {
  if (!rule.weight) return;
  const weightIndex = op.inputs[rule.weight.input] ?? -1;
  const weight = subgraph.tensors[weightIndex];
  const values = weight === undefined ? undefined : floatConstant(model, weight);
  if (weight === undefined || values === undefined || weight.type !== TensorType.FLOAT32) {
    throw new TfliteQuantRefusal(`Operator ${opIndex}'s weights are computed at run time, not stored; full-integer mode quantizes stored weights only (use dynamic or fp16 mode).`);
  }
  const builtin = builtinCodeOf(model.operatorCodes[op.opcodeIndex] as NonNullable<TfliteModel['operatorCodes'][number]>);
  const axis = rule.weight.axis ?? (choices.perChannelDense ? rule.weight.optionalAxis : undefined);
  const q = quantizeWeight(values, weight.shape, axis);
  const inputMeans = stats.get(op.inputs[0] ?? -1)?.channelMeans;
  const weightError = choices.biasCorrection && inputMeans ? weightErrorPerOutput(builtin, values, weight.shape, q, inputMeans) : undefined;
  weight.type = TensorType.INT8;
  weight.buffer = addBuffer(model, new Uint8Array(q.values.buffer));
  weight.quantization = quantization(q.scales, Array.from(q.scales, () => 0), q.axis ?? 0);

  const biasIndex = rule.bias === undefined ? -1 : (op.inputs[rule.bias] ?? -1);
  const bias = subgraph.tensors[biasIndex];
  if (bias === undefined) return;
  const biasValues = floatConstant(model, bias);
  const inputScale = params.get(op.inputs[0] ?? -1)?.scale;
  if (biasValues === undefined || inputScale === undefined) {
    throw new TfliteQuantRefusal(`Operator ${opIndex}'s bias is not a stored float tensor; full-integer mode cannot quantize it (use dynamic or fp16 mode).`);
  }
  // Per channel where the weights are, else one scale (the spec's FULLY_CONNECTED bias is per tensor).
  const biasScales = Float32Array.from(q.scales, (weightScale) => inputScale * weightScale);
  const scaleOf = (c: number): number => biasScales[biasScales.length === 1 ? 0 : c] as number;
  const corrected = weightError?.length === biasValues.length ? Float64Array.from(biasValues, (v, c) => v - (weightError[c] as number)) : biasValues;
  const ints = Int32Array.from(corrected, (v, c) => Math.max(-2147483648, Math.min(2147483647, roundHalfEven(v / scaleOf(c)))));
  bias.type = TensorType.INT32;
  bias.buffer = addBuffer(model, new Uint8Array(ints.buffer));
  bias.quantization = quantization(biasScales, Array.from(biasScales, () => 0), 0);
}

/** A copy of `tensor` for the int8 side of a model input or output; the original becomes the I/O tensor. */
function innerTensor(subgraph: TfliteSubGraph, t: number): number {
  const tensor = subgraph.tensors[t] as TfliteTensor;
  return subgraph.tensors.push({ ...tensor, name: `${tensor.name ?? `tensor_${t}`}_int8` }) - 1;
}

/** Model inputs and outputs as `io` asks: int8 as they are, else a QUANTIZE / DEQUANTIZE at the boundary. */
function rewriteIo(model: TfliteModel, subgraph: TfliteSubGraph, io: TfliteIoType): void {
  if (io === 'int8') return;
  const quantizeCode = opcodeIndex(model, BuiltinOperator.QUANTIZE, 2);
  const boundaryType = io === 'uint8' ? TensorType.UINT8 : TensorType.FLOAT32;
  const setBoundary = (tensor: TfliteTensor): void => {
    const q = tensor.quantization;
    tensor.type = boundaryType;
    if (io === 'uint8' && q) tensor.quantization = quantization(q.scale ?? [], (q.zeroPoint ?? []).map((z) => z + 128));
    else delete tensor.quantization;
  };
  const before: TfliteOperator[] = [];
  // Only the float inputs and outputs, now int8, get a boundary op (an int32 input stays as it is).
  const isInt8 = (t: number): boolean => subgraph.tensors[t]?.type === TensorType.INT8;
  for (const t of subgraph.inputs.filter(isInt8)) {
    const inner = innerTensor(subgraph, t);
    for (const op of subgraph.operators) op.inputs = op.inputs.map((i) => (i === t ? inner : i));
    setBoundary(subgraph.tensors[t] as TfliteTensor);
    before.push({ opcodeIndex: quantizeCode, inputs: [t], outputs: [inner], builtinOptionsType: 0 });
  }
  const after: TfliteOperator[] = [];
  const dequantizeCode = io === 'uint8' ? quantizeCode : opcodeIndex(model, BuiltinOperator.DEQUANTIZE, 2);
  for (const t of subgraph.outputs.filter(isInt8)) {
    if (subgraph.inputs.includes(t)) continue;
    const inner = innerTensor(subgraph, t);
    for (const op of subgraph.operators) {
      op.inputs = op.inputs.map((i) => (i === t ? inner : i));
      op.outputs = op.outputs.map((i) => (i === t ? inner : i));
    }
    setBoundary(subgraph.tensors[t] as TfliteTensor);
    after.push({ opcodeIndex: dequantizeCode, inputs: [inner], outputs: [t], builtinOptionsType: 0 });
  }
  subgraph.operators = [...before, ...subgraph.operators, ...after];
}

/**
 * Drops what no longer has a user: tensors (the folded float16 weights), then their buffers and
 * the float weights' (float-weights.ts), then the float ops' operator codes, so the file holds
 * only the int8 model.
 */
function dropUnused(model: TfliteModel): void {
  for (const sg of model.subgraphs) dropUnusedTensors(model, sg);
  dropUnreadBuffers(model);
  const usedCodes = new Set<number>();
  for (const sg of model.subgraphs) for (const op of sg.operators) usedCodes.add(op.opcodeIndex);
  const codeIndex = new Map<number, number>();
  model.operatorCodes = model.operatorCodes.filter((_, i) => usedCodes.has(i) && codeIndex.set(i, codeIndex.size) !== undefined);
  for (const sg of model.subgraphs) for (const op of sg.operators) op.opcodeIndex = codeIndex.get(op.opcodeIndex) ?? 0;
}

/** Tensors no op and no model input or output refers to (the folded float16 weights) go; indices are renumbered, signature defs included. */
function dropUnusedTensors(model: TfliteModel, subgraph: TfliteSubGraph): void {
  const used = new Set<number>([...subgraph.inputs, ...subgraph.outputs]);
  for (const op of subgraph.operators) for (const t of [...op.inputs, ...op.outputs, ...((op.intermediates as number[] | undefined) ?? [])]) used.add(t);
  const index = new Map<number, number>();
  subgraph.tensors = subgraph.tensors.filter((_, t) => used.has(t) && index.set(t, index.size) !== undefined);
  const renumber = (t: number): number => (t < 0 ? t : (index.get(t) ?? t));
  subgraph.inputs = subgraph.inputs.map(renumber);
  subgraph.outputs = subgraph.outputs.map(renumber);
  for (const op of subgraph.operators) {
    op.inputs = op.inputs.map(renumber);
    op.outputs = op.outputs.map(renumber);
    if (Array.isArray(op.intermediates)) op.intermediates = (op.intermediates as number[]).map(renumber);
  }
  const subgraphIndex = model.subgraphs.indexOf(subgraph);
  for (const signature of model.signatureDefs ?? []) {
    if ((signature.subgraphIndex ?? 0) !== subgraphIndex) continue;
    for (const list of [signature.inputs, signature.outputs]) {
      for (const entry of (list as FlatTable[] | undefined) ?? []) {
        if (typeof entry.tensorIndex === 'number') entry.tensorIndex = renumber(entry.tensorIndex);
      }
    }
  }
}

/** Rewrites subgraph 0 of a (folded, checked) float model to full integer, in place. */
export function rewriteFullInt8(model: TfliteModel, stats: Map<number, TfliteTensorStats>, io: TfliteIoType, choices: WeightChoices): void {
  const subgraph = model.subgraphs[0];
  if (subgraph === undefined) return;
  unshareConstants(model, subgraph);
  const params = assignParams(model, subgraph, stats, choices);
  subgraph.operators.forEach((op, i) => {
    const rule = ruleOf(model, op);
    quantizeWeightsOf(model, subgraph, op, rule, i, params, stats, choices);
    const code = model.operatorCodes[op.opcodeIndex];
    if (code !== undefined) op.opcodeIndex = opcodeIndex(model, builtinCodeOf(code), Math.max(code.version, rule.version));
  });
  // A float tensor nothing reads or writes (left behind by another tool) is dropped below, not quantized.
  const referenced = new Set<number>([...subgraph.inputs, ...subgraph.outputs, ...subgraph.operators.flatMap((op) => [...op.inputs, ...op.outputs])]);
  subgraph.tensors.forEach((tensor, t) => {
    if (tensor.type !== TensorType.FLOAT32 || !referenced.has(t)) return;
    const p = params.get(t);
    if (p === undefined) throw new StudioError('INTERNAL', `Tensor '${tensor.name ?? t}' got no quantization parameters (calibration never saw it).`);
    const constant = floatConstant(model, tensor);
    if (constant !== undefined) tensor.buffer = addBuffer(model, new Uint8Array(quantizeValues(constant, p).buffer));
    tensor.type = TensorType.INT8;
    tensor.quantization = quantization([p.scale], [p.zeroPoint]);
  });
  rewriteIo(model, subgraph, io);
  dropUnused(model);
}
