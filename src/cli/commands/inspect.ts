import { StudioError } from '../../shared/errors';
import { mergeGivenInputs } from '../../shared/input-plan';
import { isEmptyGivenInputs } from '../../shared/model-inputs';
import { inspectModelFiles } from '../../core/formats/inspect';
import { modelPathsOf } from '../model-path';
import { readModelGraphFile } from '../../core/formats/graph/model-graph';
import { formatModelGraph } from '../graph-format';
import { macsAtGivenSizes } from '../../core/jobs/model-macs';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatModelInfo } from '../format';
import { dimFlag, givenFromFlags, savedInputsForModel, shapeFlag, workspaceFlag, workspaceFrom } from '../input-flags';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  ...shapeFlag,
  ...dimFlag,
  ...workspaceFlag,
  json: { kind: 'boolean', help: 'Print JSON only (one object, or an array for several files).' },
  graph: { kind: 'boolean', help: 'Print the model graph instead: every node (subgraphs included) as op, id, inputs → outputs; with --json, the graph as data (nodes, edges, subgraphs, tensors).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const inspectHelp = formatHelp(
  'edgebench inspect FILE... [--shape NAME=DIMS] [--dim NAME=SIZE] [--json] [--graph]',
  [
    'Reads ONNX (.onnx), TensorFlow Lite (.tflite) and TF.js (model.json + shards) models and reports',
    'their format, inputs and outputs, op histogram, parameters, size, sha256 and MAC estimate.',
    'MACs count symbolic dims as 1 unless --shape / --dim (or the sizes saved with the model in --workspace,',
    'see edgebench inputs) give their sizes: then ONNX MACs are counted at those sizes, and a note says which.',
    '--graph prints the graph instead: every node of the model and of its subgraphs (ONNX If/Loop/Scan bodies,',
    'TFLite subgraphs, TF.js function bodies), its edges, and each tensor\'s dtype, shape and weight statistics (--json).',
  ].join('\n'),
  flags,
);

export async function inspectCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('inspect', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(inspectHelp);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new StudioError('BAD_INPUT', "edgebench inspect needs at least one model file, e.g. 'edgebench inspect model.onnx'.");
  }
  // A folder the TF.js converter wrote stands for its model.json.
  const files = modelPathsOf(args.positionals);
  if (flagBool(args, 'graph')) return printGraphs(files, flagBool(args, 'json'), io);
  const flagsGiven = givenFromFlags(args);
  const workspace = workspaceFrom(args);
  const results = [];
  for (const file of files) {
    const info = await inspectModelFiles([file]);
    const saved = await savedInputsForModel(workspace, info);
    const from = saved === null ? 'given' : isEmptyGivenInputs(flagsGiven) ? `saved with the model in ${workspace.root}` : `given (flags over the sizes saved with the model in ${workspace.root})`;
    results.push({ file, info: await macsAtGivenSizes(file, info, mergeGivenInputs(info.inputs, flagsGiven, saved), from) });
  }
  if (flagBool(args, 'json')) {
    const infos = results.map((r) => r.info);
    io.out(JSON.stringify(infos.length === 1 ? infos[0] : infos, null, 2));
  } else {
    io.out(results.map((r) => formatModelInfo(r.file, r.info)).join('\n\n'));
  }
  return 0;
}

/** --graph: the graph of each file (sizes do not change a graph, so --shape and --dim play no part). */
async function printGraphs(files: string[], json: boolean, io: CommandIo): Promise<number> {
  const graphs = [];
  for (const file of files) graphs.push({ file, graph: await readModelGraphFile(file) });
  if (json) {
    const data = graphs.map((g) => g.graph);
    io.out(JSON.stringify(data.length === 1 ? data[0] : data, null, 2));
  } else {
    io.out(graphs.map((g) => formatModelGraph(g.file, g.graph)).join('\n\n'));
  }
  return 0;
}
