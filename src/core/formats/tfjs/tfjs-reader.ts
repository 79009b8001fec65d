import type { ModelFileSet, ModelReader, ModelReadout } from '../model-file';
import { asRecord, type TfjsEstimate } from './tfjs-common';
import { graphEndpoints, readGraphTopology } from './tfjs-graph';
import { estimateGraphMacs, inferredOutputShapes } from './tfjs-graph-macs';
import { analyzeLayers, readLayersModel } from './tfjs-layers';
import { locateWeights, looksLikeModelJson, parseModelJson, shardPaths } from './tfjs-manifest';
import { MODEL_FORMATS } from '../../../shared/plugins/model-formats';

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
    const graph = readGraphTopology(topology);
    const ops: Record<string, number> = {};
    for (const node of [...graph.nodes, ...[...graph.functions.values()].flatMap((fn) => fn.nodes)]) ops[node.op] = (ops[node.op] ?? 0) + 1;
    const endpoints = graphEndpoints(graph.nodes, json.signature);
    const graphEstimate = estimateGraphMacs(graph, endpoints.inputs, weights);
    estimate = graphEstimate;
    // Output shapes the file leaves out are inferred, open where they follow an open input dim.
    const inferred = inferredOutputShapes(graph, endpoints.inputs, weights, graphEstimate);
    const outputs = endpoints.outputs.map(({ info, node }) => {
      const shape = info.shape === null ? inferred(node) : undefined;
      return shape ? { ...info, shape } : info;
    });
    base = { inputs: endpoints.inputs.map(({ info }) => info), outputs, ops };
    if (graph.functions.size > 0) {
      const bodies = graphEstimate.conditionalOrLoopBodies;
      notes.push(
        `The graph has ${graph.functions.size} function body(ies) (control flow); their ops, weights and MACs are counted once each` +
          (bodies > 0 ? ` (${bodies} of them loop bodies or branches, counted as one iteration or as if taken).` : '.'),
      );
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

export const tfjsReader: ModelReader<'tfjs'> = {
  format: 'tfjs',
  extensions: MODEL_FORMATS.tfjs.extensions,
  match: looksLikeModelJson,
  companions: (main) => shardPaths(parseModelJson(main)),
  read: readTfjs,
};
