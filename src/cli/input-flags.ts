/**
 * The input flags bench, eval, inspect and `edgebench inputs` share (--shape, --dim, --value,
 * --workspace), and finding the sizes saved with a model in a workspace. A model given as a file
 * is found in the workspace by its content hash (a workspace model's id), so the sizes saved in
 * the studio apply to `edgebench bench model.onnx` too.
 */
import { existsSync } from 'node:fs';
import { StudioError } from '../shared/errors';
import type { ModelInfo } from '../shared/model-info';
import type { GivenInputs } from '../shared/model-inputs';
export { givenAsFlags as formatGivenAsFlags } from '../shared/input-messages';
import type { SavedInputsForRun } from '../core/bench/bench-inputs';
import { defaultWorkspaceDir } from '../core/workspace/default-dir';
import { savedInputsForRun } from '../core/workspace/inputs-store';
import { Workspace } from '../core/workspace/workspace';
import { parseShapes, parseValues, type FlagSpecs, type ParsedArgs } from './args';

export const shapeFlag: FlagSpecs = {
  shape: { kind: 'assignments', valueName: 'NAME=1x3x224x224', help: 'Full shape of an input with symbolic dims (repeatable).' },
};
export const dimFlag: FlagSpecs = {
  dim: { kind: 'assignments', valueName: 'NAME=SIZE', help: 'Size of a named symbolic dim, in every input that has it (repeatable), e.g. --dim batch=1.' },
};
export const valueFlag: FlagSpecs = {
  value: { kind: 'assignments', valueName: 'NAME=16000', help: 'Fill an input with one constant value (repeatable).' },
};
export const workspaceFlag: FlagSpecs = {
  workspace: {
    kind: 'string',
    valueName: 'DIR',
    help: "Workspace whose saved input sizes and values apply (default: EDGEBENCH_WORKSPACE, else the studio's own).",
  },
};

/** --dim NAME=SIZE (repeatable) → { NAME: SIZE } */
export function parseDims(args: ParsedArgs): Record<string, number> {
  const dims: Record<string, number> = {};
  for (const raw of args.flags.get('dim') ?? []) {
    const text = String(raw);
    const at = text.lastIndexOf('=');
    const name = at < 0 ? '' : text.slice(0, at);
    const size = at < 0 ? '' : text.slice(at + 1);
    if (name === '' || !/^\d+$/.test(size)) {
      throw new StudioError('BAD_INPUT', `--dim expects NAME=SIZE with a whole-number size (e.g. --dim batch=1), got '${text}'.`, { flag: 'dim' });
    }
    dims[name] = Number(size);
  }
  return dims;
}

/** --shape, --dim and --value as given on the command line. */
export function givenFromFlags(args: ParsedArgs): GivenInputs {
  return { shapes: parseShapes(args), dims: parseDims(args), values: parseValues(args) };
}

/** The workspace --workspace names, else EDGEBENCH_WORKSPACE, else the studio's default; never created here. */
export function workspaceFrom(args: ParsedArgs): Workspace {
  const dir = args.flags.get('workspace')?.[0];
  return new Workspace(typeof dir === 'string' ? dir : defaultWorkspaceDir());
}

/**
 * The sizes saved in the workspace for the model with these contents, or null when the workspace
 * (or the model in it) does not exist. A damaged inputs.json is a damaged file the user gave:
 * refused (exit 2), naming the file, and left untouched.
 */
export async function savedInputsForModel(workspace: Workspace, info: ModelInfo): Promise<SavedInputsForRun | null> {
  if (!existsSync(workspace.root)) return null;
  const id = info.sha256.slice(0, 16);
  const entry = await workspace.readModelEntry(id).catch(() => null);
  if (entry === null) return null;
  try {
    return savedInputsForRun(entry);
  } catch (error) {
    if (error instanceof StudioError) throw new StudioError('BAD_INPUT', error.message, error.context);
    throw error;
  }
}
