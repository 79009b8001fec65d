/**
 * Every runtime, one line each. RuntimeName is derived from these keys; the engine's loaders
 * (src/core/runner/runtimes/index.ts) are a table typed by it, so a runtime without its engine
 * half does not compile.
 */
import { z } from 'zod';
import { ModelFormat } from '../model-formats';
import { optionFlags, type OptionFlag } from '../option-flags';
import { defineRegistry, recordOf, registryNames } from '../plugin';
import { litertRuntime } from './litert';
import { onnxruntimeRuntime } from './onnxruntime';
import { pythonLitertRuntime, pythonOnnxruntimeRuntime, pythonOpenvinoRuntime, pythonPyarmnnRuntime } from './python-runtimes';
import { tfjsRuntime } from './tfjs';

export type { RuntimeDescriptor } from './runtime';

export const RUNTIMES = defineRegistry({
  onnxruntime: onnxruntimeRuntime,
  tfjs: tfjsRuntime,
  litert: litertRuntime,
  'python:litert': pythonLitertRuntime,
  'python:onnxruntime': pythonOnnxruntimeRuntime,
  'python:openvino': pythonOpenvinoRuntime,
  'python:pyarmnn': pythonPyarmnnRuntime,
});

export const RuntimeName = z.enum(registryNames(RUNTIMES));
export type RuntimeName = z.infer<typeof RuntimeName>;

type Runtimes = typeof RUNTIMES;

/** A schema's options; a runtime without options takes an empty object (zod types `z.object({})` as a record of nevers). */
type OptionsOf<Schema extends Runtimes[RuntimeName]['options']> = [keyof Schema['shape']] extends [never] ? Record<never, never> : z.output<Schema>;

/** Each runtime's own options, keyed by its name (as onnxruntime's ExecutionProviderOptionMap). */
export type RuntimeOptionsMap = { [R in RuntimeName]: OptionsOf<Runtimes[R]['options']> };

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type AllOptionsShape = UnionToIntersection<Runtimes[RuntimeName]['options']['shape']>;

/**
 * Every runtime's options side by side, as run files (settings.runtimeOptions) and the runner
 * protocol carry them: one flat object, each runtime reading its own keys. Kept flat on disk so
 * files of edgebench.run/1 read the same as ever; runtimeOptionsOf gives one runtime's typed view.
 */
export const RuntimeOptions = z.object(
  Object.assign({}, ...Object.values(RUNTIMES).map((runtime) => runtime.options.shape)) as AllOptionsShape,
);
export type RuntimeOptions = z.infer<typeof RuntimeOptions>;

/** One runtime's options out of the flat record (other runtimes' keys dropped, defaults filled). */
export function runtimeOptionsOf<R extends RuntimeName>(runtime: R, options: Partial<RuntimeOptions>): RuntimeOptionsMap[R] {
  return RUNTIMES[runtime].options.parse(options) as RuntimeOptionsMap[R];
}

/** Which runtimes load each model format, in registry order: the first is the format's default. */
export const RUNTIMES_FOR_FORMAT: Readonly<Record<ModelFormat, readonly RuntimeName[]>> = recordOf(ModelFormat.options, (format) =>
  RuntimeName.options.filter((name) => RUNTIMES[name].formats.includes(format)),
);

/** Human names, for the UI and messages. */
export const RUNTIME_LABELS: Readonly<Record<RuntimeName, string>> = recordOf(RuntimeName.options, (name) => RUNTIMES[name].label);

/** Each runtime's options as CLI flags (bench parses them, reproduce commands write them), in registry and schema order. */
export const RUNTIME_OPTION_FLAGS: Readonly<Record<RuntimeName, readonly OptionFlag[]>> = recordOf(RuntimeName.options, (name) =>
  optionFlags(RUNTIMES[name].label, RUNTIMES[name].options, RUNTIMES[name].optionSpecs),
);
