/**
 * Planning a model's benchmark inputs: which size every dim gets, which sizes were given and which
 * had to be guessed, and what must be refused before any runner starts. The CLI, the engine and the
 * UI's forms all plan with this one module, so they agree on what a run will use.
 *
 * Dims are matched by name across inputs: ONNX gives one size to every dim that shares a
 * dim_param ("batch" in silero's input and in its state), so a size given for a named dim in one
 * input (by --shape or --dim) sizes it in every input. Unnamed dims belong to their input alone.
 */
import type { Dim, TensorInfo } from './model-info';
import type { GivenInputs } from './model-inputs';

/** Where given sizes and values came from: the command's flags (or a run's settings), or the sizes saved with the model. */
export type GivenLevel = 'flags' | 'saved';

/** model: the model fixes the dim; given: a --shape, --dim or saved size; guessed: nobody gave one. */
export type DimSource = 'model' | 'given' | 'guessed';

/** The size a symbolic dim nobody sized runs at: the smallest every runtime accepts. The run says it was guessed. */
export const GUESSED_DIM_SIZE = 1;

/**
 * One input larger than this is refused before a runner starts. A runner builds each input as one
 * typed array, which V8 caps at 2^32 elements (buffer.constants.MAX_LENGTH on 64-bit Node 20), and
 * 4 GiB of input is beyond the memory of the boards the studio targets; a larger shape is a typo.
 */
export const MAX_INPUT_BYTES = 4 * 1024 ** 3;

export interface PlannedDim {
  /** As the model declares it: a number, a name, or null. */
  declared: Dim;
  /** The dim's name when it has one that inputs can share; null for unnamed dims. */
  name: string | null;
  value: number;
  source: DimSource;
}

export interface ImageLayout {
  layout: 'NCHW' | 'NHWC';
  /** 1 or 3. */
  channels: number;
  /** Positions of the height and width dims. */
  height: number;
  width: number;
}

export interface PlannedInput {
  name: string;
  dtype: string;
  declaredShape: Dim[] | null;
  /** The shape the runner builds; null when the rank is unknown and no --shape gave one (the runtime picks one: a guess). */
  shape: number[] | null;
  /** One per declared dim (empty when the rank is unknown). */
  dims: PlannedDim[];
  /** The rank is unknown and no shape was given. */
  rankGuessed: boolean;
  /** Every element takes this value; null: seeded random values. */
  value: number | null;
  /** For 4-D inputs with 1 or 3 channels: where height, width and channels are. */
  image: ImageLayout | null;
}

/** What a flag or saved entry said, for messages about it. */
export type DimOrigin = { via: 'shape'; input: string; dims: number[] } | { via: 'dim' };

export type InputProblem =
  | { kind: 'unknown-input'; level: GivenLevel; via: 'shape' | 'value'; input: string; given: string }
  | { kind: 'rank-mismatch'; level: GivenLevel; input: string; given: number[]; declared: Dim[] }
  | { kind: 'fixed-dim'; level: GivenLevel; input: string; given: number[]; index: number; fixed: number; declared: Dim[] }
  | { kind: 'unknown-dim'; level: GivenLevel; dim: string; size: number }
  | {
      kind: 'dim-conflict';
      level: GivenLevel;
      dim: string;
      first: { value: number; origin: DimOrigin };
      second: { value: number; origin: DimOrigin };
    }
  | { kind: 'not-integer'; level: GivenLevel; input: string; value: number; dtype: string }
  | { kind: 'image-sizes-missing'; input: string; dtype: string; declared: Dim[]; image: ImageLayout; missing: number[] }
  | { kind: 'too-large'; input: string; dtype: string; shape: number[]; elements: number; bytes: number; fromModel: boolean };

export interface InputPlan {
  inputs: PlannedInput[];
  /** Everything to refuse, in the order found; empty when the plan can run. */
  problems: InputProblem[];
}

/** A guessed dim as runs record it. */
export interface GuessedDim {
  /** Position in the input's shape (0-based). */
  index: number;
  /** The dim's name, or null for an unnamed dim. */
  name: string | null;
  value: number;
}

const INTEGER_DTYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

const BYTES_PER_ELEMENT: Record<string, number> = {
  float64: 8,
  int64: 8,
  uint64: 8,
  float32: 4,
  int32: 4,
  uint32: 4,
  float16: 2,
  bfloat16: 2,
  int16: 2,
  uint16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function bytesPerElement(dtype: string): number {
  return BYTES_PER_ELEMENT[dtype] ?? 4;
}

/** A dim the model leaves open: a name, null (unknown), or a negative number (TFLite's and onnxruntime's -1). */
export function isSymbolicDim(dim: Dim): boolean {
  return typeof dim !== 'number' || dim < 0;
}

/**
 * The name two inputs can share a dim by. TFLite and TF.js have no dim names, and our readers
 * write 'd<i>' for an open dim at position i: that is a placeholder, not a name.
 */
export function sharedDimName(dim: Dim, index: number): string | null {
  if (typeof dim !== 'string' || dim.trim() === '' || dim === `d${index}`) return null;
  return dim;
}

/** The key a dim's size is given under: its shared name, or its input and position for an unnamed dim. */
export function dimKey(input: string, index: number, dim: Dim): string {
  return keyOf(input, index, dim);
}

function keyOf(input: string, index: number, dim: Dim): string {
  const name = sharedDimName(dim, index);
  return name !== null ? `name:${name}` : `pos:${index}:${input}`;
}

/**
 * 4-D with 1 or 3 channels fixed at position 1 (NCHW) or 3 (NHWC); NCHW wins when both could be
 * channels. Audio and sequence models ([batch, samples], [2, batch, 128], a scalar sample rate)
 * have other ranks; spectrogram-like [batch, 1, time, mels] inputs are image-shaped but keep a
 * fixed mel count, which the refusal rule below allows.
 */
export function imageLayoutOf(shape: readonly Dim[] | null): ImageLayout | null {
  if (shape === null || shape.length !== 4) return null;
  const channels = (index: number): number | null => {
    const dim = shape[index];
    return dim === 1 || dim === 3 ? dim : null;
  };
  const first = channels(1);
  if (first !== null) return { layout: 'NCHW', channels: first, height: 2, width: 3 };
  const last = channels(3);
  if (last !== null) return { layout: 'NHWC', channels: last, height: 1, width: 2 };
  return null;
}

/**
 * Plans every input of a model from what was given at one level (flags, or the saved sizes alone).
 * To combine both, merge them first with mergeGivenInputs.
 */
export function planModelInputs(inputs: readonly TensorInfo[], given: GivenInputs, level: GivenLevel = 'flags'): InputPlan {
  const problems: InputProblem[] = [];
  const byName = new Map(inputs.map((info) => [info.name, info]));
  const assigned = new Map<string, { value: number; origin: DimOrigin }>();
  const fullShapes = new Map<string, number[]>();

  const assign = (key: string, name: string | null, value: number, origin: DimOrigin): void => {
    const before = assigned.get(key);
    if (before === undefined) {
      assigned.set(key, { value, origin });
    } else if (before.value !== value && name !== null) {
      problems.push({ kind: 'dim-conflict', level, dim: name, first: before, second: { value, origin } });
    }
  };

  for (const [name, dims] of Object.entries(given.shapes)) {
    const info = byName.get(name);
    if (info === undefined) {
      problems.push({ kind: 'unknown-input', level, via: 'shape', input: name, given: dims.join('x') });
      continue;
    }
    const declared = info.shape;
    if (declared === null) {
      // Rank unknown: any shape may be right.
      fullShapes.set(name, dims);
      continue;
    }
    if (dims.length !== declared.length) {
      problems.push({ kind: 'rank-mismatch', level, input: name, given: dims, declared });
      continue;
    }
    const fixedAt = declared.findIndex((dim, i) => !isSymbolicDim(dim) && dims[i] !== dim);
    if (fixedAt >= 0) {
      problems.push({ kind: 'fixed-dim', level, input: name, given: dims, index: fixedAt, fixed: declared[fixedAt] as number, declared });
      continue;
    }
    declared.forEach((dim, i) => {
      if (isSymbolicDim(dim)) assign(keyOf(name, i, dim), sharedDimName(dim, i), dims[i] as number, { via: 'shape', input: name, dims });
    });
  }

  for (const [name, size] of Object.entries(given.dims)) {
    const used = inputs.some((info) => info.shape?.some((dim, i) => sharedDimName(dim, i) === name) ?? false);
    if (!used) {
      problems.push({ kind: 'unknown-dim', level, dim: name, size });
      continue;
    }
    assign(`name:${name}`, name, size, { via: 'dim' });
  }

  for (const [name, value] of Object.entries(given.values)) {
    const info = byName.get(name);
    if (info === undefined) problems.push({ kind: 'unknown-input', level, via: 'value', input: name, given: String(value) });
    else if (INTEGER_DTYPES.has(info.dtype) && !Number.isInteger(value)) problems.push({ kind: 'not-integer', level, input: name, value, dtype: info.dtype });
  }

  const planned = inputs.map((info): PlannedInput => {
    const value = given.values[info.name] ?? null;
    if (info.shape === null) {
      const shape = fullShapes.get(info.name) ?? null;
      return { name: info.name, dtype: info.dtype, declaredShape: null, shape, dims: [], rankGuessed: shape === null, value, image: null };
    }
    const dims = info.shape.map((declared, i): PlannedDim => {
      const name = sharedDimName(declared, i);
      if (!isSymbolicDim(declared)) return { declared, name, value: declared as number, source: 'model' };
      const given = assigned.get(keyOf(info.name, i, declared));
      return given !== undefined ? { declared, name, value: given.value, source: 'given' } : { declared, name, value: GUESSED_DIM_SIZE, source: 'guessed' };
    });
    const shape = dims.map((dim) => dim.value);
    return { name: info.name, dtype: info.dtype, declaredShape: [...info.shape], shape, dims, rankGuessed: false, value, image: imageLayoutOf(info.shape) };
  });

  for (const input of planned) {
    const missing = missingImageSizes(input);
    if (missing.length > 0 && input.image !== null && input.declaredShape !== null) {
      problems.push({ kind: 'image-sizes-missing', input: input.name, dtype: input.dtype, declared: input.declaredShape, image: input.image, missing });
    }
    if (input.shape !== null) {
      const elements = input.shape.reduce((n, d) => n * d, 1);
      const bytes = elements * bytesPerElement(input.dtype);
      if (bytes > MAX_INPUT_BYTES) {
        const fromModel = input.dims.length > 0 && input.dims.every((dim) => dim.source !== 'given');
        problems.push({ kind: 'too-large', input: input.name, dtype: input.dtype, shape: input.shape, elements, bytes, fromModel });
      }
    }
  }
  return { inputs: planned, problems };
}

/**
 * The image dims a benchmark would have to guess, when that makes it meaningless: both height and
 * width, or either one of a 3-channel (colour) image. A 1-channel input with one open side is left
 * to run (guessed, and marked so): it is as likely a spectrogram with a free time axis as an image.
 */
function missingImageSizes(input: PlannedInput): number[] {
  if (input.image === null) return [];
  const guessed = [input.image.height, input.image.width].filter((index) => input.dims[index]?.source === 'guessed');
  return guessed.length === 2 || (input.image.channels === 3 && guessed.length === 1) ? guessed : [];
}

/** The dims of one planned input that nobody sized. */
export function guessedDimsOf(input: PlannedInput): GuessedDim[] {
  return input.dims.flatMap((dim, index) => (dim.source === 'guessed' ? [{ index, name: dim.name, value: dim.value }] : []));
}

/** True when any input has a guessed dim or rank: such a run's numbers describe inputs nobody chose. */
export function hasGuesses(plan: InputPlan): boolean {
  return plan.inputs.some((input) => input.rankGuessed || input.dims.some((dim) => dim.source === 'guessed'));
}

/**
 * The saved inputs with the flags' sizes and values taking precedence, as one record a run can
 * keep in its settings: a flag that sizes a named dim resizes it in the saved shapes too, so the
 * two levels never contradict each other.
 */
export function mergeGivenInputs(inputs: readonly TensorInfo[], flags: GivenInputs, saved: GivenInputs | null): GivenInputs {
  if (saved === null) return flags;
  const flagged = new Map<string, number>();
  for (const [name, dims] of Object.entries(flags.shapes)) {
    const declared = inputs.find((info) => info.name === name)?.shape;
    if (declared === null || declared === undefined || declared.length !== dims.length) continue;
    declared.forEach((dim, i) => {
      if (isSymbolicDim(dim)) flagged.set(keyOf(name, i, dim), dims[i] as number);
    });
  }
  for (const [name, size] of Object.entries(flags.dims)) flagged.set(`name:${name}`, size);

  const shapes: Record<string, number[]> = { ...flags.shapes };
  for (const [name, dims] of Object.entries(saved.shapes)) {
    if (shapes[name] !== undefined) continue;
    const declared = inputs.find((info) => info.name === name)?.shape;
    shapes[name] =
      declared === null || declared === undefined || declared.length !== dims.length
        ? dims
        : dims.map((size, i) => {
            const dim = declared[i] as Dim;
            return isSymbolicDim(dim) ? (flagged.get(keyOf(name, i, dim)) ?? size) : size;
          });
  }
  const dims: Record<string, number> = {};
  for (const [name, size] of Object.entries(saved.dims)) if (!flagged.has(`name:${name}`)) dims[name] = size;
  Object.assign(dims, flags.dims);
  return { shapes, dims, values: { ...saved.values, ...flags.values } };
}

/** Example sizes for an open dim: 1 where it looks like a batch, 224 for an image's sides, 512 for other lengths (an audio chunk, a token sequence). */
const EXAMPLE_BATCH = 1;
const EXAMPLE_IMAGE_SIDE = 224;
const EXAMPLE_LENGTH = 512;

/**
 * Shapes to suggest for every input of known rank, with one value per named dim across all
 * inputs (a dim shared by name gets the same example everywhere, or silero's batch would be 1 in
 * one input and 128 in the other). Given sizes are kept; a dim looks like a batch when it comes
 * first in any input, is named like one, or sits unnamed between fixed dims (an RNN state's
 * [layers, batch, hidden]); an image's sides get an image size; other open dims a length.
 */
export function exampleShapes(plan: InputPlan): Map<string, number[]> {
  const batchLike = new Set<string>();
  const imageSide = new Set<string>();
  for (const input of plan.inputs) {
    input.dims.forEach((dim, i) => {
      if (dim.source !== 'guessed') return;
      const key = keyOf(input.name, i, dim.declared);
      const before = input.dims[i - 1];
      const after = input.dims[i + 1];
      const between = dim.name === null && before?.source === 'model' && after?.source === 'model';
      if (i === 0 || (dim.name !== null && /batch|^n$/i.test(dim.name)) || between) batchLike.add(key);
      if (input.image !== null && (i === input.image.height || i === input.image.width)) imageSide.add(key);
    });
  }
  const examples = new Map<string, number[]>();
  for (const input of plan.inputs) {
    if (input.shape === null) continue;
    examples.set(
      input.name,
      input.dims.map((dim, i) => {
        if (dim.source !== 'guessed') return dim.value;
        const key = keyOf(input.name, i, dim.declared);
        return batchLike.has(key) ? EXAMPLE_BATCH : imageSide.has(key) ? EXAMPLE_IMAGE_SIDE : EXAMPLE_LENGTH;
      }),
    );
  }
  return examples;
}

/** "[batch, 3, ?, ?]" */
export function formatDeclaredShape(shape: readonly Dim[] | null): string {
  if (shape === null) return '[unknown rank]';
  return `[${shape.map((dim) => (dim === null || (typeof dim === 'number' && dim < 0) ? '?' : String(dim))).join(', ')}]`;
}

/** "1x3x224x224", as --shape takes it; "a scalar" for []. */
export function formatSizes(shape: readonly number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('x');
}
