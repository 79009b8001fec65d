/**
 * The Models page's Input sizes form: one field per open dim (a named dim once for every input
 * that shares it), a constant value per input, their validation, and the sizes they save. The
 * planning itself is the engine's (src/shared/input-plan.ts), so the form shows what runs will use.
 */
import { INPUT_SIZES_FIELD, inputProblemMessage } from '../../shared/input-messages';
import { dimKey, isSymbolicDim, planModelInputs, type InputPlan } from '../../shared/input-plan';
import type { TensorInfo } from '../../shared/model-info';
import type { GivenInputs } from '../../shared/model-inputs';

export { INPUT_SIZES_FIELD };

/** What the user typed, as text. */
export interface InputSizesFields {
  /** By dim key (dimKey): a named dim has one field for all its inputs. */
  dims: Record<string, string>;
  /** Constant value by input name; '' = random. */
  values: Record<string, string>;
  /** Full shape ("1x3x224x224") for inputs whose rank the model does not declare. */
  shapes: Record<string, string>;
}

/** Error text per field: 'dim:<key>', 'value:<input>', 'shape:<input>', or 'input:<input>' for the input as a whole. */
export type InputSizesErrors = Record<string, string>;

const INTEGER_DTYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** The open dims of an input: where they are, the key their size is kept under, and their name. */
export function openDims(input: TensorInfo): Array<{ index: number; key: string; name: string | null }> {
  return (input.shape ?? []).flatMap((dim, index) =>
    isSymbolicDim(dim) ? [{ index, key: dimKey(input.name, index, dim), name: typeof dim === 'string' && dim !== `d${index}` ? dim : null }] : [],
  );
}

/** True when there is something to size: an open dim or an input of unknown rank. */
export function hasOpenSizes(inputs: readonly TensorInfo[]): boolean {
  return inputs.some((input) => input.shape === null || openDims(input).length > 0);
}

/** The fields as the saved inputs fill them (empty where nothing is saved). */
export function fieldsFromSaved(inputs: readonly TensorInfo[], saved: GivenInputs | null): InputSizesFields {
  const fields: InputSizesFields = { dims: {}, values: {}, shapes: {} };
  const plan = planModelInputs(inputs, saved ?? { shapes: {}, dims: {}, values: {} });
  for (const input of plan.inputs) {
    if (input.declaredShape === null) {
      fields.shapes[input.name] = input.shape === null ? '' : input.shape.join('x');
    } else {
      input.dims.forEach((dim, index) => {
        if (isSymbolicDim(dim.declared)) fields.dims[dimKey(input.name, index, dim.declared)] = dim.source === 'given' ? String(dim.value) : '';
      });
    }
    fields.values[input.name] = input.value === null ? '' : String(input.value);
  }
  return fields;
}

export type ReadResult = { ok: true; given: GivenInputs; plan: InputPlan } | { ok: false; errors: InputSizesErrors };

/**
 * The sizes and values to save, or an error per field. A named dim's size goes under its name
 * (every input with it takes it); an input with unnamed open dims is saved as a full shape, so
 * once one of those is filled, every open dim of that input needs a size.
 */
export function readInputSizesForm(model: string, inputs: readonly TensorInfo[], fields: InputSizesFields): ReadResult {
  const errors: InputSizesErrors = {};
  const sizes = new Map<string, number>();
  for (const [key, text] of Object.entries(fields.dims)) {
    if (text.trim() === '') continue;
    const value = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || value < 1) errors[`dim:${key}`] = 'Enter a whole number of at least 1.';
    else sizes.set(key, value);
  }
  const given: GivenInputs = { shapes: {}, dims: {}, values: {} };
  for (const input of inputs) {
    if (input.shape === null) {
      const text = (fields.shapes[input.name] ?? '').trim();
      if (text === '') continue;
      const parts = text.split(/\s*[x×,]\s*/);
      if (parts.some((part) => !/^\d+$/.test(part))) errors[`shape:${input.name}`] = 'Enter sizes joined by x, e.g. 1x3x224x224.';
      else given.shapes[input.name] = parts.map(Number);
      continue;
    }
    const open = openDims(input);
    const unnamedFilled = open.some((dim) => dim.name === null && sizes.has(dim.key));
    for (const dim of open) {
      const size = sizes.get(dim.key);
      if (dim.name !== null && size !== undefined) given.dims[dim.name] = size;
      if (unnamedFilled && size === undefined && errors[`dim:${dim.key}`] === undefined) {
        errors[`dim:${dim.key}`] = `Give this dim a size too: '${input.name}' is saved as a whole shape once one of its unnamed dims has a size.`;
      }
    }
    if (unnamedFilled && open.every((dim) => sizes.has(dim.key))) {
      given.shapes[input.name] = input.shape.map((dim, index) => (isSymbolicDim(dim) ? (sizes.get(dimKey(input.name, index, dim)) as number) : (dim as number)));
    }
  }
  for (const input of inputs) {
    const text = (fields.values[input.name] ?? '').trim();
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value)) errors[`value:${input.name}`] = 'Enter a number, or leave it empty for random values.';
    else if (INTEGER_DTYPES.has(input.dtype) && !Number.isInteger(value)) errors[`value:${input.name}`] = `Enter a whole number: the input holds ${input.dtype}.`;
    else given.values[input.name] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const plan = planModelInputs(inputs, given, 'saved');
  const problem = plan.problems.find((p) => p.kind !== 'image-sizes-missing');
  if (problem !== undefined) {
    const input = 'input' in problem ? problem.input : (inputs[0]?.name ?? '');
    return { ok: false, errors: { [`input:${input}`]: inputProblemMessage(problem, { frontEnd: 'ui', model, inputs }) } };
  }
  return { ok: true, given, plan };
}

/** True when the fields say the same as what is saved (Save has nothing to do). */
export function sameAsSaved(inputs: readonly TensorInfo[], fields: InputSizesFields, saved: GivenInputs | null): boolean {
  const now = fieldsFromSaved(inputs, saved);
  const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
    Object.keys({ ...a, ...b }).every((key) => (a[key] ?? '').trim() === (b[key] ?? '').trim());
  return same(now.dims, fields.dims) && same(now.values, fields.values) && same(now.shapes, fields.shapes);
}
