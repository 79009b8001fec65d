/**
 * Pruning a TFLite model's first subgraph, in the same two ways as prune-onnx.ts and by the same
 * magnitude rules (magnitude.ts). TFLite's layouts: CONV_2D and TRANSPOSE_CONV filters are OHWI,
 * DEPTHWISE_CONV_2D [1, H, W, C·multiplier], FULLY_CONNECTED [out, in]; activations are NHWC, so
 * a channel is the last axis and a flattened NHWC tensor holds channel c at every C-th feature.
 * Channel pruning removes CONV_2D output channels (filter, bias, the shapes of the activations they
 * flow through) and the matching input channels of the next CONV_2D, or the matching weight
 * columns of a FULLY_CONNECTED after a RESHAPE, whose target shape shrinks with them.
 */
import { StudioError } from '../../shared/errors';
import { builtinCodeOf, decodeTfliteModel, encodeTfliteModelFile, tensorBytes, type TfliteModel, type TfliteOperator, type TfliteSubGraph, type TfliteTensor } from '../formats/tflite/tflite-model';
import { BuiltinOperator, TensorType } from '../formats/tflite/generated/tflite_schema';
import { encodeFloat16Array } from '../../shared/numeric/float16';
import { dropUnreadBuffers, floatConstant as floatWeights, foldFloat16Dequantize, restoreFloat16, type FoldedDequantize } from '../quantize-tflite/float-weights';
import { channelL1Norms, countZeros, dropAlongAxis, weakestChannels, zeroSmallestMagnitudes } from './magnitude';
import type { LayerSparsity, PruneOptions, PruneSkipped, WeightCount } from './types';

const OP_NAMES = new Map<number, string>(Object.entries(BuiltinOperator).map(([name, code]) => [code as number, name]));
const WEIGHTED_OPS = new Set<number>([BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.TRANSPOSE_CONV]);
/** Input index of the weight of each weighted op (TRANSPOSE_CONV takes output_shape first). */
const WEIGHT_INPUT = new Map<number, number>([[BuiltinOperator.TRANSPOSE_CONV, 1]]);
/** Ops that act on each channel alone (input 0 → output 0). */
const PER_CHANNEL_OPS = new Set<number>([
  BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.LEAKY_RELU, BuiltinOperator.LOGISTIC,
  BuiltinOperator.TANH, BuiltinOperator.HARD_SWISH, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.AVERAGE_POOL_2D,
]);

export interface TflitePruneOutcome {
  bytes: Uint8Array;
  layers: LayerSparsity[];
  skipped: PruneSkipped[];
  notes: string[];
}

interface Ctx {
  model: TfliteModel;
  sg: TfliteSubGraph;
  readers: Map<number, number[]>;
  options: PruneOptions;
}

const opName = (ctx: Ctx, op: TfliteOperator): string => {
  const code = ctx.model.operatorCodes[op.opcodeIndex];
  return code === undefined ? 'UNKNOWN' : (OP_NAMES.get(builtinCodeOf(code)) ?? code.customCode ?? 'CUSTOM');
};
const opCode = (ctx: Ctx, op: TfliteOperator): number => {
  const code = ctx.model.operatorCodes[op.opcodeIndex];
  return code === undefined ? -1 : builtinCodeOf(code);
};

/** A float32 constant's values (a copy), with its tensor. */
function floatConstant(ctx: Ctx, tensorIndex: number | undefined): { tensor: TfliteTensor; data: Float32Array } | undefined {
  const tensor = tensorIndex === undefined || tensorIndex < 0 ? undefined : ctx.sg.tensors[tensorIndex];
  const data = tensor ? floatWeights(ctx.model, tensor) : undefined;
  return tensor && data ? { tensor, data } : undefined;
}

/** Writes a constant's values into a buffer of its own (a buffer may be shared by several tensors). */
function storeFloat(ctx: Ctx, tensor: TfliteTensor, data: Float32Array, shape: number[]): void {
  tensor.shape = shape;
  if (tensor.shapeSignature !== undefined && tensor.shapeSignature.length === shape.length) tensor.shapeSignature = [...shape];
  setConstantBytes(ctx, tensor, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Gives `tensor` these constant bytes: in its own buffer, or a new one when other tensors share its buffer. */
function setConstantBytes(ctx: Ctx, tensor: TfliteTensor, bytes: Uint8Array): void {
  const shared = ctx.sg.tensors.filter((t) => t.buffer === tensor.buffer).length > 1;
  if (shared) tensor.buffer = ctx.model.buffers.push({ data: bytes, offset: 0, size: 0 }) - 1;
  else ctx.model.buffers[tensor.buffer] = { data: bytes, offset: 0, size: 0 };
}

function isExcluded(ctx: Ctx, at: number, op: TfliteOperator): boolean {
  const exclude = ctx.options.exclude ?? [];
  return exclude.includes(`op:${at}`) || op.outputs.some((i) => exclude.includes(ctx.sg.tensors[i]?.name ?? '')) || exclude.includes(opName(ctx, op));
}

export function pruneTflite(bytes: Uint8Array, options: PruneOptions, fileName = 'model.tflite'): TflitePruneOutcome {
  const model = decodeTfliteModel(bytes, fileName);
  const sg = model.subgraphs[0];
  if (!sg) throw new StudioError('BAD_INPUT', `'${fileName}' has no subgraph to prune.`, { file: fileName });
  const notes: string[] = [];
  // Weights stored as float16 behind DEQUANTIZE (MediaPipe's files) are pruned as the float32 values they stand for, then stored as float16 again.
  const folded = foldFloat16Dequantize(model);
  if (folded.length > 0) notes.push(`${folded.length} weights stored as float16 (behind DEQUANTIZE ops) were pruned as float32 and stored as float16 again.`);
  const readers = new Map<number, number[]>();
  sg.operators.forEach((op, at) => {
    for (const input of op.inputs) if (input >= 0) readers.set(input, [...(readers.get(input) ?? []), at]);
  });
  const ctx: Ctx = { model, sg, readers, options };
  if (model.subgraphs.length > 1) notes.push(`Only the first of the model's ${model.subgraphs.length} subgraphs is pruned.`);
  const before = weightCounts(ctx);
  const outcome = options.method === 'magnitude' ? pruneMagnitude(ctx) : pruneChannels(ctx);
  const layers = layerReport(ctx, before, outcome.channels);
  storeAsFloat16Again(model, folded);
  return { bytes: encodeTfliteModelFile(model), layers, skipped: outcome.skipped, notes };
}

/** Each folded float16 weight gets its pruned values (and shape) back in float16, behind its DEQUANTIZE. */
function storeAsFloat16Again(model: TfliteModel, folded: readonly FoldedDequantize[]): void {
  if (folded.length === 0) return;
  for (const { subgraph, op, target } of folded) {
    const source = subgraph.tensors[op.inputs[0] as number];
    const values = floatWeights(model, target);
    if (!source || !values) continue;
    const half = encodeFloat16Array(values);
    source.shape = [...target.shape];
    if (source.shapeSignature !== undefined && source.shapeSignature.length > 0) source.shapeSignature = [...target.shape];
    source.buffer = model.buffers.push({ data: new Uint8Array(half.buffer, half.byteOffset, half.byteLength), offset: 0, size: 0 }) - 1;
  }
  restoreFloat16(model, folded);
  dropUnreadBuffers(model);
}

interface PruneOutcome {
  skipped: PruneSkipped[];
  /** Output channels before and after, of each CONV_2D (by operator index) that lost some. */
  channels: Map<number, [number, number, number[]]>;
}

const weightOf = (ctx: Ctx, op: TfliteOperator) => floatConstant(ctx, op.inputs[WEIGHT_INPUT.get(opCode(ctx, op)) ?? 1]);

function weightCounts(ctx: Ctx): Map<number, WeightCount> {
  const counts = new Map<number, WeightCount>();
  ctx.sg.operators.forEach((op, at) => {
    const weight = WEIGHTED_OPS.has(opCode(ctx, op)) ? weightOf(ctx, op) : undefined;
    if (weight) counts.set(at, { elements: weight.data.length, zeros: countZeros(weight.data) });
  });
  return counts;
}

/** Every layer whose weights changed, with its sparsity and (channel pruning) its channels. */
function layerReport(ctx: Ctx, before: Map<number, WeightCount>, channels: Map<number, [number, number, number[]]>): LayerSparsity[] {
  const layers: LayerSparsity[] = [];
  ctx.sg.operators.forEach((op, at) => {
    const count = before.get(at);
    const weight = weightOf(ctx, op);
    if (count === undefined || !weight) return;
    const zeros = countZeros(weight.data);
    const pruned = channels.get(at);
    // Only layers this pruning changed (a published model's weights may hold zeros of their own).
    if (zeros === count.zeros && weight.data.length === count.elements && !pruned) return;
    layers.push({
      layer: `op:${at}`,
      op: opName(ctx, op),
      weight: weight.tensor.name ?? '',
      weightsBefore: count.elements,
      weightsAfter: weight.data.length,
      sparsity: zeros / Math.max(1, weight.data.length),
      ...(pruned ? { channelsBefore: pruned[0], channelsAfter: pruned[1], removedChannels: pruned[2] } : {}),
      ...kernelOf(opCode(ctx, op), weight.tensor.shape),
    });
  });
  return layers;
}

function kernelOf(code: number, shape: readonly number[]): { kernel?: [number, number] } {
  return (code === BuiltinOperator.CONV_2D || code === BuiltinOperator.DEPTHWISE_CONV_2D || code === BuiltinOperator.TRANSPOSE_CONV) && shape.length === 4
    ? { kernel: [shape[1] as number, shape[2] as number] }
    : {};
}

function pruneMagnitude(ctx: Ctx): PruneOutcome {
  const skipped: PruneSkipped[] = [];
  ctx.sg.operators.forEach((op, at) => {
    const code = opCode(ctx, op);
    if (!WEIGHTED_OPS.has(code)) return;
    const layer = `op:${at}`;
    const name = opName(ctx, op);
    if (isExcluded(ctx, at, op)) return void skipped.push({ layer, op: name, reason: 'excluded.' });
    const weight = weightOf(ctx, op);
    if (!weight) return void skipped.push({ layer, op: name, reason: 'its weight is not a float32 constant (float16 behind a DEQUANTIZE, int8, or computed).' });
    zeroSmallestMagnitudes(weight.data, ctx.options.amount);
    storeFloat(ctx, weight.tensor, weight.data, weight.tensor.shape);
  });
  return { skipped, channels: new Map() };
}

type Reader = { kind: 'conv'; op: TfliteOperator } | { kind: 'dense'; reshape: TfliteOperator | null; op: TfliteOperator };

function soleReader(ctx: Ctx, tensor: number): number | string {
  const name = ctx.sg.tensors[tensor]?.name ?? `#${tensor}`;
  if (ctx.sg.outputs.includes(tensor)) return `its output '${name}' is a model output`;
  const readers = ctx.readers.get(tensor) ?? [];
  if (readers.length !== 1) return `its output '${name}' is read by ${readers.length} operators, which would all change shape`;
  return readers[0] as number;
}

/** Follows a CONV_2D's output through per-channel ops to the layer whose inputs shrink with its channels. */
function channelPath(ctx: Ctx, conv: TfliteOperator, channels: number): { activations: number[]; depthwise: TfliteOperator[]; reader: Reader } | string {
  let tensor = conv.outputs[0] as number;
  const activations = [tensor];
  const depthwise: TfliteOperator[] = [];
  for (;;) {
    const at = soleReader(ctx, tensor);
    if (typeof at === 'string') return at;
    const op = ctx.sg.operators[at] as TfliteOperator;
    const code = opCode(ctx, op);
    const label = `${opName(ctx, op)} (op:${at})`;
    if (op.inputs[0] !== tensor) return `${label} reads its output as a parameter`;
    if (PER_CHANNEL_OPS.has(code) || (code === BuiltinOperator.DEPTHWISE_CONV_2D && isDepthwisePerChannel(ctx, op, channels))) {
      if (code === BuiltinOperator.DEPTHWISE_CONV_2D) depthwise.push(op);
      tensor = op.outputs[0] as number;
      activations.push(tensor);
      continue;
    }
    if (code === BuiltinOperator.CONV_2D) {
      return floatConstant(ctx, op.inputs[1]) ? { activations, depthwise, reader: { kind: 'conv', op } } : `the filter of ${label} is not a float32 constant`;
    }
    let reshape: TfliteOperator | null = null;
    let dense = op;
    if (code === BuiltinOperator.RESHAPE) {
      const out = ctx.sg.tensors[op.outputs[0] as number];
      if (!out || out.shape.length !== 2) return `${label} does not flatten to 2-D`;
      reshape = op;
      activations.push(op.outputs[0] as number);
      const next = soleReader(ctx, op.outputs[0] as number);
      if (typeof next === 'string') return next;
      dense = ctx.sg.operators[next] as TfliteOperator;
    }
    if (opCode(ctx, dense) !== BuiltinOperator.FULLY_CONNECTED) return `its channels reach ${opName(ctx, dense)}, which the channel pruner does not follow`;
    const weight = floatConstant(ctx, dense.inputs[1]);
    if (!weight || weight.tensor.shape.length !== 2) return 'the FULLY_CONNECTED weights it feeds are not a 2-D float32 constant';
    if ((weight.tensor.shape[1] as number) % channels !== 0) return `the FULLY_CONNECTED it feeds has ${weight.tensor.shape[1]} inputs, not a multiple of its ${channels} channels`;
    return { activations, depthwise, reader: { kind: 'dense', reshape, op: dense } };
  }
}

/** A DEPTHWISE_CONV_2D with multiplier 1 (filter [1, H, W, channels]) whose filter and bias are its own. */
function isDepthwisePerChannel(ctx: Ctx, op: TfliteOperator, channels: number): boolean {
  const filter = floatConstant(ctx, op.inputs[1]);
  const multiplier = (op.builtinOptions as { depthMultiplier?: number } | undefined)?.depthMultiplier ?? 1;
  const own = [op.inputs[1], op.inputs[2]].every((i) => i === undefined || i < 0 || (ctx.readers.get(i) ?? []).length <= 1);
  return filter !== undefined && filter.tensor.shape.length === 4 && filter.tensor.shape[3] === channels && multiplier <= 1 && own;
}

function pruneChannels(ctx: Ctx): PruneOutcome {
  const skipped: PruneSkipped[] = [];
  const pruned = new Map<number, [number, number, number[]]>();
  ctx.sg.operators.forEach((conv, at) => {
    if (opCode(ctx, conv) !== BuiltinOperator.CONV_2D) return;
    const layer = `op:${at}`;
    const skip = (reason: string): void => void skipped.push({ layer, op: 'CONV_2D', reason });
    if (isExcluded(ctx, at, conv)) return skip('excluded.');
    const filter = floatConstant(ctx, conv.inputs[1]);
    if (!filter || filter.tensor.shape.length !== 4) return skip('its filter is not a 4-D float32 constant.');
    if ((ctx.readers.get(conv.inputs[1] as number) ?? []).length > 1) return skip('its filter is shared with other operators.');
    const shape = filter.tensor.shape;
    const channels = shape[0] as number;
    const path = channelPath(ctx, conv, channels);
    if (typeof path === 'string') return skip(`${path}.`);
    const drop = weakestChannels(channelL1Norms(filter.data, shape, 0), ctx.options.amount);
    if (drop.length === 0) return skip(`it has ${channels} output channels; ${Math.round(ctx.options.amount * 100)} % of them rounds to none.`);
    const kept = channels - drop.length;

    const shrunkFilter = dropAlongAxis(filter.data, shape, 0, drop);
    storeFloat(ctx, filter.tensor, shrunkFilter.data, shrunkFilter.dims);
    const bias = floatConstant(ctx, conv.inputs[2]);
    if (bias) storeFloat(ctx, bias.tensor, dropAlongAxis(bias.data, bias.tensor.shape, 0, drop).data, [kept]);
    for (const op of path.depthwise) {
      // Filter [1, H, W, C], bias [C]: the channel is the last axis of both.
      const dwFilter = floatConstant(ctx, op.inputs[1]) as { tensor: TfliteTensor; data: Float32Array };
      const shrunk = dropAlongAxis(dwFilter.data, dwFilter.tensor.shape, 3, drop);
      storeFloat(ctx, dwFilter.tensor, shrunk.data, shrunk.dims);
      const dwBias = floatConstant(ctx, op.inputs[2]);
      if (dwBias) storeFloat(ctx, dwBias.tensor, dropAlongAxis(dwBias.data, dwBias.tensor.shape, 0, drop).data, [kept]);
    }
    for (const index of path.activations) {
      const tensor = ctx.sg.tensors[index] as TfliteTensor;
      if (tensor.shape.length === 4) resizeLastAxis(tensor, kept);
    }
    const readerWeight = floatConstant(ctx, path.reader.op.inputs[1]) as { tensor: TfliteTensor; data: Float32Array };
    if (path.reader.kind === 'conv') {
      const shrunk = dropAlongAxis(readerWeight.data, readerWeight.tensor.shape, 3, drop);
      storeFloat(ctx, readerWeight.tensor, shrunk.data, shrunk.dims);
    } else {
      // NHWC flattened: feature = position·C + channel, so the weight is [out, positions, C] along its inputs.
      const [outputs, features] = readerWeight.tensor.shape as [number, number];
      const positions = features / channels;
      const shrunk = dropAlongAxis(readerWeight.data, [outputs, positions, channels], 2, drop);
      storeFloat(ctx, readerWeight.tensor, shrunk.data, [outputs, positions * kept]);
      if (path.reader.reshape) shrinkReshape(ctx, path.reader.reshape, features, positions * kept);
    }
    pruned.set(at, [channels, kept, drop]);
  });
  return { skipped, channels: pruned };
}

function resizeLastAxis(tensor: TfliteTensor, size: number): void {
  tensor.shape = [...tensor.shape.slice(0, -1), size];
  if (tensor.shapeSignature !== undefined && tensor.shapeSignature.length > 0) tensor.shapeSignature = [...tensor.shapeSignature.slice(0, -1), size];
}

/** A RESHAPE to [batch, features] now makes [batch, newFeatures]: its output, its shape operand and its options. */
function shrinkReshape(ctx: Ctx, reshape: TfliteOperator, features: number, newFeatures: number): void {
  const out = ctx.sg.tensors[reshape.outputs[0] as number] as TfliteTensor;
  resizeLastAxis(out, newFeatures);
  const options = reshape.builtinOptions as { newShape?: number[] } | undefined;
  if (options?.newShape) options.newShape = options.newShape.map((d) => (d === features ? newFeatures : d));
  const shapeTensor = reshape.inputs[1] !== undefined && reshape.inputs[1] >= 0 ? ctx.sg.tensors[reshape.inputs[1]] : undefined;
  const bytes = shapeTensor ? tensorBytes(ctx.model, shapeTensor) : undefined;
  if (shapeTensor && bytes && shapeTensor.type === TensorType.INT32) {
    const values = new Int32Array(bytes.byteLength / 4);
    new Uint8Array(values.buffer).set(bytes);
    const updated = values.map((d) => (d === features ? newFeatures : d));
    setConstantBytes(ctx, shapeTensor, new Uint8Array(updated.buffer));
  }
}
