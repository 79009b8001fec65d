/**
 * Pruning an ONNX model's main graph. Magnitude: the weights of Conv, ConvTranspose, Gemm and
 * MatMul (constant, float32) lose their smallest values to zeros. Channels: a Conv's weakest output
 * channels (smallest L1 norm of their filters) are removed with their bias, with the matching
 * entries of every per-channel op after it (BatchNormalization, activations, pooling) and with the
 * matching inputs of the one layer that reads them: a Conv's input channels, or a Gemm/MatMul's
 * weight rows or columns after a Flatten (each channel is H×W consecutive features in NCHW).
 * A Conv whose output goes anywhere else (a residual Add, a Concat, a graph output, several
 * readers) keeps its channels, and the report says why.
 */
import type { NodeProto, TensorProto } from '../formats/onnx/generated/onnx_pb';
import { intAttribute } from '../formats/onnx/onnx-attributes';
import { decodeModelProto, encodeModelProto } from '../formats/onnx/onnx-codec';
import { float32Values } from '../formats/onnx/onnx-tensors';
import { OnnxDataType } from '../formats/onnx/onnx-types';
import { GraphIndex } from '../quantize/graph';
import { channelL1Norms, countZeros, dropAlongAxis, weakestChannels, zeroSmallestMagnitudes } from './magnitude';
import type { LayerSparsity, PruneOptions, PruneSkipped, WeightCount } from './types';

/** Ops whose weight (input 1) magnitude pruning zeroes. */
const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
/** Ops that act on each channel alone (input 0 → output 0), so removed channels are removed from their output too. */
const PER_CHANNEL_OPS = new Set([
  'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Softplus', 'Identity', 'Dropout',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization',
]);

export interface OnnxPruneOutcome {
  bytes: Uint8Array;
  layers: LayerSparsity[];
  skipped: PruneSkipped[];
  notes: string[];
}

function floatConstant(index: GraphIndex, name: string | undefined): { tensor: TensorProto; data: Float32Array; dims: number[] } | undefined {
  const tensor = name ? index.constant(name) : undefined;
  if (!tensor || tensor.dataType !== OnnxDataType.FLOAT) return undefined;
  const data = float32Values(tensor);
  return data ? { tensor, data: Float32Array.from(data), dims: tensor.dims.map(Number) } : undefined;
}

/** Replaces a float32 constant's values (and dims) in place, as raw little-endian data. */
function storeFloat(tensor: TensorProto, data: Float32Array, dims: readonly number[]): void {
  tensor.dims = dims.map(BigInt);
  tensor.floatData = [];
  tensor.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const layerName = (node: NodeProto, at: number): string => node.name || `${node.opType}#${at}`;

function isExcluded(node: NodeProto, options: PruneOptions): boolean {
  const exclude = options.exclude ?? [];
  return exclude.includes(node.name) || node.output.some((name) => exclude.includes(name)) || exclude.includes(node.opType);
}

export function pruneOnnx(bytes: Uint8Array, options: PruneOptions, fileName = 'model.onnx'): OnnxPruneOutcome {
  const model = decodeModelProto(bytes, fileName);
  const graph = model.graph;
  if (!graph) return { bytes, layers: [], skipped: [], notes: ['The model has no graph.'] };
  const index = new GraphIndex(graph);
  const notes: string[] = [];
  const hasSubgraphs = graph.node.some((node) => node.attribute.some((a) => a.g !== undefined || a.graphs.length > 0));
  if (hasSubgraphs) notes.push('Layers inside If/Loop/Scan bodies are not pruned; only the main graph is.');
  const before = weightCounts(index);
  const outcome = options.method === 'magnitude' ? pruneMagnitude(index, options) : pruneChannels(index, options, notes);
  return { bytes: encodeModelProto(model), layers: layerReport(index, before, outcome.channels), skipped: outcome.skipped, notes };
}

/** Element count of every weighted layer's float32 weight, by node. */
function weightCounts(index: GraphIndex): Map<NodeProto, WeightCount> {
  const counts = new Map<NodeProto, WeightCount>();
  for (const node of index.graph.node) {
    const weight = WEIGHTED_OPS.has(node.opType) ? floatConstant(index, node.input[1]) : undefined;
    if (weight) counts.set(node, { elements: weight.data.length, zeros: countZeros(weight.data) });
  }
  return counts;
}

/** Every layer whose weights changed, with its sparsity and (channel pruning) its channels. */
function layerReport(index: GraphIndex, before: Map<NodeProto, WeightCount>, channels: Map<NodeProto, [number, number, number[]]>): LayerSparsity[] {
  const layers: LayerSparsity[] = [];
  index.graph.node.forEach((node, at) => {
    const count = before.get(node);
    const weight = floatConstant(index, node.input[1]);
    if (count === undefined || !weight) return;
    const zeros = countZeros(weight.data);
    const pruned = channels.get(node);
    // Only layers this pruning changed (a published model's weights may hold zeros of their own).
    if (zeros === count.zeros && weight.data.length === count.elements && !pruned) return;
    layers.push({
      layer: layerName(node, at),
      op: node.opType,
      weight: node.input[1] ?? '',
      weightsBefore: count.elements,
      weightsAfter: weight.data.length,
      sparsity: zeros / Math.max(1, weight.data.length),
      ...(pruned ? { channelsBefore: pruned[0], channelsAfter: pruned[1], removedChannels: pruned[2] } : {}),
      ...kernelOf(weight.dims, node.opType),
    });
  });
  return layers;
}

interface PruneOutcome {
  skipped: PruneSkipped[];
  /** Output channels before and after, of each Conv that lost some. */
  channels: Map<NodeProto, [number, number, number[]]>;
}

function pruneMagnitude(index: GraphIndex, options: PruneOptions): PruneOutcome {
  const skipped: PruneSkipped[] = [];
  index.graph.node.forEach((node, at) => {
    if (!WEIGHTED_OPS.has(node.opType)) return;
    const name = layerName(node, at);
    const weightName = node.input[1];
    const weight = floatConstant(index, weightName);
    if (isExcluded(node, options)) return void skipped.push({ layer: name, op: node.opType, reason: 'excluded.' });
    if (!weight) return void skipped.push({ layer: name, op: node.opType, reason: 'its weight is not a float32 constant (an input, external data, or already quantized).' });
    zeroSmallestMagnitudes(weight.data, options.amount);
    storeFloat(weight.tensor, weight.data, weight.dims);
  });
  return { skipped, channels: new Map() };
}

function kernelOf(dims: readonly number[], op: string): { kernel?: [number, number] } {
  return (op === 'Conv' || op === 'ConvTranspose') && dims.length === 4 ? { kernel: [dims[2] as number, dims[3] as number] } : {};
}

/** What reads a Conv's output channels: per-channel ops, then the layer whose inputs shrink with them. */
type ChannelReader =
  | { kind: 'conv'; node: NodeProto }
  | { kind: 'dense'; flatten: NodeProto | null; node: NodeProto; channelAxis: 0 | 1 };

interface ChannelPath {
  perChannel: NodeProto[];
  reader: ChannelReader;
  /** Tensors whose channel count changes (their recorded shapes are dropped). */
  tensors: string[];
}

function soleReader(index: GraphIndex, tensor: string): NodeProto | string {
  if (index.graphOutputs.has(tensor)) return `its output '${tensor}' is a graph output`;
  const readers = index.consumers.get(tensor) ?? [];
  if (readers.length !== 1) return `its output '${tensor}' is read by ${readers.length} nodes (${readers.map((r) => r.opType).join(', ')}), which would all change shape`;
  return readers[0] as NodeProto;
}

/** Follows a Conv's output to the layer that reads its channels, or says why it cannot. */
function channelPath(index: GraphIndex, conv: NodeProto, channels: number): ChannelPath | string {
  const perChannel: NodeProto[] = [];
  let tensor = conv.output[0] ?? '';
  const tensors = [tensor];
  for (;;) {
    const reader = soleReader(index, tensor);
    if (typeof reader === 'string') return reader;
    if (reader.input[0] !== tensor) return `${reader.opType} '${reader.name}' reads its output as a parameter, not as data`;
    if (PER_CHANNEL_OPS.has(reader.opType)) {
      if (reader.opType === 'BatchNormalization' && reader.input.slice(1, 5).some((name) => !floatConstant(index, name))) return `BatchNormalization '${reader.name}' has parameters that are not float32 constants`;
      if (reader.opType === 'Clip' && reader.input.slice(1).some((name) => name !== '' && !index.constant(name))) return `Clip '${reader.name}' has bounds that are not constants`;
      perChannel.push(reader);
      tensor = reader.output[0] ?? '';
      tensors.push(tensor);
      continue;
    }
    if (reader.opType === 'Conv' && isDepthwise(index, reader, channels)) {
      // A depthwise Conv (one filter per channel) passes the channels on: its filters and bias lose the same ones.
      perChannel.push(reader);
      tensor = reader.output[0] ?? '';
      tensors.push(tensor);
      continue;
    }
    if (reader.opType === 'Conv') {
      if (intAttribute(reader, 'group', 1) !== 1) return `the Conv '${reader.name}' it feeds is grouped, but not one filter per channel; removing its channels would change that Conv's groups`;
      if (!floatConstant(index, reader.input[1])) return `the weight of the Conv '${reader.name}' it feeds is not a float32 constant`;
      return { perChannel, reader: { kind: 'conv', node: reader }, tensors };
    }
    if (reader.opType === 'Flatten' || reader.opType === 'Gemm' || reader.opType === 'MatMul') {
      let flatten: NodeProto | null = null;
      let dense = reader;
      if (reader.opType === 'Flatten') {
        if (intAttribute(reader, 'axis', 1) !== 1) return `Flatten '${reader.name}' flattens from axis ${intAttribute(reader, 'axis', 1)}, not 1`;
        flatten = reader;
        tensors.push(reader.output[0] ?? '');
        const next = soleReader(index, reader.output[0] ?? '');
        if (typeof next === 'string') return next;
        dense = next;
      }
      if ((dense.opType !== 'Gemm' && dense.opType !== 'MatMul') || dense.input[0] !== (flatten?.output[0] ?? tensor)) return `its channels reach ${dense.opType} '${dense.name}', which the channel pruner does not follow`;
      if (flatten === null && !perChannel.some((n) => n.opType.startsWith('Global'))) return `${dense.opType} '${dense.name}' reads a 4-D tensor without a Flatten`;
      if (dense.opType === 'Gemm' && intAttribute(dense, 'transA', 0) !== 0) return `Gemm '${dense.name}' transposes its input (transA)`;
      const denseWeight = floatConstant(index, dense.input[1]);
      if (!denseWeight || denseWeight.dims.length !== 2) return `the weight of ${dense.opType} '${dense.name}' is not a 2-D float32 constant`;
      const transB = dense.opType === 'Gemm' && intAttribute(dense, 'transB', 0) === 1;
      const features = denseWeight.dims[transB ? 1 : 0] as number;
      if (features % channels !== 0) return `${dense.opType} '${dense.name}' has ${features} input features, not a multiple of the ${channels} channels`;
      return { perChannel, reader: { kind: 'dense', flatten, node: dense, channelAxis: transB ? 1 : 0 }, tensors };
    }
    return `its channels reach ${reader.opType} '${reader.name}', which the channel pruner does not follow`;
  }
}

/** A Conv with one filter per input channel (group = channels, weight [channels, 1, kh, kw]) whose weights are its own. */
function isDepthwise(index: GraphIndex, conv: NodeProto, channels: number): boolean {
  const weight = floatConstant(index, conv.input[1]);
  const own = [conv.input[1], conv.input[2]].every((name) => !name || (index.consumers.get(name) ?? []).length <= 1);
  return intAttribute(conv, 'group', 1) === channels && channels > 1 && weight?.dims.length === 4 && weight.dims[0] === channels && weight.dims[1] === 1 && own;
}

function pruneChannels(index: GraphIndex, options: PruneOptions, notes: string[]): PruneOutcome {
  const skipped: PruneSkipped[] = [];
  const pruned = new Map<NodeProto, [number, number, number[]]>();
  const changedTensors = new Set<string>();
  index.graph.node.forEach((conv, at) => {
    if (conv.opType !== 'Conv') return;
    const name = layerName(conv, at);
    const skip = (reason: string): void => void skipped.push({ layer: name, op: conv.opType, reason });
    if (isExcluded(conv, options)) return skip('excluded.');
    if (intAttribute(conv, 'group', 1) !== 1) return skip('it is a grouped (depthwise) convolution; its channels are tied to its input channels.');
    const weight = floatConstant(index, conv.input[1]);
    if (!weight || weight.dims.length !== 4) return skip('its weight is not a 4-D float32 constant.');
    if ((index.consumers.get(conv.input[1] ?? '') ?? []).length > 1) return skip(`its weight '${conv.input[1]}' is shared with other nodes.`);
    const channels = weight.dims[0] as number;
    const path = channelPath(index, conv, channels);
    if (typeof path === 'string') return skip(`${path}.`);
    const drop = weakestChannels(channelL1Norms(weight.data, weight.dims, 0), options.amount);
    if (drop.length === 0) return skip(`it has ${channels} output channels; ${Math.round(options.amount * 100)} % of them rounds to none.`);

    const shrunkWeight = dropAlongAxis(weight.data, weight.dims, 0, drop);
    storeFloat(weight.tensor, shrunkWeight.data, shrunkWeight.dims);
    const bias = floatConstant(index, conv.input[2]);
    if (bias) storeFloat(bias.tensor, dropAlongAxis(bias.data, bias.dims, 0, drop).data, [channels - drop.length]);
    for (const node of path.perChannel) {
      if (node.opType === 'Conv') {
        // Depthwise: weight [C, 1, kh, kw], bias [C], group C.
        for (const param of node.input.slice(1, 3)) {
          const value = floatConstant(index, param);
          if (value) {
            const shrunk = dropAlongAxis(value.data, value.dims, 0, drop);
            storeFloat(value.tensor, shrunk.data, shrunk.dims);
          }
        }
        const group = node.attribute.find((a) => a.name === 'group');
        if (group) group.i = BigInt(channels - drop.length);
      }
      if (node.opType !== 'BatchNormalization') continue;
      for (const param of node.input.slice(1, 5)) {
        const value = floatConstant(index, param);
        if (value) storeFloat(value.tensor, dropAlongAxis(value.data, value.dims, 0, drop).data, [channels - drop.length]);
      }
    }
    const readerWeight = floatConstant(index, path.reader.node.input[1]) as NonNullable<ReturnType<typeof floatConstant>>;
    if (path.reader.kind === 'conv') {
      const shrunk = dropAlongAxis(readerWeight.data, readerWeight.dims, 1, drop);
      storeFloat(readerWeight.tensor, shrunk.data, shrunk.dims);
    } else {
      // [N, C·S] (Gemm transB) or [C·S, N]: each channel owns S consecutive features of the flattened NCHW tensor.
      const axis = path.reader.channelAxis;
      const spatial = (readerWeight.dims[axis] as number) / channels;
      const other = readerWeight.dims[1 - axis] as number;
      const grouped = axis === 1 ? [other, channels, spatial] : [channels, spatial, other];
      const shrunk = dropAlongAxis(readerWeight.data, grouped, axis, drop);
      const dims = axis === 1 ? [other, (channels - drop.length) * spatial] : [(channels - drop.length) * spatial, other];
      storeFloat(readerWeight.tensor, shrunk.data, dims);
    }
    for (const tensor of path.tensors) changedTensors.add(tensor);
    pruned.set(conv, [channels, channels - drop.length, drop]);
  });
  // Shapes recorded for the tensors whose channel count changed are stale; onnxruntime infers them again.
  const before = index.graph.valueInfo.length;
  index.graph.valueInfo = index.graph.valueInfo.filter((info) => !changedTensors.has(info.name));
  if (index.graph.valueInfo.length < before) notes.push(`${before - index.graph.valueInfo.length} recorded intermediate shapes were dropped (their channel counts changed).`);
  return { skipped, channels: pruned };
}

