import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { inputProblemMessage } from '../../shared/input-messages';
import { formatSizes, isSymbolicDim, mergeGivenInputs, planModelInputs, type InputPlan } from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import { isEmptyGivenInputs, type GivenInputs } from '../../shared/model-inputs';
import { inspectModelFiles } from '../../core/formats/inspect';
import { readOnnx } from '../../core/formats/onnx/onnx-reader';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { formatModelInfo } from '../format';
import { dimFlag, givenFromFlags, savedInputsForModel, shapeFlag, workspaceFlag, workspaceFrom } from '../input-flags';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  ...shapeFlag,
  ...dimFlag,
  ...workspaceFlag,
  json: { kind: 'boolean', help: 'Print JSON only (one object, or an array for several files).' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const inspectHelp = formatHelp(
  'edgebench inspect FILE... [--shape NAME=DIMS] [--dim NAME=SIZE] [--json]',
  [
    'Reads ONNX (.onnx), TensorFlow Lite (.tflite) and TF.js (model.json + shards) models and reports',
    'their format, inputs and outputs, op histogram, parameters, size, sha256 and MAC estimate.',
    'MACs count symbolic dims as 1 unless --shape / --dim (or the sizes saved with the model in --workspace,',
    'see edgebench inputs) give their sizes: then ONNX MACs are counted at those sizes, and a note says which.',
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
  const flagsGiven = givenFromFlags(args);
  const workspace = workspaceFrom(args);
  const results = [];
  for (const file of args.positionals) {
    const info = await inspectModelFiles([file]);
    const saved = await savedInputsForModel(workspace, info);
    const from = saved === null ? 'given' : isEmptyGivenInputs(flagsGiven) ? `saved with the model in ${workspace.root}` : `given (flags over the sizes saved with the model in ${workspace.root})`;
    results.push({ file, info: await atGivenSizes(file, info, mergeGivenInputs(info.inputs, flagsGiven, saved), from) });
  }
  if (flagBool(args, 'json')) {
    const infos = results.map((r) => r.info);
    io.out(JSON.stringify(infos.length === 1 ? infos[0] : infos, null, 2));
  } else {
    io.out(results.map((r) => formatModelInfo(r.file, r.info)).join('\n\n'));
  }
  return 0;
}

/**
 * The model's facts with MACs counted at the given sizes (ONNX), and a note saying which sizes
 * the MACs assume. Sizes the model contradicts are refused like bench refuses them (exit 2).
 */
async function atGivenSizes(file: string, info: ModelInfo, given: GivenInputs, from: string): Promise<ModelInfo> {
  const symbolic = info.inputs.filter((input) => input.shape === null || input.shape.some(isSymbolicDim));
  if (symbolic.length === 0) return info;
  const plan = planModelInputs(info.inputs, { ...given, values: {} });
  const problem = plan.problems.find((p) => 'level' in p);
  if (problem !== undefined) throw new StudioError('BAD_INPUT', inputProblemMessage(problem, { frontEnd: 'cli', model: file, inputs: info.inputs }));
  const sized = plan.inputs.some((input) => input.dims.some((dim) => dim.source === 'given') || (input.declaredShape === null && input.shape !== null));
  if (!sized) {
    return { ...info, notes: [...info.notes, `MACs assume 1 for every symbolic dim (${openDims(plan)}); pass --shape or --dim to count them at the sizes you run.`] };
  }
  const sizes = plan.inputs.filter((input) => input.shape !== null).map((input) => `${input.name} ${formatSizes(input.shape ?? [])}`).join(', ');
  if (info.format !== 'onnx') {
    return { ...info, notes: [...info.notes, `MACs assume 1 for every symbolic dim: the sizes given (${sizes}) apply to runs, but ${info.format} MACs are counted from the model alone.`] };
  }
  const data = new Uint8Array(await readFile(file));
  const shapes = new Map(plan.inputs.flatMap((input) => (input.shape !== null ? [[input.name, input.shape] as const] : [])));
  const counted = readOnnx({ name: path.basename(file), data }, { inputShapes: shapes });
  const stillOpen = openDims(plan, 'guessed');
  const note = `MACs are counted at the sizes ${from}: ${sizes}${stillOpen === '' ? '' : `; dims still open count as 1 (${stillOpen})`}.`;
  return { ...info, macs: counted.macs, macsByOp: counted.macsByOp, notes: [...counted.notes, note] };
}

/** "x: p2o.DynamicDimension.0, dim 3": the open dims of each input, by name where they have one. */
function openDims(plan: InputPlan, only: 'guessed' | 'all' = 'all'): string {
  return plan.inputs
    .flatMap((input) => {
      if (input.declaredShape === null) return input.shape === null ? [`${input.name}: rank unknown`] : [];
      const open = input.dims.flatMap((dim, i) =>
        dim.source === 'model' || (only === 'guessed' && dim.source !== 'guessed') ? [] : [dim.name ?? `dim ${i + 1}`],
      );
      return open.length === 0 ? [] : [`${input.name}: ${open.join(', ')}`];
    })
    .join('; ');
}
