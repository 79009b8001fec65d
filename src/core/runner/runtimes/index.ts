/**
 * The runtimes a runner can load, one line each. A runtime is loaded lazily, so a runner whose
 * machine lacks one (no native binary for this platform) still answers hello and says why.
 */
import type { InputRequest, InputUsed, RuntimeName } from '../protocol';

export interface RuntimeLoadOptions {
  modelPath: string;
  /** Intra-op threads; 0 lets the runtime choose. */
  threads: number;
  inputs: InputRequest[];
}

/** A model loaded into a runtime session, with its inputs already built. */
export interface LoadedModel {
  /** Creating the session, in milliseconds (building input tensors not included). */
  readonly initMs: number;
  readonly inputs: InputUsed[];
  /** One inference on the prepared inputs; the caller ignores the outputs. */
  run(): Promise<unknown>;
  release(): Promise<void>;
}

export interface RuntimeModule {
  readonly name: RuntimeName;
  version(): string;
  load(options: RuntimeLoadOptions): Promise<LoadedModel>;
}

export const runtimeLoaders: Record<RuntimeName, () => Promise<RuntimeModule>> = {
  onnxruntime: async () => (await import('./onnxruntime')).onnxruntimeModule,
};
