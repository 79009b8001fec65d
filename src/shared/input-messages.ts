/**
 * The sentences for input problems and guessed sizes, worded per front-end: the CLI names flags
 * (--shape, --dim, --value, `edgebench inputs set`), the UI names the Models page's Input sizes
 * form. The problems themselves are data (input-plan.ts), so both say the same thing.
 */
import type { TensorInfo } from './model-info';
import {
  MAX_INPUT_BYTES,
  exampleShapes,
  formatDeclaredShape,
  formatSizes,
  planModelInputs,
  type DimOrigin,
  type GivenLevel,
  type GuessedDim,
  type InputPlan,
  type InputProblem,
} from './input-plan';
import type { GivenInputs } from './model-inputs';

export type FrontEnd = 'cli' | 'ui';

export interface MessageContext {
  frontEnd: FrontEnd;
  /** The model as the user knows it: its name in the workspace, or the file given on the command line. */
  model: string;
  inputs: readonly TensorInfo[];
  /** What was given, so examples keep the sizes already chosen. */
  given?: GivenInputs;
}

/** Where the UI sets sizes; the bench form and the messages point there. */
export const INPUT_SIZES_FIELD = 'Input sizes on the Models page';

/** One sentence per problem: what is wrong, quoting the value, and what to do. */
export function inputProblemMessage(problem: InputProblem, ctx: MessageContext): string {
  return ctx.frontEnd === 'cli' ? cliMessage(problem, ctx) : uiMessage(problem, ctx);
}

function cliMessage(problem: InputProblem, ctx: MessageContext): string {
  switch (problem.kind) {
    case 'unknown-input':
      return `${subject(problem.level, `--${problem.via} ${problem.input}=${problem.given}`)} names no input of this model; ${listInputs(ctx.inputs)}.`;
    case 'rank-mismatch': {
      const n = problem.given.length;
      const example = exampleFor(ctx, problem.input);
      return (
        `${subject(problem.level, `--shape ${problem.input}=${problem.given.join('x')}`)} gives ${n} dim${n === 1 ? '' : 's'}, but input '${problem.input}' has ` +
        `${problem.declared.length} (${formatDeclaredShape(problem.declared)}); give one size per dim, e.g. --shape ${problem.input}=${example}.`
      );
    }
    case 'fixed-dim':
      return (
        `${subject(problem.level, `--shape ${problem.input}=${problem.given.join('x')}`)} sets dim ${problem.index + 1} to ${problem.given[problem.index]}, ` +
        `but the model fixes it at ${problem.fixed} (${formatDeclaredShape(problem.declared)}).`
      );
    case 'unknown-dim':
      return `${subject(problem.level, `--dim ${problem.dim}=${problem.size}`)} names no symbolic dim of this model; ${listDimNames(ctx.inputs)}.`;
    case 'dim-conflict':
      return (
        `${problem.level === 'saved' ? 'The sizes saved with this model' : 'The flags'} give the dim '${problem.dim}' two sizes: ` +
        `${problem.first.value} (${originText(problem.first.origin, problem.dim, problem.first.value)}) and ${problem.second.value} ` +
        `(${originText(problem.second.origin, problem.dim, problem.second.value)}); every input with that dim shares one size, so give it one.`
      );
    case 'not-integer':
      return `${subject(problem.level, `--value ${problem.input}=${problem.value}`)} is not an integer, but input '${problem.input}' holds ${problem.dtype}; give a whole number.`;
    case 'image-sizes-missing': {
      const example = exampleFor(ctx, problem.input);
      return (
        `Input '${problem.input}' of ${ctx.model} looks like an image (${problem.dtype} ${formatDeclaredShape(problem.declared)}, ${problem.image.layout}) ` +
        `whose ${sidesText(problem)} the model leaves open, so a benchmark would have to guess; pass the size your application feeds it, ` +
        `e.g. --shape ${problem.input}=${example}, or save it once with 'edgebench inputs set ${ctx.model} --shape ${problem.input}=${example}'.`
      );
    }
    case 'too-large':
      return (
        `${tooLargeText(problem)}; ` +
        (problem.fromModel
          ? 'the model itself declares this shape, so it cannot be benchmarked.'
          : `give smaller sizes with --shape ${problem.input}=DIMS (flags replace the sizes saved with the model).`)
      );
  }
}

function uiMessage(problem: InputProblem, ctx: MessageContext): string {
  switch (problem.kind) {
    case 'unknown-input':
      return `'${problem.input}' is not an input of this model; ${listInputs(ctx.inputs)}.`;
    case 'rank-mismatch':
      return `The size of '${problem.input}' has ${problem.given.length} dims, but the input has ${problem.declared.length} (${formatDeclaredShape(problem.declared)}); give one size per dim.`;
    case 'fixed-dim':
      return `Dim ${problem.index + 1} of '${problem.input}' is fixed at ${problem.fixed} by the model (${formatDeclaredShape(problem.declared)}); leave it at ${problem.fixed}.`;
    case 'unknown-dim':
      return `No input of this model has a dim named '${problem.dim}'; ${listDimNames(ctx.inputs)}.`;
    case 'dim-conflict':
      return `The dim '${problem.dim}' was given two sizes, ${problem.first.value} and ${problem.second.value}; every input with that dim shares one size, so give it one.`;
    case 'not-integer':
      return `The value of '${problem.input}' must be a whole number: the input holds ${problem.dtype}.`;
    case 'image-sizes-missing':
      return (
        `Input '${problem.input}' of ${ctx.model} looks like an image (${problem.dtype} ${formatDeclaredShape(problem.declared)}, ${problem.image.layout}) ` +
        `whose ${sidesText(problem)} the model leaves open; enter them under ${INPUT_SIZES_FIELD} ` +
        `(for example ${exampleFor(ctx, problem.input).replace(/x/g, ' × ')}) before benchmarking it.`
      );
    case 'too-large':
      return `${tooLargeText(problem)}; ${problem.fromModel ? 'the model itself declares this shape, so it cannot be benchmarked.' : 'enter smaller sizes.'}`;
  }
}

/** The first problem as one sentence, or null when the plan can run. */
export function firstInputProblem(plan: InputPlan, ctx: MessageContext): string | null {
  const problem = plan.problems[0];
  return problem === undefined ? null : inputProblemMessage(problem, ctx);
}

function subject(level: GivenLevel, flag: string): string {
  return level === 'saved' ? `The saved ${flag}` : flag;
}

function originText(origin: DimOrigin, dim: string, value: number): string {
  return origin.via === 'dim' ? `--dim ${dim}=${value}` : `--shape ${origin.input}=${origin.dims.join('x')}`;
}

function sidesText(problem: Extract<InputProblem, { kind: 'image-sizes-missing' }>): string {
  if (problem.missing.length === 2) return 'height and width';
  return problem.missing[0] === problem.image.height ? 'height' : 'width';
}

function tooLargeText(problem: Extract<InputProblem, { kind: 'too-large' }>): string {
  return (
    `Input '${problem.input}' would be ${formatSizes(problem.shape)} = ${problem.elements.toLocaleString('en-US')} ${problem.dtype} elements, ` +
    `${problem.bytes.toLocaleString('en-US')} bytes (${formatByteSize(problem.bytes)}), more than the ${formatByteSize(MAX_INPUT_BYTES)} the studio builds for one input`
  );
}

/** The example shape for one input, as --shape takes it (the model's own sizes where it fixes them). */
function exampleFor(ctx: MessageContext, name: string): string {
  const plan = planModelInputs(ctx.inputs, exampleBasis(ctx));
  const example = exampleShapes(plan).get(name);
  return example === undefined ? '1' : formatSizes(example);
}

/** The given sizes that fit the model (examples build on them; ones it contradicts are left out). */
function exampleBasis(ctx: MessageContext): GivenInputs {
  const given = ctx.given;
  if (given === undefined) return { shapes: {}, dims: {}, values: {} };
  const fits = planModelInputs(ctx.inputs, given).problems.every((problem) => !('level' in problem));
  return fits ? given : { shapes: {}, dims: {}, values: {} };
}

function listInputs(inputs: readonly TensorInfo[]): string {
  if (inputs.length === 0) return 'the model declares no inputs';
  const list = inputs.map((info) => `${info.name} (${info.dtype} ${info.shape === null ? '[?]' : formatDeclaredShape(info.shape)})`);
  return `its inputs are: ${list.join(', ')}`;
}

function listDimNames(inputs: readonly TensorInfo[]): string {
  const names = new Set<string>();
  for (const info of inputs) info.shape?.forEach((dim) => typeof dim === 'string' && !/^d\d+$/.test(dim) && names.add(dim));
  return names.size === 0 ? 'it has no named dims (size its inputs with --shape)' : `its named dims are: ${[...names].join(', ')}`;
}

/** "4 TiB", "1.5 GiB", "512 B": binary units, as the studio shows memory. */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || Number.isInteger(value) ? 0 : value < 10 ? 2 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A run's guessed dims, per input, as the run file keeps them. */
export interface GuessedInput {
  input: string;
  dims: GuessedDim[];
  rankGuessed: boolean;
}

/**
 * "dim 2 of 'input' = 1, dim 'batch' = 1 (in input, h, c)": every guessed dim once, a named dim
 * once for all the inputs that share it.
 */
export function describeGuessedDims(guessed: readonly GuessedInput[]): string {
  type Part = { text: string } | { name: string; value: number; inputs: string[] };
  const parts: Part[] = [];
  const named = new Map<string, { name: string; value: number; inputs: string[] }>();
  for (const entry of guessed) {
    if (entry.rankGuessed) parts.push({ text: `the rank of '${entry.input}' (ran as the runtime chose)` });
    for (const dim of entry.dims) {
      if (dim.name === null) {
        parts.push({ text: `dim ${dim.index + 1} of '${entry.input}' = ${dim.value}` });
        continue;
      }
      const seen = named.get(dim.name);
      if (seen === undefined) {
        const part = { name: dim.name, value: dim.value, inputs: [entry.input] };
        named.set(dim.name, part);
        parts.push(part);
      } else if (!seen.inputs.includes(entry.input)) {
        seen.inputs.push(entry.input);
      }
    }
  }
  return parts
    .map((part) => ('text' in part ? part.text : `dim '${part.name}' = ${part.value} (in ${part.inputs.map((input) => `'${input}'`).join(', ')})`))
    .join(', ');
}

/** The guessed dims of a run's inputs, as describeGuessedDims takes them; empty for a run that guessed nothing. */
export function guessedInputsOfRun(inputs: readonly { name: string; guessedDims?: GuessedDim[]; rankGuessed?: boolean }[]): GuessedInput[] {
  return inputs
    .filter((input) => (input.guessedDims?.length ?? 0) > 0 || input.rankGuessed === true)
    .map((input) => ({ input: input.name, dims: input.guessedDims ?? [], rankGuessed: input.rankGuessed === true }));
}

/** The --shape flags that would size every guessed dim, one value per named dim across all inputs. */
export function suggestedShapeFlags(inputs: readonly TensorInfo[], given: GivenInputs, only?: ReadonlySet<string>): string[] {
  const plan = planModelInputs(inputs, given);
  const examples = exampleShapes(plan);
  return plan.inputs
    .filter((input) => (only === undefined || only.has(input.name)) && input.dims.some((dim) => dim.source === 'guessed'))
    .map((input) => `--shape ${input.name}=${formatSizes(examples.get(input.name) ?? [])}`);
}

/** "x 1x3x320x320, batch = 1, sr = 16000": given or saved inputs as the studio's Input sizes form shows them. */
export function givenAsText(given: GivenInputs): string {
  return [
    ...Object.entries(given.shapes).map(([name, dims]) => `${name} ${dims.join('x')}`),
    ...Object.entries(given.dims).map(([name, size]) => `${name} = ${size}`),
    ...Object.entries(given.values).map(([name, value]) => `${name} = ${value}`),
  ].join(', ');
}

/** "--shape x=1x3x320x320 --dim batch=1 --value sr=16000": given or saved inputs as the flags that say the same. */
export function givenAsFlags(given: GivenInputs): string {
  return [
    ...Object.entries(given.shapes).map(([name, dims]) => `--shape ${name}=${dims.join('x')}`),
    ...Object.entries(given.dims).map(([name, size]) => `--dim ${name}=${size}`),
    ...Object.entries(given.values).map(([name, value]) => `--value ${name}=${value}`),
  ].join(' ');
}
