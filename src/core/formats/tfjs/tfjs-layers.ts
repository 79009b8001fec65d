import type { Dim, TensorInfo } from '../../../shared/model-info';
import { broadcast, convOutput, product } from '../shape-math';
import { asArray, asCount, asRecord, asString, type TfjsEstimate } from './tfjs-common';

/**
 * TF.js layers models: modelTopology is a Keras model config, either at the top
 * ({ class_name, config }) as `model.save()` writes it, or under `model_config` as the
 * converter writes Keras HDF5 models. Sequential configs are `{ layers: [...] }` or, in
 * old Keras, the bare array.
 */

interface Layer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers feeding this one (functional models). */
  inbound: string[];
}

export interface LayersModel {
  className: string;
  layers: Layer[];
  inputNames: string[];
  outputNames: string[];
}

export function readLayersModel(topology: Record<string, unknown>): LayersModel {
  const root = 'model_config' in topology ? asRecord(topology.model_config) : topology;
  const className = asString(root.class_name);
  const config = Array.isArray(root.config) ? { layers: root.config } : asRecord(root.config);
  const layers: Layer[] = asArray(config.layers).map((value) => {
    const layer = asRecord(value);
    const layerConfig = asRecord(layer.config);
    return {
      name: asString(layer.name) || asString(layerConfig.name),
      className: asString(layer.class_name),
      config: layerConfig,
      inbound: inboundNames(layer.inbound_nodes),
    };
  });
  const endpointNames = (value: unknown): string[] =>
    asArray(value).map((entry) => (Array.isArray(entry) ? asString(entry[0]) : asString(entry))).filter(Boolean);
  const sequential = className === 'Sequential' || !('input_layers' in config);
  const first = layers[0];
  const last = layers[layers.length - 1];
  return {
    className,
    layers,
    inputNames: sequential ? (first ? [first.name] : []) : endpointNames(config.input_layers),
    outputNames: sequential ? (last ? [last.name] : []) : endpointNames(config.output_layers),
  };
}

/**
 * Keras 2 writes inbound nodes as [[["dense", 0, 0, {}], ...]]; Keras 3 as
 * [{ args: [{ config: { keras_history: ["dense", 0, 0] } }] }]. Both are walked for names.
 */
function inboundNames(value: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      if (typeof node[0] === 'string' && typeof node[1] === 'number') names.push(node[0]);
      else node.forEach(visit);
    } else if (typeof node === 'object' && node !== null) {
      const record = asRecord(node);
      if (Array.isArray(record.keras_history)) visit(record.keras_history);
      else Object.values(record).forEach(visit);
    }
  };
  visit(value);
  return names;
}

function batchShape(layer: Layer): Dim[] | undefined {
  const shape = layer.config.batch_input_shape ?? layer.config.batch_shape;
  if (!Array.isArray(shape)) return undefined;
  // Keras writes null for a dim it leaves open, with no name: null here too.
  return shape.map((dim: unknown) => (typeof dim === 'number' ? dim : null));
}

export interface LayersAnalysis extends TfjsEstimate {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  ops: Record<string, number>;
}

/** Walks the layers in order (Keras stores them topologically), inferring shapes for MACs and outputs. */
export function analyzeLayers(model: LayersModel): LayersAnalysis {
  const declared = new Map<string, Dim[]>();
  const shapes = new Map<string, number[]>();
  const dtypes = new Map<string, string>();
  const analysis: LayersAnalysis = { inputs: [], outputs: [], ops: {}, macs: 0, macsByOp: {}, skipped: [] };
  const firstName = model.layers[0]?.name;

  let previous: string | undefined;
  for (const layer of model.layers) {
    if (layer.className !== 'InputLayer') analysis.ops[layer.className] = (analysis.ops[layer.className] ?? 0) + 1;
    const dtype = asString(layer.config.dtype) || asString(asRecord(asRecord(layer.config.dtype).config).name);
    dtypes.set(layer.name, dtype || 'float32');
    const sources = layer.inbound.length > 0 ? layer.inbound : previous !== undefined ? [previous] : [];
    const own = batchShape(layer);
    if (own) declared.set(layer.name, own);
    const inputShapes = sources.map((name) => shapes.get(name));
    const input = own && layer.className === 'InputLayer' ? own.map(toNumber) : (inputShapes[0] ?? own?.map(toNumber));
    const result = layerOutput(layer, input, inputShapes);
    if (result.macs !== undefined) {
      analysis.macs += result.macs;
      analysis.macsByOp[layer.className] = (analysis.macsByOp[layer.className] ?? 0) + result.macs;
    } else if (MAC_LAYERS.has(layer.className)) analysis.skipped.push(`${layer.className} '${layer.name}'`);
    if (result.output) shapes.set(layer.name, result.output);
    previous = layer.name;
  }

  const sequentialInput = model.className === 'Sequential' && model.layers[0]?.className !== 'InputLayer';
  analysis.inputs = model.inputNames.map((name) => ({
    name: sequentialInput && name === firstName ? `${name}_input` : name,
    dtype: dtypes.get(name) ?? 'float32',
    shape: declared.get(name) ?? null,
  }));
  analysis.outputs = model.outputNames.map((name) => ({
    name,
    dtype: dtypes.get(name) ?? 'float32',
    shape: outputShape(shapes.get(name), declared.get(model.inputNames[0] ?? '')),
  }));
  return analysis;
}

/** Keras layers keep the batch dim first: an open batch on the input stays open on the output. */
function outputShape(shape: number[] | undefined, inputShape: Dim[] | undefined): Dim[] | null {
  if (!shape) return null;
  const batch = inputShape?.[0];
  return shape.map((dim, index) => (index === 0 && batch !== undefined && typeof batch !== 'number' ? batch : dim));
}

function toNumber(dim: Dim): number {
  return typeof dim === 'number' ? dim : 1;
}

const MAC_LAYERS = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);
const PASS_THROUGH = new Set([
  'Activation', 'Dropout', 'BatchNormalization', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'Rescaling',
  'Normalization', 'LayerNormalization', 'GaussianNoise', 'SpatialDropout2D', 'InputLayer',
]);

function layerOutput(
  layer: Layer,
  input: number[] | undefined,
  inputs: Array<number[] | undefined>,
): { output?: number[]; macs?: number } {
  const c = layer.config;
  if (['Add', 'Multiply', 'Subtract', 'Average', 'Maximum', 'Minimum'].includes(layer.className)) {
    return inputs.every((shape): shape is number[] => shape !== undefined) ? { output: broadcast(inputs) } : {};
  }
  if (!input) return {};
  if (PASS_THROUGH.has(layer.className)) return { output: input };
  const channelsFirst = c.data_format === 'channels_first';
  switch (layer.className) {
    case 'Dense': {
      const units = asCount(c.units);
      const inner = input[input.length - 1];
      if (units === undefined || inner === undefined) return {};
      return { output: [...input.slice(0, -1), units], macs: product(input.slice(0, -1)) * inner * units };
    }
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      if (input.length !== 4) return {};
      const isPool = layer.className.endsWith('Pooling2D');
      const kernel = pair(isPool ? c.pool_size : c.kernel_size);
      if (!kernel) return {};
      const spatialIn = channelsFirst ? input.slice(2) : input.slice(1, 3);
      const channelsIn = (channelsFirst ? input[1] : input[3]) as number;
      const spatial = convOutput(spatialIn, {
        kernel,
        strides: pair(c.strides) ?? (isPool ? kernel : undefined),
        dilations: pair(c.dilation_rate),
        autoPad: asString(c.padding).toUpperCase() || 'VALID',
        ceilMode: false,
      });
      if (!spatial) return {};
      const channels =
        layer.className === 'Conv2D' ? asCount(c.filters)
        : layer.className === 'DepthwiseConv2D' ? channelsIn * (asCount(c.depth_multiplier) ?? 1)
        : channelsIn;
      if (channels === undefined) return {};
      const output = channelsFirst ? [input[0] as number, channels, ...spatial] : [input[0] as number, ...spatial, channels];
      if (isPool) return { output };
      // Conv2D: kh*kw*Cin/groups MACs per output element; DepthwiseConv2D: kh*kw.
      const perOutput =
        layer.className === 'Conv2D' ? product(kernel) * (channelsIn / (asCount(c.groups) ?? 1)) : product(kernel);
      return { output, macs: product(output) * perOutput };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      if (input.length !== 4) return {};
      const channels = (channelsFirst ? input[1] : input[3]) as number;
      return { output: c.keepdims === true ? [input[0] as number, 1, 1, channels] : [input[0] as number, channels] };
    }
    case 'Flatten':
      return { output: [input[0] as number, product(input.slice(1))] };
    case 'Reshape': {
      const target = asArray(c.target_shape).map(Number);
      if (!target.every(Number.isInteger)) return {};
      const known = product(target.filter((dim) => dim !== -1));
      const rest = product(input.slice(1));
      return { output: [input[0] as number, ...target.map((dim) => (dim === -1 && known > 0 ? rest / known : dim))] };
    }
    default:
      return {};
  }
}

function pair(value: unknown): number[] | undefined {
  if (typeof value === 'number') return [value, value];
  const values = asArray(value).map(Number);
  return values.length === 2 && values.every((v) => Number.isFinite(v)) ? values : undefined;
}
