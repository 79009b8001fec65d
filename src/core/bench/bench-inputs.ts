/**
 * Checks a benchmark's settings before any process is started: options that contradict each
 * other, a runtime that cannot load the model's format, --shape / --value names and shapes the
 * model does not have. Turns --shape / --value into the runner's input requests, and words the
 * hint shown when the runtime rejects the generated inputs.
 */
import { StudioError } from '../../shared/errors';
import type { ModelFormat, ModelInfo } from '../../shared/model-info';
import type { BenchSettings, RuntimeName } from '../../shared/run-schema';
import { RUNTIMES_FOR_FORMAT, RUNTIME_LABELS } from '../../shared/runtimes';
import type { InputRequest, InputUsed } from '../runner/protocol';
import { MIN_RUNS_PER_WINDOW, type ReportModePlan } from './report-mode';

type InputsInfo = ModelInfo['inputs'];

const INTEGER_DTYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/**
 * Refuses settings that make no sense together, each with the reason and the way out:
 * - a runtime that cannot load the model's format (names the runtimes that can);
 * - --max-time below --min-time (the minimum could never be reached);
 * - report mode with --max-time or --min-time (the report rule sets the windows' time) or with
 *   --runs below MIN_RUNS_PER_WINDOW (--runs is each window's minimum, and a window's median
 *   needs that many runs);
 * - --fresh-inputs when every input has a --value (nothing random is left to refresh).
 */
export function checkSettings(
  settings: BenchSettings,
  model: { format: ModelFormat; name: string; inputs: InputsInfo },
  runtime: RuntimeName,
  plan: ReportModePlan,
): void {
  const able = RUNTIMES_FOR_FORMAT[model.format];
  if (!able.includes(runtime)) {
    throw new StudioError(
      'BAD_INPUT',
      `${RUNTIME_LABELS[runtime]} cannot load '${model.name}', ${/^[aeiou]/.test(model.format) ? 'an' : 'a'} ${model.format} model; ` +
        `${model.format} models can be run by: ${able.join(', ')}. ` +
        `Pass --runtime ${able[0] ?? runtime}, or convert the model.`,
      { flag: '--runtime', runtime, format: model.format },
    );
  }
  if (settings.maxTimeMs > 0 && settings.maxTimeMs < settings.minTimeMs) {
    throw badInput(
      `--max-time ${ms(settings.maxTimeMs)} is shorter than --min-time ${ms(settings.minTimeMs)}, so the minimum could never be reached; ` +
        'raise --max-time or lower --min-time.',
      '--max-time',
    );
  }
  if (settings.mode === 'report') {
    const rule = `--mode report runs ${plan.windows} windows of at least ${ms(plan.minWindowMs)} each and reports the median of their medians`;
    if (settings.maxTimeMs > 0) {
      throw badInput(`${rule}, so --max-time ${ms(settings.maxTimeMs)} would cut it short; drop --max-time, or use --mode quick.`, '--max-time');
    }
    if (settings.minTimeMs > 0) {
      throw badInput(`${rule}; the report rule sets the time, so drop --min-time ${ms(settings.minTimeMs)}, or use --mode quick.`, '--min-time');
    }
    if (settings.runs < MIN_RUNS_PER_WINDOW) {
      throw badInput(
        `${rule}; --runs sets each window's minimum runs and must be at least ${MIN_RUNS_PER_WINDOW} for a window's median to mean something ` +
          `(got --runs ${settings.runs}). Pass --runs ${MIN_RUNS_PER_WINDOW} or more, or use --mode quick.`,
        '--runs',
      );
    }
  }
  if (settings.freshInputs && model.inputs.length > 0 && model.inputs.every((input) => settings.values[input.name] !== undefined)) {
    throw badInput(
      '--fresh-inputs has nothing to refresh: every input has a --value, and inputs given a value keep it. Drop --fresh-inputs or one of the --value flags.',
      '--fresh-inputs',
    );
  }
}

/** Validates settings.shapes and settings.values against the model's inputs and builds the load request's inputs. */
export function planInputs(inputsInfo: InputsInfo, settings: BenchSettings): InputRequest[] {
  const byName = new Map(inputsInfo.map((info) => [info.name, info]));
  for (const [name, dims] of Object.entries(settings.shapes)) {
    const flag = `--shape ${name}=${dims.join('x')}`;
    const info = byName.get(name);
    if (info === undefined) throw badInput(`${flag} names no input of this model; ${listInputs(inputsInfo)}.`, '--shape');
    if (info.shape === null) continue; // rank unknown: any shape may be right
    if (dims.length !== info.shape.length) {
      throw badInput(
        `${flag} gives ${dims.length} dim${dims.length === 1 ? '' : 's'}, but input '${name}' has ${info.shape.length} ` +
          `(${formatShape(info.shape)}); give one size per dim, e.g. --shape ${name}=${exampleDims(info.shape)}.`,
        '--shape',
      );
    }
    info.shape.forEach((declared, i) => {
      if (typeof declared === 'number' && declared >= 0 && dims[i] !== declared) {
        throw badInput(`${flag} sets dim ${i + 1} to ${dims[i]}, but the model fixes it at ${declared} (${formatShape(info.shape ?? [])}).`, '--shape');
      }
    });
  }
  for (const [name, value] of Object.entries(settings.values)) {
    const info = byName.get(name);
    if (info === undefined) throw badInput(`--value ${name}=${value} names no input of this model; ${listInputs(inputsInfo)}.`, '--value');
    if (INTEGER_DTYPES.has(info.dtype) && !Number.isInteger(value)) {
      throw badInput(`--value ${name}=${value} is not an integer, but input '${name}' holds ${info.dtype}; give a whole number.`, '--value');
    }
  }
  return inputsInfo.map((info, index) => {
    const value = settings.values[info.name];
    const shape = settings.shapes[info.name];
    return {
      name: info.name,
      dtype: info.dtype,
      ...(shape !== undefined ? { shape } : {}),
      // Seeds follow the model's input order, so the same settings make the same data.
      fill: value !== undefined ? { kind: 'constant', value } : { kind: 'random', seed: index + 1 },
    };
  });
}

/**
 * The message for a first inference that failed: the runtime's own words, then which flags
 * would change the generated inputs.
 */
export function inputsRejectedMessage(runtimeMessage: string, used: InputUsed[], settings: BenchSettings, runtime: RuntimeName = 'onnxruntime'): string {
  const label = RUNTIME_LABELS[runtime];
  const words = runtimeMessage.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const symbolic = used.filter(
    (input) => settings.shapes[input.name] === undefined && (input.declaredShape?.some((dim) => typeof dim !== 'number') ?? true),
  );
  const valueHint = 'pass --value NAME=N for inputs that must hold a specific value';
  if (symbolic.length === 0) {
    return `${label} rejected the inputs: ${words}. The inputs were filled with random values; ${valueHint}, and --shape NAME=DIMS for inputs whose sizes matter.`;
  }
  const described = symbolic.map((input) => {
    const declared = input.declaredShape;
    const dims = declared === null ? 'an unknown rank' : `symbolic dims [${declared.filter((d) => typeof d !== 'number').map((d) => d ?? '?').join(', ')}]`;
    return `Input '${input.name}' has ${dims}, which ran as ${input.shape.join('x') || 'a scalar'}`;
  });
  const examples = symbolic.map((input) => `--shape ${input.name}=${exampleDims(input.declaredShape ?? input.shape)}`);
  return `${label} rejected the inputs: ${words}. ${described.join('; ')}; pass the sizes the model expects, e.g. ${examples.join(' ')} (and ${valueHint.replace('pass ', '')}).`;
}

/** Example sizes for a declared shape: fixed dims kept, a leading symbolic dim (batch) 1, others 128. */
function exampleDims(shape: readonly (number | string | null)[]): string {
  return shape.map((dim, i) => (typeof dim === 'number' && dim >= 0 ? dim : i === 0 ? 1 : 128)).join('x');
}

function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((dim) => dim ?? '?').join(', ')}]`;
}

function listInputs(inputsInfo: InputsInfo): string {
  if (inputsInfo.length === 0) return 'the model declares no inputs';
  const list = inputsInfo.map((info) => `${info.name} (${info.dtype} ${info.shape === null ? '[?]' : formatShape(info.shape)})`);
  return `its inputs are: ${list.join(', ')}`;
}

/** "500 ms", "10 s", "2.5 s". */
function ms(value: number): string {
  return value < 1000 ? `${value} ms` : `${value / 1000} s`;
}

function badInput(message: string, flag: string): StudioError {
  return new StudioError('BAD_INPUT', message, { flag });
}
