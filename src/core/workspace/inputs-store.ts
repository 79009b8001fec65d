/**
 * Input sizes and constant values saved once per model (models/<id>/inputs.json), so every run,
 * evaluation and report of the model uses the sizes its user chose instead of guessed ones. The
 * file is read and written by Workspace; this module checks what is saved against the model and
 * hands it to runs. Flags given to one run take precedence over the saved values (mergeGivenInputs).
 */
import type { ModelEntry } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { givenAsFlags, inputProblemMessage, type FrontEnd } from '../../shared/input-messages';
import { planModelInputs } from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import { GivenInputs, isEmptyGivenInputs } from '../../shared/model-inputs';
import type { SavedInputsForRun } from '../bench/bench-inputs';
import type { Layout } from '../../shared/preprocessing';
import type { Workspace } from './workspace';

/**
 * Saves (or with null or nothing given, removes) a model's inputs after checking them against
 * its declared inputs: names it has, one size per dim, the sizes it fixes, whole numbers for
 * integer inputs, no input too large to build. An image with open sides is not refused here:
 * sizes may be saved one at a time (bench refuses it until they are all there).
 */
export async function saveModelInputs(workspace: Workspace, id: string, inputs: GivenInputs | null, frontEnd: FrontEnd): Promise<ModelEntry> {
  const entry = await workspace.readModelEntry(id);
  const given = inputs === null ? null : GivenInputs.parse(inputs);
  if (given === null || isEmptyGivenInputs(given)) {
    await workspace.removeModelInputs(id);
    return workspace.readModelEntry(id);
  }
  // An image may be sized later (one size at a time); an input too large to build is wrong already.
  const problem = planModelInputs(entry.info.inputs, given, 'saved').problems.find((p) => p.kind !== 'image-sizes-missing');
  if (problem !== undefined) {
    // Worded as what the user typed: flags on the CLI, fields in the UI (not "the saved ..."), since nothing was saved.
    const message = inputProblemMessage('level' in problem ? { ...problem, level: 'flags' } : problem, { frontEnd, model: entry.name, inputs: entry.info.inputs });
    throw new StudioError('BAD_INPUT', message, { model: id, problem: problem.kind });
  }
  await workspace.writeModelInputs(id, given);
  return workspace.readModelEntry(id);
}

/**
 * The saved inputs a run of this model uses, or null when none are saved. A damaged inputs.json
 * stops the run (with the file named) rather than letting it guess sizes the user meant to give.
 */
export function savedInputsForRun(entry: ModelEntry): SavedInputsForRun | null {
  if (entry.savedInputsProblem !== null) {
    throw new StudioError(
      'WORKSPACE',
      `The input sizes saved with '${entry.name}' cannot be read, so a run would have to guess them: ` +
        `${entry.savedInputsProblem.replace(/ Repair or remove it by hand\.$/, '')} Repair or remove that file, then run again.`,
      { model: entry.id },
    );
  }
  const saved = entry.savedInputs;
  if (saved === null) return null;
  const given = { shapes: saved.shapes, dims: saved.dims, values: saved.values };
  // A variant uses its float model's sizes as far as they fit it (a .tflite variant may fix dims, or name inputs otherwise).
  const fitting = saved.fromModelId === entry.id ? given : fitToModel(entry.info.inputs, given);
  return isEmptyGivenInputs(fitting) ? null : { ...fitting, fromModelId: saved.fromModelId };
}

/** The parts of another model's saved inputs this model can take: inputs and dims it has, shapes it agrees with. */
function fitToModel(inputs: ModelInfo['inputs'], given: GivenInputs): GivenInputs {
  const names = new Set(inputs.map((input) => input.name));
  const fits = (one: GivenInputs): boolean => planModelInputs(inputs, one).problems.every((problem) => !('level' in problem));
  const pick = <T>(record: Record<string, T>, wrap: (key: string, value: T) => GivenInputs): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([key, value]) => fits(wrap(key, value))));
  return {
    shapes: pick(given.shapes, (name, dims) => ({ shapes: { [name]: dims }, dims: {}, values: {} })),
    dims: pick(given.dims, (name, size) => ({ shapes: {}, dims: { [name]: size }, values: {} })),
    values: Object.fromEntries(Object.entries(given.values).filter(([name, value]) => names.has(name) && fits({ shapes: {}, dims: {}, values: { [name]: value } }))),
  };
}

/**
 * An evaluation feeds a dataset to the model's input, so its samples must have the sizes saved
 * with the model (or the accuracy would be for another resolution than the benchmarks): refused
 * with both shapes and what to change when they do not. The batch dim stays free (evaluation
 * batches itself), and dims the saved sizes leave open are left to the dataset.
 */
export async function checkDatasetFitsSavedInputs(
  model: { name: string; info: ModelInfo },
  saved: SavedInputsForRun | null,
  datasetDir: string,
  layout?: Layout,
): Promise<void> {
  const first = model.info.inputs[0];
  if (saved === null || first === undefined || model.info.inputs.length !== 1 || first.shape === null) return;
  const planned = planModelInputs(model.info.inputs, saved).inputs[0];
  if (planned === undefined || !planned.dims.some((dim, i) => i > 0 && dim.source === 'given')) return;
  const inputShape = planned.dims.map((dim, i) => (dim.source === 'model' ? dim.value : i === 0 || dim.source === 'guessed' ? null : dim.value));
  // Imported on use: bench and inspect load this module too, and never need the dataset code.
  const { loadDatasetTensors } = await import('../datasets/load-dataset');
  try {
    await loadDatasetTensors(datasetDir, { inputShape, inputName: first.name, limit: 0, layout });
  } catch (error) {
    // Only the shape mismatch is this check's to report; anything else the evaluation reports itself.
    if (!(error instanceof StudioError) || error.context.datasetShape === undefined) return;
    throw new StudioError('BAD_INPUT', `With the input sizes saved for '${model.name}' (${givenAsFlags(saved)}): ${error.message}`, {
      ...error.context,
      model: model.name,
    });
  }
}
