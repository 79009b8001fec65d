/**
 * A model's MACs at the sizes its runs use. ModelInfo's own count takes every symbolic dim as 1;
 * given sizes (--shape / --dim, or the sizes saved with the model) make ONNX MACs countable at
 * those sizes, and a note says which sizes the figure assumes. `edgebench inspect` and the
 * Models page (models.macs) both count here, so they print the same figure and note.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelMacs } from '../../shared/contract';
import { StudioError } from '../../shared/errors';
import { inputProblemMessage } from '../../shared/input-messages';
import { formatSizes, isSymbolicDim, planModelInputs, type InputPlan } from '../../shared/input-plan';
import type { ModelInfo } from '../../shared/model-info';
import { NO_GIVEN_INPUTS, type GivenInputs } from '../../shared/model-inputs';
import { readOnnx } from '../formats/onnx/onnx-reader';
import { savedInputsForRun } from '../workspace/inputs-store';
import { mainModelPath } from '../workspace/model-store';
import type { Workspace } from '../workspace/workspace';

/** Where the sizes came from, as the note says it: "given", "saved with the model in DIR", ... */
export type SizesOrigin = string;

/**
 * The model's facts with MACs counted at the given sizes (ONNX), and a note (the last one) saying
 * which sizes the MACs assume. Sizes the model contradicts are refused as bench refuses them.
 */
export async function macsAtGivenSizes(file: string, info: ModelInfo, given: GivenInputs, from: SizesOrigin): Promise<ModelInfo> {
  const symbolic = info.inputs.filter((input) => input.shape === null || input.shape.some(isSymbolicDim));
  if (symbolic.length === 0) return info;
  const plan = planModelInputs(info.inputs, { ...given, values: {} });
  const problem = plan.problems.find((p) => 'level' in p);
  if (problem !== undefined) throw new StudioError('BAD_INPUT', inputProblemMessage(problem, { frontEnd: 'cli', model: file, inputs: info.inputs }));
  if (!isSized(plan)) {
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

/** Any open dim (or unknown rank) given a size. */
function isSized(plan: InputPlan): boolean {
  return plan.inputs.some((input) => input.dims.some((dim) => dim.source === 'given') || (input.declaredShape === null && input.shape !== null));
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

/**
 * A workspace model's MACs at the sizes saved with it (a variant: its float model's, as far as they
 * fit), for the Models page. Without saved sizes for its open dims, the reader's own count (dims as 1).
 */
export async function savedSizeMacs(workspace: Workspace, id: string): Promise<ModelMacs> {
  const entry = await workspace.readModelEntry(id);
  const saved = savedInputsForRun(entry);
  const plan = planModelInputs(entry.info.inputs, { ...(saved ?? NO_GIVEN_INPUTS), values: {} });
  if (saved === null || !isSized(plan)) return { macs: entry.info.macs, macsByOp: entry.info.macsByOp, atSavedSizes: false, notes: entry.info.notes };
  const counted = await macsAtGivenSizes(mainModelPath(workspace, entry), entry.info, saved, `saved with the model in ${workspace.root}`);
  // TFLite and TF.js MACs are counted from the model alone: the note says the saved sizes do not change them.
  return { macs: counted.macs, macsByOp: counted.macsByOp, atSavedSizes: entry.info.format === 'onnx', notes: counted.notes };
}
