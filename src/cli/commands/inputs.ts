/**
 * `edgebench inputs show|set|clear MODEL`: the input sizes and constant values saved once per
 * model in the workspace (models/<id>/inputs.json), which every later run, evaluation and
 * report of the model uses. The studio's Models page edits the same file.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { describeGuessedDims, givenAsFlags, guessedInputsOfRun, inputProblemMessage } from '../../shared/input-messages';
import { formatDeclaredShape, formatSizes, guessedDimsOf, mergeGivenInputs, planModelInputs } from '../../shared/input-plan';
import { NO_GIVEN_INPUTS, isEmptyGivenInputs, type GivenInputs } from '../../shared/model-inputs';
import { importedModelName } from '../../shared/model-naming';
import { modelPathOf } from '../model-path';
import { pickReader } from '../../core/formats/model-readers';
import { inspectModelFiles } from '../../core/formats/inspect';
import { saveModelInputs } from '../../core/workspace/inputs-store';
import { importModel, type ModelFileBuffer } from '../../core/workspace/model-store';
import type { Workspace } from '../../core/workspace/workspace';
import { flagBool, formatHelp, parseArgs, type FlagSpecs } from '../args';
import { dimFlag, givenFromFlags, shapeFlag, valueFlag, workspaceFlag, workspaceFrom } from '../input-flags';
import type { CommandIo } from '../io';

const flags: FlagSpecs = {
  ...shapeFlag,
  ...dimFlag,
  ...valueFlag,
  replace: { kind: 'boolean', help: 'set: replace everything saved before (default: the flags given replace only what they name).' },
  ...workspaceFlag,
  json: { kind: 'boolean', help: 'Print JSON only: the model, what is saved, and what a run would use.' },
  help: { kind: 'boolean', help: 'Show this help.' },
};

export const inputsHelp = formatHelp(
  'edgebench inputs show|set|clear MODEL [--shape NAME=DIMS] [--dim NAME=SIZE] [--value NAME=N] [--workspace DIR] [--json]',
  [
    'Saves the sizes of a model\'s symbolic dims and constant values for its inputs once, in the workspace',
    '(models/<id>/inputs.json); every later bench, eval and inspect of the model uses them, in the CLI and',
    'in the studio (whose Models page edits the same sizes). Flags given to a command take precedence.',
    '',
    '  show   what is saved, and the shape each input would run at (guessed dims marked)',
    '  set    save --shape / --dim / --value (merged with what is saved, unless --replace)',
    '  clear  remove what is saved',
    '',
    'MODEL is a model file (imported into the workspace by set when it is not there yet; bench finds it by',
    'its contents), a workspace model id, or a workspace model name. A variant without sizes of its own uses',
    'its float model\'s. Examples:',
    '  edgebench inputs set ch_PP-OCRv4_det_infer.onnx --shape x=1x3x640x640',
    '  edgebench inputs set silero_vad_v5.onnx --shape input=1x512 --shape state=2x1x128 --value sr=16000',
  ].join('\n'),
  flags,
);

type Action = 'show' | 'set' | 'clear';

export async function inputsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs('inputs', argv, flags);
  if (flagBool(args, 'help')) {
    io.out(inputsHelp);
    return 0;
  }
  const [action, model, ...extra] = args.positionals;
  if (action !== 'show' && action !== 'set' && action !== 'clear') {
    throw new StudioError('BAD_INPUT', `edgebench inputs needs show, set or clear, then a model, e.g. 'edgebench inputs show model.onnx'${action === undefined ? '' : ` (got '${action}')`}.`);
  }
  if (model === undefined || extra.length > 0) {
    throw new StudioError('BAD_INPUT', `edgebench inputs ${action} takes one model (a file, or a workspace model's id or name), e.g. 'edgebench inputs ${action} model.onnx'.`);
  }
  const given = givenFromFlags(args);
  if (action !== 'set' && !isEmptyGivenInputs(given)) {
    throw new StudioError('BAD_INPUT', `--shape, --dim and --value go with 'edgebench inputs set'; '${action}' takes none.`, { flag: 'shape' });
  }
  if (action === 'set' && isEmptyGivenInputs(given)) {
    throw new StudioError('BAD_INPUT', "edgebench inputs set needs at least one --shape NAME=DIMS, --dim NAME=SIZE or --value NAME=N to save; 'clear' removes them.");
  }
  const workspace = workspaceFrom(args);
  const entry = await findModel(workspace, model, action === 'set', io);
  const updated = await apply(action, workspace, entry, given, flagBool(args, 'replace'), io);
  if (flagBool(args, 'json')) io.out(JSON.stringify(describeModelInputs(workspace, updated), null, 2));
  else io.out(formatModelInputs(workspace, updated));
  return 0;
}

async function apply(action: Action, workspace: Workspace, entry: ModelEntry, given: GivenInputs, replace: boolean, io: CommandIo): Promise<ModelEntry> {
  if (action === 'show') return entry;
  if (action === 'clear') {
    const removed = await workspace.removeModelInputs(entry.id).catch((error: unknown) => {
      // A damaged file is a bad input here (exit 2), and it stays as it is.
      throw error instanceof StudioError && error.code === 'WORKSPACE' ? new StudioError('BAD_INPUT', error.message, error.context) : error;
    });
    io.err(removed ? `Removed the inputs saved with ${entry.name} (${workspace.modelInputsPath(entry.id)}).` : `${entry.name} has no inputs of its own saved; nothing to remove.`);
    return workspace.readModelEntry(entry.id);
  }
  const before = replace || entry.savedInputs === null ? NO_GIVEN_INPUTS : entry.savedInputs;
  const merged = mergeGivenInputs(entry.info.inputs, given, { shapes: before.shapes, dims: before.dims, values: before.values });
  const saved = await saveModelInputs(workspace, entry.id, merged, 'cli');
  io.err(`Saved in ${workspace.modelInputsPath(entry.id)}: ${givenAsFlags(merged)}.`);
  return saved;
}

/**
 * The model MODEL names: a file (found by its content hash; `set` imports it when the workspace
 * does not have it yet), else a workspace model id, else a unique workspace model name.
 */
export async function findModel(workspace: Workspace, given: string, importIfMissing: boolean, io: CommandIo): Promise<ModelEntry> {
  // A folder the TF.js converter wrote stands for its model.json.
  const model = modelPathOf(given);
  if (existsSync(model) && statSync(model).isFile()) {
    const info = await inspectModelFiles([model]);
    const id = info.sha256.slice(0, 16);
    const known = existsSync(workspace.root) ? await workspace.readModelEntry(id).catch((error: unknown) => notFound(error)) : null;
    if (known !== null) return known;
    if (!importIfMissing) {
      // Nothing saved: show what a run of the file would use, without importing it.
      return { id, name: importedModelName({ mainFile: path.resolve(model) }), importedAt: '', variant: 'float', files: [], info, origin: null, savedInputs: null, savedInputsProblem: null };
    }
    await workspace.ensure();
    const entry = await importModel(workspace, await modelFiles(model));
    io.err(`Imported ${model} into the workspace ${workspace.root} as model ${entry.id} (${entry.name}).`);
    return entry;
  }
  if (!existsSync(workspace.root)) {
    throw new StudioError('NOT_FOUND', `There is no file '${model}' and no workspace at ${workspace.root}; give a model file, or --workspace DIR.`, { file: model });
  }
  const byId = /^[0-9a-f]{16}$/.test(model) ? await workspace.readModelEntry(model).catch((error: unknown) => notFound(error)) : null;
  if (byId !== null) return byId;
  const models = await workspace.listModels();
  const named = models.filter((entry) => entry.name === model);
  if (named.length === 1) return named[0] as ModelEntry;
  if (named.length > 1) {
    throw new StudioError('BAD_INPUT', `Several models in ${workspace.root} are named '${model}' (${named.map((entry) => entry.id).join(', ')}); name one by its id.`);
  }
  const list = models.map((entry) => `${entry.name} (${entry.id})`).join(', ') || 'none';
  throw new StudioError('NOT_FOUND', `There is no file '${model}' and no model of that id or name in the workspace ${workspace.root}; its models are: ${list}.`, { file: model });
}

function notFound(error: unknown): null {
  if (error instanceof StudioError && error.code === 'NOT_FOUND') return null;
  throw error;
}

/**
 * The model's file, and for TF.js its weight shards (named in model.json, next to it), as
 * importModel takes them. The main file goes by its whole path, as an upload goes by "folder/file":
 * import keeps only the file name and names a generic model.json or model.onnx after its folder.
 */
async function modelFiles(file: string): Promise<ModelFileBuffer[]> {
  const main = { name: path.resolve(file), data: new Uint8Array(await readFile(file)) };
  const companions = pickReader(main).companions(main);
  const shards = await Promise.all(
    companions.map(async (relative) => ({ name: path.basename(relative), data: new Uint8Array(await readFile(path.resolve(path.dirname(file), relative))) })),
  );
  return [main, ...shards];
}

/** The JSON answer: what is saved, and per input what a run would use. */
function describeModelInputs(workspace: Workspace, entry: ModelEntry): unknown {
  const saved = entry.savedInputs;
  const plan = planModelInputs(entry.info.inputs, saved ?? NO_GIVEN_INPUTS);
  return {
    model: { id: entry.id, name: entry.name },
    workspace: workspace.root,
    saved,
    file: saved === null ? null : workspace.modelInputsPath(saved.fromModelId),
    inputs: plan.inputs.map((input) => ({
      name: input.name,
      dtype: input.dtype,
      declaredShape: input.declaredShape,
      shape: input.shape,
      guessedDims: guessedDimsOf(input),
      rankGuessed: input.rankGuessed,
      value: input.value,
    })),
    problems: plan.problems.map((problem) => inputProblemMessage(problem, { frontEnd: 'cli', model: entry.name, inputs: entry.info.inputs })),
  };
}

function formatModelInputs(workspace: Workspace, entry: ModelEntry): string {
  const saved = entry.savedInputs;
  const plan = planModelInputs(entry.info.inputs, saved ?? NO_GIVEN_INPUTS);
  const savedLine =
    saved === null
      ? '  saved    nothing (runs guess open dims as 1; save sizes with edgebench inputs set)'
      : `  saved    ${givenAsFlags(saved)}  (${workspace.modelInputsPath(saved.fromModelId)}${saved.fromModelId === entry.id ? '' : ", the float model's"}, ${saved.updatedAt})`;
  const width = Math.max(...plan.inputs.map((input) => input.name.length), 4);
  const rows = plan.inputs.map((input) => {
    const guessed = guessedDimsOf(input).map((dim) => `dim ${dim.index + 1}`);
    if (input.rankGuessed) guessed.unshift('rank');
    const shape = input.shape === null ? 'the runtime decides' : formatSizes(input.shape);
    const fill = input.value === null ? 'random' : `constant ${input.value}`;
    return `    ${input.name.padEnd(width)}  ${input.dtype}  ${formatDeclaredShape(input.declaredShape)} → ${shape}  ${fill}${guessed.length > 0 ? `  (guessed: ${guessed.join(', ')})` : ''}`;
  });
  const guesses = guessedInputsOfRun(plan.inputs.map((input) => ({ name: input.name, guessedDims: guessedDimsOf(input), rankGuessed: input.rankGuessed })));
  const lines = [
    `${entry.name} (model ${entry.id}, workspace ${workspace.root})`,
    savedLine,
    '  a run uses',
    ...rows,
  ];
  if (entry.savedInputsProblem !== null) lines.push(`  problem  ${entry.savedInputsProblem}`);
  for (const problem of plan.problems) lines.push(`  refused  ${inputProblemMessage(problem, { frontEnd: 'cli', model: entry.name, inputs: entry.info.inputs })}`);
  if (plan.problems.length === 0 && guesses.length > 0) lines.push(`  note     runs would be marked unstable: ${describeGuessedDims(guesses)} would be guessed.`);
  return lines.join('\n');
}
