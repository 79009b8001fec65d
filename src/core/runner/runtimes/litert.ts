/**
 * TFLite models through LiteRT.js (@litertjs/core): the model is compiled for the 'wasm'
 * accelerator, which runs it with the XNNPACK delegate on WebAssembly. This file stays light:
 * the library and its wasm module are loaded on the first load.
 */
import { readFileSync } from 'node:fs';
import type { CompiledModel, Tensor } from '@litertjs/core';
import { StudioError } from '../../../shared/errors';
import { elementCount, freshSeed, makeInputData, planInput, type InputArray } from '../input-data';
import type { InputRequest, InputUsed } from '../protocol';
import { floatToDtype, outputToFloat32, type FloatTensor } from '../tensor-convert';
import type { LoadedModel, RuntimeLoadOptions, RuntimeModule } from './index';
import { adapterUint8ToInt8, int8IoAdapterNote, int8ToAdapterUint8, liteRtLoadable } from './litert-int8-io';
import { litertVersion, loadLiteRtInNode, type LiteRtLibrary } from './litert-node';
import { decodeTfliteModel, type TfliteModel } from '../../formats/tflite/tflite-model';
import { TensorType } from '../../formats/tflite/tflite-schema';

export const litertModule: RuntimeModule<'litert'> = {
  name: 'litert',
  version: litertVersion,
  load,
};

/** What LoadedModel.backend says: LiteRT.js's CPU path is XNNPACK on WebAssembly. */
export const LITERT_BACKEND = 'wasm (XNNPACK)';

/** One input as the model declares it (LiteRT.js reports -1 for a dynamic dim). */
export interface LiteRtInputSpec {
  name: string;
  dtype: string;
  shape: number[];
}

export interface LiteRtModel {
  library: LiteRtLibrary;
  compiled: CompiledModel;
  /** As the file declares them: an int8 input stays 'int8' though the compiled copy takes uint8 (litert-int8-io.ts). */
  inputs: LiteRtInputSpec[];
  /** Positions (in getOutputDetails order) of int8 outputs the compiled copy returns as uint8; empty without the adapter. */
  adaptedOutputs: ReadonlySet<number>;
  /** What a run of this model must say about how it was loaded (the int8 I/O adapter); empty when loaded as it is. */
  notes: string[];
  /** Per input and per output (getInputDetails / getOutputDetails order): the file's scale and zero point for an int8 or uint8 tensor, else null. */
  inputQuantization: Array<IoQuantization | null>;
  outputQuantization: Array<IoQuantization | null>;
}

/** real = (q − zeroPoint) · scale, per tensor: how a full-integer model's int8/uint8 inputs and outputs map to the float values they stand for. */
export interface IoQuantization {
  scale: number;
  zeroPoint: number;
}

/**
 * The per-tensor quantization of the main subgraph's int8/uint8 inputs and outputs, matched to
 * LiteRT.js's details by name (tensor names, or signature names where a signature maps them),
 * else by position. Per-axis parameters on an input or output are not a thing TFLite's converter
 * writes; such a tensor gets null and is fed as it is.
 */
function ioQuantization(bytes: Uint8Array, fileName: string, details: { inputs: string[]; outputs: string[] }): { inputs: Array<IoQuantization | null>; outputs: Array<IoQuantization | null> } {
  let model: TfliteModel;
  try {
    model = decodeTfliteModel(bytes, fileName);
  } catch {
    return { inputs: details.inputs.map(() => null), outputs: details.outputs.map(() => null) };
  }
  const sg = model.subgraphs[0];
  const paramsOf = (index: number | undefined): IoQuantization | null => {
    const tensor = index === undefined ? undefined : sg?.tensors[index];
    const q = tensor?.quantization;
    if (!tensor || (tensor.type !== TensorType.INT8 && tensor.type !== TensorType.UINT8) || q?.scale?.length !== 1) return null;
    return { scale: q.scale[0] as number, zeroPoint: q.zeroPoint?.[0] ?? 0 };
  };
  const signature = (model.signatureDefs?.[0] ?? {}) as { inputs?: Array<{ name?: string; tensorIndex?: number }>; outputs?: Array<{ name?: string; tensorIndex?: number }> };
  const match = (names: string[], indices: number[], mapped: Array<{ name?: string; tensorIndex?: number }> | undefined): Array<IoQuantization | null> =>
    names.map((name, position) => {
      const byTensorName = indices.find((i) => sg?.tensors[i]?.name === name);
      const bySignature = mapped?.find((entry) => entry.name === name)?.tensorIndex;
      return paramsOf(byTensorName ?? bySignature ?? indices[position]);
    });
  return { inputs: match(details.inputs, sg?.inputs ?? [], signature.inputs), outputs: match(details.outputs, sg?.outputs ?? [], signature.outputs) };
}

/** Reads and compiles a .tflite file; throws RUNTIME/LOAD_FAILED naming the file. */
export async function openLiteRtModel(modelPath: string, threads: number): Promise<LiteRtModel> {
  const library = await loadLiteRtInNode();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(modelPath));
  } catch (error) {
    throw loadError(modelPath, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist; check the path' : messageOf(error));
  }
  const loadable = liteRtLoadable(bytes, modelPath);
  let compiled: CompiledModel;
  try {
    // numThreads is passed as asked, but the single-threaded build LiteRT.js loads in Node
    // computes on one thread whatever it says (see litert-node.ts).
    compiled = await library.loadAndCompile(loadable.bytes, { accelerator: 'wasm', ...(threads > 0 ? { cpuOptions: { numThreads: threads } } : {}) });
  } catch (error) {
    throw loadError(modelPath, `${messageOf(error)}; is it a complete .tflite file? Re-export it or check the download`);
  }
  try {
    const adaptedIn = new Set(loadable.adapted?.reported.inputs);
    const adaptedOut = new Set(loadable.adapted?.reported.outputs);
    const inputs = compiled.getInputDetails().map((detail) => ({ name: detail.name, dtype: adaptedIn.has(detail.name) ? 'int8' : detail.dtype, shape: Array.from(detail.shape) }));
    const adaptedOutputs = new Set(compiled.getOutputDetails().flatMap((detail, i) => (adaptedOut.has(detail.name) ? [i] : [])));
    const quantization = ioQuantization(bytes, modelPath, { inputs: compiled.getInputDetails().map((d) => d.name), outputs: compiled.getOutputDetails().map((d) => d.name) });
    return {
      library,
      compiled,
      inputs,
      adaptedOutputs,
      notes: loadable.adapted === undefined ? [] : [int8IoAdapterNote(loadable.adapted)],
      inputQuantization: quantization.inputs,
      outputQuantization: quantization.outputs,
    };
  } catch (error) {
    compiled.delete();
    throw loadError(modelPath, `LiteRT.js cannot describe its inputs (${messageOf(error)}); LiteRT.js feeds only float32, int32 and uint8 tensors (int8 inputs and outputs through the studio's uint8 adapter)`);
  }
}

/** An output's values: what LiteRT.js returns, or Int8Array for an int8 output read through the adapter. */
export type LiteRtOutputValues = ReturnType<Tensor['toTypedArray']> | Int8Array<ArrayBuffer>;

/**
 * One inference, copying every output out of wasm memory and freeing it, as an application
 * would. Resolves with the outputs' values, in the model's output order; adapted int8 outputs
 * come back as the model's int8 values (given the LiteRtModel; a bare CompiledModel has no adapter).
 */
export async function runLiteRtOnce(target: CompiledModel | Pick<LiteRtModel, 'compiled' | 'adaptedOutputs'>, inputs: Tensor[]): Promise<LiteRtOutputValues[]> {
  const { compiled, adaptedOutputs } = 'compiled' in target ? target : { compiled: target, adaptedOutputs: new Set<number>() };
  const outputs = await compiled.run(inputs);
  return outputs.map((output, i) => {
    const values = output.toTypedArray();
    output.delete();
    return adaptedOutputs.has(i) && values instanceof Uint8Array ? adapterUint8ToInt8(values) : values;
  });
}

async function load({ modelPath, threads, inputs }: RuntimeLoadOptions<'litert'>): Promise<LoadedModel> {
  await loadLiteRtInNode();
  const startNs = process.hrtime.bigint();
  const model = await openLiteRtModel(modelPath, threads);
  const initMs = Number(process.hrtime.bigint() - startNs) / 1e6;
  if (threads > 1) process.stderr.write(`litert: ${threads} threads were asked, but LiteRT.js computes on 1 thread in Node (single-threaded wasm build).\n`);

  const { library, compiled } = model;
  const tensors: Tensor[] = [];
  try {
    const requested = new Map(inputs.map((input) => [input.name, input]));
    const used = model.inputs.map((spec, index) => planLiteRtInput(spec, requested.get(spec.name), index));
    for (const input of used) tensors.push(makeTensor(library, input, input.fill));
    return {
      initMs,
      inputs: used,
      backend: LITERT_BACKEND,
      notes: model.notes,
      inputQuantization: new Map(model.inputs.flatMap((spec, i) => (model.inputQuantization[i] ? [[spec.name, model.inputQuantization[i] as IoQuantization] as const] : []))),
      run: () => runLiteRtOnce(model, tensors),
      outputNames: compiled.getOutputDetails().map((detail) => detail.name),
      infer: (given) => inferWithOutputs(library, model, given),
      refreshInputs(seed) {
        used.forEach((input, index) => {
          // Inputs given a --value keep it: only generated (random) inputs are refreshed.
          if (input.fill.kind !== 'random') return;
          tensors[index]?.delete();
          tensors[index] = makeTensor(library, input, { kind: 'random', seed: freshSeed(seed, index) });
        });
      },
      release: async () => {
        for (const tensor of tensors) tensor.delete();
        compiled.delete();
      },
    };
  } catch (error) {
    for (const tensor of tensors) tensor.delete();
    compiled.delete();
    throw error;
  }
}

/** One inference on given float values (converted to each input's dtype); every output copied out as float32 with its shape. */
async function inferWithOutputs(library: LiteRtLibrary, model: LiteRtModel, given: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
  const inputs: Tensor[] = [];
  try {
    for (const spec of model.inputs) {
      const value = given[spec.name];
      if (value === undefined) {
        throw new StudioError('RUNTIME', `No values were given for the model's input '${spec.name}'; every input needs data.`, { runnerCode: 'UNSUPPORTED_INPUT', input: spec.name });
      }
      const data = floatToDtype(spec.name, spec.dtype, value.data);
      inputs.push(makeLiteRtTensor(library, spec.name, spec.dtype, data, value.dims));
    }
    const outputs = await model.compiled.run(inputs);
    const names = model.compiled.getOutputDetails().map((detail) => detail.name);
    const values: Record<string, FloatTensor> = {};
    outputs.forEach((output, i) => {
      const name = names[i] ?? `output_${i}`;
      try {
        const raw = output.toTypedArray();
        const data = model.adaptedOutputs.has(i) && raw instanceof Uint8Array ? adapterUint8ToInt8(raw) : raw;
        const floats = Float32Array.from(outputToFloat32(name, output.type.dtype, data));
        // An int8/uint8 output stands for (q − zero point) · scale: evaluation compares that with the float model.
        const q = model.outputQuantization[i];
        if (q) for (let k = 0; k < floats.length; k += 1) floats[k] = ((floats[k] as number) - q.zeroPoint) * q.scale;
        values[name] = { dims: Array.from(output.type.layout.dimensions), data: floats };
      } finally {
        output.delete();
      }
    });
    return values;
  } finally {
    for (const tensor of inputs) tensor.delete();
  }
}

function planLiteRtInput(spec: LiteRtInputSpec, request: InputRequest | undefined, index: number): InputUsed {
  // LiteRT marks dynamic dims -1.
  return planInput(spec.name, spec.dtype, spec.shape.map((dim) => (dim < 0 ? null : dim)), request, index);
}

function makeTensor(library: LiteRtLibrary, input: InputUsed, fill: InputUsed['fill']): Tensor {
  return makeLiteRtTensor(library, input.name, input.dtype, makeInputData(input.name, input.dtype, elementCount(input.shape), fill), input.shape);
}

/**
 * A LiteRT.js tensor of `data`. Int8 data (an input of the file the adapter moved to uint8: only
 * those are planned as int8) cross as v + 128, which the adapter's QUANTIZE turns back exactly.
 */
export function makeLiteRtTensor(library: LiteRtLibrary, name: string, dtype: string, data: InputArray, shape: readonly number[]): Tensor {
  if (data instanceof Int8Array) return new library.Tensor(int8ToAdapterUint8(data), [...shape]);
  if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array)) {
    throw new StudioError('RUNTIME', `Input '${name}' has element type '${dtype}'; LiteRT.js tensors hold only float32, int32 and uint8.`, {
      runnerCode: 'UNSUPPORTED_INPUT',
      input: name,
    });
  }
  // Our arrays are allocated on plain ArrayBuffers (never shared ones), which is what LiteRT.js types ask for.
  return new library.Tensor(data as Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>, [...shape]);
}


function loadError(modelPath: string, reason: string): StudioError {
  return new StudioError('RUNTIME', `LiteRT.js could not load '${modelPath}': ${reason.replace(/\.$/, '')}.`, {
    runnerCode: 'LOAD_FAILED',
    file: modelPath,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
