import type { ModelFileSet, ModelReader, ModelReadout } from '../model-file';
import { asRecord, type TfjsEstimate } from './tfjs-common';
import { estimateGraphMacs, graphEndpoints, readGraphNodes } from './tfjs-graph';
import { analyzeLayers, readLayersModel } from './tfjs-layers';
import { locateWeights, looksLikeModelJson, parseModelJson, shardPaths } from './tfjs-manifest';

/**
 * TF.js models: model.json (graph-model or layers-model) plus the binary weight shards
 * its weightsManifest lists. Parameters are the elements of all manifest weights.
 */
export function readTfjs(files: ModelFileSet): ModelReadout {
  const main = files.main;
  const json = parseModelJson(main);
  const weights = locateWeights(main.name, json, files.companions);
  const topology = asRecord(json.modelTopology);
  const isGraph = json.format === 'graph-model' || (json.format === undefined && Array.isArray(topology.node));

  let parameters = 0;
  for (const location of weights.values()) parameters += location.entry.shape.reduce((a, b) => a * b, 1);
  const notes: string[] = [];
  const quantized = [...weights.values()].filter((location) => location.entry.quantization);
  if (quantized.length > 0) {
    const dtypes = [...new Set(quantized.map((location) => location.entry.quantization?.dtype))].join(', ');
    notes.push(`${quantized.length} weight(s) are stored quantized (${dtypes}) and dequantized when the model loads.`);
  }

  let base: Pick<ModelReadout, 'inputs' | 'outputs' | 'ops'>;
  let estimate: TfjsEstimate;
  if (isGraph) {
    const nodes = readGraphNodes(topology);
    const ops: Record<string, number> = {};
    for (const node of nodes) ops[node.op] = (ops[node.op] ?? 0) + 1;
    const endpoints = graphEndpoints(nodes, json.signature);
    base = { ...endpoints, ops };
    estimate = estimateGraphMacs(nodes, endpoints.inputs, weights);
    const functions = asRecord(topology.library).function;
    if (Array.isArray(functions) && functions.length > 0) {
      notes.push(`The graph has ${functions.length} function(s) (control flow bodies); their ops and MACs are not counted.`);
    }
  } else {
    const analysis = analyzeLayers(readLayersModel(topology));
    base = { inputs: analysis.inputs, outputs: analysis.outputs, ops: analysis.ops };
    estimate = analysis;
  }
  if (estimate.skipped.length > 0) {
    const listed = estimate.skipped.slice(0, 5).join(', ') + (estimate.skipped.length > 5 ? `, and ${estimate.skipped.length - 5} more` : '');
    notes.push(`MACs of ${estimate.skipped.length} op(s) are not counted because their shapes could not be inferred: ${listed}.`);
  }

  const producer = [json.generatedBy, json.convertedBy].filter((part): part is string => Boolean(part)).join(', ');
  return {
    format: 'tfjs',
    producer: producer === '' ? null : producer,
    formatVersion: `format ${json.format ?? (isGraph ? 'graph-model' : 'layers-model')}`,
    ...base,
    parameters,
    macs: estimate.macs,
    macsByOp: estimate.macsByOp,
    notes,
  };
}

export const tfjsReader: ModelReader = {
  format: 'tfjs',
  extensions: ['.json'],
  match: looksLikeModelJson,
  companions: (main) => shardPaths(parseModelJson(main)),
  read: readTfjs,
};
