/**
 * The engine half of each runtime, one line each; the shared half (name, formats, options and
 * how they appear in the CLI, UI and reports) is its descriptor in src/shared/plugins/runtimes.
 * The table is typed by RuntimeName, so a descriptor without its module does not compile. A
 * runtime is loaded lazily, so a runner whose machine lacks one (no native binary for this
 * platform) still answers hello and says why.
 */
import { runtimeOptionsOf, type RuntimeName, type RuntimeOptions, type RuntimeOptionsMap } from '../../../shared/plugins/runtimes';
import type { InputRequest, InputUsed } from '../protocol';
import type { FloatTensor } from '../tensor-convert';

export type { FloatTensor } from '../tensor-convert';

export interface RuntimeLoadOptions<R extends RuntimeName = RuntimeName> {
  modelPath: string;
  /** Intra-op threads; 0 lets the runtime choose. */
  threads: number;
  inputs: InputRequest[];
  /** This runtime's own options (its descriptor's schema), defaults filled. */
  options: RuntimeOptionsMap[R];
}

/** The runtime's own per-node profile over `runs` extra inferences (see RunFile.profile). */
export interface RuntimeProfile {
  runs: number;
  /** The runtime's own time for each profiled run, in ms (e.g. onnxruntime's model_run events). */
  runtimeRunMs: number[];
  /** Our wall-clock time for the same runs, in ms. */
  wallRunMs: number[];
  /** Per node: total microseconds over all profiled runs. */
  nodes: Array<{ name: string; opType: string; totalUs: number }>;
}

/** A model loaded into a runtime session, with its inputs already built. */
export interface LoadedModel {
  /** Creating the session, in milliseconds (building input tensors not included). */
  readonly initMs: number;
  readonly inputs: InputUsed[];
  /** Which backend runs it: 'cpu' (onnxruntime), 'tensorflow' | 'wasm' | 'cpu' (tfjs), 'wasm (XNNPACK)' (litert). */
  readonly backend: string;
  /** What every run and evaluation of this model must say about how the runtime loaded it (e.g. LiteRT.js's int8 I/O adapter); absent when there is nothing to say. */
  readonly notes?: readonly string[];
  /** One inference on the prepared inputs; the caller ignores the outputs. Resolves once outputs are ready (tfjs: data synced). */
  run(): Promise<unknown>;
  /** Replaces the prepared inputs with new random values of the same shapes (--fresh-inputs); not timed. */
  refreshInputs(seed: number): void;
  /** The model's output names, in the model's order (the first is the one evaluation compares). */
  readonly outputNames: readonly string[];
  /**
   * One inference on caller-given inputs (evaluation), outputs read back as float32 in
   * `outputNames` order. Values are converted to each input's declared dtype (integers rounded
   * and clamped); dims are used as given, so a batch above 1 needs a model with a free batch dim.
   */
  infer(feeds: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>>;
  /**
   * The scale and zero point of each int8/uint8 input of a full-integer model (TFLite), by input
   * name: evaluation quantizes float samples with them, as a TFLite application does. Absent or
   * empty for float models and runtimes without quantized inputs.
   */
  readonly inputQuantization?: ReadonlyMap<string, { scale: number; zeroPoint: number }>;
  /** Runs `runs` extra inferences under the runtime's profiler, where it has one. */
  profile?(runs: number): Promise<RuntimeProfile>;
  release(): Promise<void>;
}

export interface RuntimeModule<R extends RuntimeName = RuntimeName> {
  readonly name: R;
  version(): string;
  load(options: RuntimeLoadOptions<R>): Promise<LoadedModel>;
}

export const runtimeLoaders = {
  onnxruntime: async () => (await import('./onnxruntime')).onnxruntimeModule,
  tfjs: async () => (await import('./tfjs')).tfjsModule,
  litert: async () => (await import('./litert')).litertModule,
  'python:litert': async () => (await import('./python-only')).pythonOnlyModule('python:litert'),
  'python:onnxruntime': async () => (await import('./python-only')).pythonOnlyModule('python:onnxruntime'),
  'python:openvino': async () => (await import('./python-only')).pythonOnlyModule('python:openvino'),
  'python:pyarmnn': async () => (await import('./python-only')).pythonOnlyModule('python:pyarmnn'),
} satisfies { [R in RuntimeName]: () => Promise<RuntimeModule<R>> };

/**
 * Loads `runtime` and a model into it, handing the runtime its own options out of the flat
 * record runs and the runner protocol carry.
 */
export async function loadRuntime(runtime: RuntimeName): Promise<{ version(): string; load(options: Omit<RuntimeLoadOptions, 'options'> & { options: Partial<RuntimeOptions> }): Promise<LoadedModel> }> {
  const module = (await runtimeLoaders[runtime]()) as RuntimeModule;
  return {
    version: () => module.version(),
    load: (request) => module.load({ ...request, options: runtimeOptionsOf(runtime, request.options) }),
  };
}
