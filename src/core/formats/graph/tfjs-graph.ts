/**
 * A TF.js model's graph as ModelGraph, through the existing model.json reader and manifest
 * (tfjs-manifest.ts, tfjs-graph.ts, tfjs-layers.ts). Graph models: every node of
 * modelTopology.node (Placeholder and Const included, as TensorFlow counts them) and of every
 * library function (a control-flow body, a subgraph); layers models: each layer a node, its
 * inbound_nodes the edges. Weights carry statistics read from the shards in place, dequantized
 * as tfjs-core decodes them (uint8/uint16 codes × scale + min, float16 halves).
 */
import type { Dim } from '../../../shared/model-info';
import type { GraphTensor, ModelGraph, WeightStats } from '../../../shared/model-graph';
import type { ModelFileSet } from '../model-file';
import { asArray, asRecord, asString, tfDtypeName } from '../tfjs/tfjs-common';
import { functionCall, graphEndpoints, type GraphNode as TfNode, readGraphTopology, tensorKey, tensorShape } from '../tfjs/tfjs-graph';
import { readLayersModel } from '../tfjs/tfjs-layers';
import { locateWeights, parseModelJson, type WeightLocation } from '../tfjs/tfjs-manifest';
import { GraphBuilder, Scope } from './graph-builder';
import { elementKind, statsOfBytes } from './weight-stats';

export function readTfjsGraph(files: ModelFileSet): ModelGraph {
  const json = parseModelJson(files.main);
  const located = locateWeights(files.main.name, json, files.companions);
  // Shards in manifest order, so a weight that runs past the end of one continues in the next.
  const shardOrder = (json.weightsManifest ?? []).map((group) => group.paths.flatMap((p) => files.companions.get(p) ?? []));
  const weights: Weights = { located, bytes: (location) => weightBytes(location, shardOrder) };
  const topology = asRecord(json.modelTopology);
  const isGraph = json.format === 'graph-model' || (json.format === undefined && Array.isArray(topology.node));
  const builder = new GraphBuilder('tfjs');
  if (isGraph) addGraphModel(builder, topology, json.signature, weights);
  else addLayersModel(builder, topology, weights);
  const stored = [...located.values()].filter((location) => location.entry.quantization);
  if (stored.length > 0) {
    const kinds = [...new Set(stored.map((location) => location.entry.quantization?.dtype))].join(', ');
    builder.notes.push(`${stored.length} weight(s) are stored as ${kinds} and dequantized when the model loads; their statistics are of the dequantized values.`);
  }
  return builder.build();
}

interface Weights {
  located: Map<string, WeightLocation>;
  bytes: (location: WeightLocation) => Uint8Array | undefined;
}

/** A weight's bytes: a view of its shard, or (when it runs on into the next shard) a copy of just that weight. */
function weightBytes(location: WeightLocation, shardOrder: ReadonlyArray<ReadonlyArray<{ data: Uint8Array }>>): Uint8Array | undefined {
  const { shard, offset, byteLength } = location;
  if (offset + byteLength <= shard.data.byteLength) return shard.data.subarray(offset, offset + byteLength);
  const group = shardOrder.find((shards) => shards.includes(shard));
  if (!group) return undefined;
  const out = new Uint8Array(byteLength);
  let filled = 0;
  for (let i = group.indexOf(shard), at = offset; i < group.length && filled < byteLength; i += 1, at = 0) {
    const part = (group[i] as { data: Uint8Array }).data.subarray(at, at + byteLength - filled);
    out.set(part, filled);
    filled += part.byteLength;
  }
  return filled === byteLength ? out : undefined;
}

function addGraphModel(builder: GraphBuilder, topology: Record<string, unknown>, signature: unknown, weights: Weights): void {
  const graph = readGraphTopology(topology);
  const main = new Scope(null);
  const endpoints = graphEndpoints(graph.nodes, signature);
  const callers = new Map<string, number>();
  const mainIndices = addTfNodes(builder, main, graph.nodes, weights);
  graph.nodes.forEach((node, i) => {
    for (const name of functionCall(node)?.functions ?? []) if (!callers.has(name)) callers.set(name, mainIndices[i] as number);
  });
  for (const { info, node } of endpoints.inputs) builder.tensor(node, { dtype: info.dtype, shape: info.shape, role: 'input' });
  for (const { info, node } of endpoints.outputs) builder.tensor(node, { dtype: info.dtype === 'unknown' ? null : info.dtype, shape: info.shape, role: 'output' });
  for (const fn of graph.functions.values()) {
    const scope = builder.namedSubgraph(`function:${fn.name}`, `function '${fn.name}'`, null, callers.get(fn.name));
    fn.args.forEach((arg, i) => builder.tensor(arg, { shape: fn.argShapes[i] ?? null }));
    const indices = addTfNodes(builder, scope, fn.nodes, weights);
    fn.nodes.forEach((node, i) => {
      for (const name of functionCall(node)?.functions ?? []) if (!callers.has(name)) callers.set(name, indices[i] as number);
    });
  }
}

/**
 * A node's outputs: its own name for output 0, then each other output some node reads ("split:1"),
 * since a GraphDef does not list a node's outputs.
 */
function addTfNodes(builder: GraphBuilder, scope: Scope, nodes: TfNode[], weights: Weights): number[] {
  const extraOutputs = new Map<string, Set<string>>();
  for (const node of nodes) {
    for (const input of node.inputs) {
      const key = tensorKey(input);
      const producer = key.split(':')[0] as string;
      if (key !== producer) (extraOutputs.get(producer) ?? extraOutputs.set(producer, new Set()).get(producer))?.add(key);
    }
  }
  return nodes.map((node) => {
    const index = builder.addNode(scope, {
      name: node.name,
      op: node.op,
      inputs: node.inputs.map(tensorKey),
      outputs: [node.name, ...[...(extraOutputs.get(node.name) ?? [])].sort()],
      attributes: Object.fromEntries(Object.entries(node.attr).filter(([name]) => name !== 'value').map(([name, value]) => [name, attrText(value)])),
    });
    if (node.op === 'Placeholder') {
      builder.tensor(node.name, { dtype: tfDtypeName(asString(asRecord(node.attr.dtype).type)), shape: tensorShape(asRecord(node.attr.shape).shape) });
    }
    const weight = weights.located.get(node.name);
    if (weight) builder.tensor(node.name, weightFacts(weight, weights));
    else if (node.op === 'Const') builder.tensor(node.name, { role: 'weight', dtype: tfDtypeName(asString(asRecord(node.attr.dtype).type)) });
    return index;
  });
}

function weightFacts(location: WeightLocation, weights: Weights): Partial<GraphTensor> {
  const { entry } = location;
  const bytes = weights.bytes(location);
  const stats = bytes ? weightStats(location, bytes) : undefined;
  return {
    role: 'weight',
    dtype: entry.dtype,
    shape: entry.shape as Dim[],
    ...(entry.quantization ? { storedAs: entry.quantization.dtype } : {}),
    ...(stats ? { stats } : {}),
  };
}

/** A weight's values as tfjs-core decodes them. */
function weightStats(location: WeightLocation, bytes: Uint8Array): WeightStats | undefined {
  const { entry } = location;
  const quantization = entry.quantization;
  const kind = elementKind(quantization?.dtype ?? entry.dtype);
  if (!kind) return undefined;
  const elements = entry.shape.reduce((a, b) => a * b, 1);
  if (!quantization || quantization.dtype === 'float16') return statsOfBytes(bytes, kind, elements);
  const { scale, min } = quantization;
  if (scale === undefined || min === undefined) return undefined;
  const round = entry.dtype === 'int32';
  return statsOfBytes(bytes, kind, elements, (code) => (round ? Math.round(code * scale + min) : code * scale + min));
}

const base64Text = (value: string): string => Buffer.from(value, 'base64').toString('utf8');

/** An AttrValue in JSON ({ i: "3" }, { s: base64 }, { list: { i: [...] } }, { type }, { shape }, { tensor }, { func }) as text. */
export function attrText(value: unknown): string {
  const attr = asRecord(value);
  if ('s' in attr) return base64Text(asString(attr.s));
  if ('i' in attr) return String(attr.i);
  if ('f' in attr) return String(attr.f);
  if ('b' in attr) return String(attr.b === true);
  if ('type' in attr) return tfDtypeName(asString(attr.type));
  if ('shape' in attr) return shapeText(tensorShape(attr.shape));
  if ('tensor' in attr) {
    const tensor = asRecord(attr.tensor);
    return `tensor ${tfDtypeName(asString(tensor.dtype))}${shapeText(tensorShape(tensor.tensorShape))}`;
  }
  if ('func' in attr) return `function '${asString(asRecord(attr.func).name)}'`;
  if ('list' in attr) {
    const list = asRecord(attr.list);
    const items = [
      ...asArray(list.s).map((s) => base64Text(asString(s))),
      ...asArray(list.i).map(String),
      ...asArray(list.f).map(String),
      ...asArray(list.b).map(String),
      ...asArray(list.type).map((t) => tfDtypeName(asString(t))),
      ...asArray(list.shape).map((s) => shapeText(tensorShape(s))),
      ...asArray(list.func).map((f) => asString(asRecord(f).name)),
    ];
    return `[${items.join(', ')}]`;
  }
  return JSON.stringify(value);
}

function shapeText(shape: Dim[] | null): string {
  return shape === null ? '[unknown rank]' : `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Layers models: a layer reads the layers its inbound_nodes name (a Sequential model's layer, the
 * one before it), and its weights are the manifest entries under its name ("dense/kernel", or
 * "sequential/dense/kernel" as some converters write them).
 */
function addLayersModel(builder: GraphBuilder, topology: Record<string, unknown>, weights: Weights): void {
  const model = readLayersModel(topology);
  const scope = new Scope(null);
  const sequential = model.layers.every((layer) => layer.inbound.length === 0);
  const weightNames = [...weights.located.keys()];
  const claimed = new Set<string>();
  model.layers.forEach((layer, i) => {
    const ownWeights = weightNames.filter((name) => !claimed.has(name) && (name.startsWith(`${layer.name}/`) || name.includes(`/${layer.name}/`)));
    for (const name of ownWeights) claimed.add(name);
    let inputs = layer.inbound;
    if (sequential && layer.className !== 'InputLayer') {
      const previous = model.layers[i - 1];
      // Keras names the input of a Sequential model that starts without an InputLayer '<first layer>_input'.
      inputs = [previous ? previous.name : `${layer.name}_input`];
      if (!previous) builder.tensor(inputs[0] as string, { role: 'input', ...batchShapeFacts(layer.config) });
    }
    builder.addNode(scope, {
      name: layer.name,
      op: layer.className,
      inputs: [...inputs, ...ownWeights],
      outputs: [layer.name],
      attributes: Object.fromEntries(Object.entries(layer.config).filter(([key]) => key !== 'name').map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])),
    });
    for (const name of ownWeights) builder.tensor(name, weightFacts(weights.located.get(name) as WeightLocation, weights));
    const dtype = asString(layer.config.dtype);
    if (layer.className === 'InputLayer') builder.tensor(layer.name, { role: 'input', ...batchShapeFacts(layer.config) });
    else if (dtype !== '') builder.tensor(layer.name, { dtype });
  });
  for (const name of model.inputNames) builder.tensor(name, { role: 'input' });
  for (const name of model.outputNames) builder.tensor(name, { role: 'output' });
  const unclaimed = weightNames.filter((name) => !claimed.has(name));
  if (unclaimed.length > 0) {
    builder.notes.push(`${unclaimed.length} weight(s) match no layer by name (${unclaimed.slice(0, 3).join(', ')}${unclaimed.length > 3 ? ', …' : ''}); they are in the tensor table but no node reads them.`);
    for (const name of unclaimed) builder.tensor(name, weightFacts(weights.located.get(name) as WeightLocation, weights));
  }
}

function batchShapeFacts(config: Record<string, unknown>): { dtype?: string; shape?: Dim[] } {
  const shape = config.batch_input_shape ?? config.batch_shape;
  const dtype = asString(config.dtype);
  return {
    ...(dtype !== '' ? { dtype } : {}),
    ...(Array.isArray(shape) ? { shape: shape.map((dim: unknown) => (typeof dim === 'number' ? dim : null)) } : {}),
  };
}
